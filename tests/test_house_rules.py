"""The house's walls (issue 13): imports never run back up, and no module holds two concepts' worth of lines.

Read from the source with :mod:`ast`, so a violation fails here whatever the test run imports.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400  # STYLE.md rule 1: most modules land between 100 and 400 lines
PACKAGES = ("eatbench", "eatface", "baselines", "benchmarks")

# (folder, forbidden import): the model library knows nothing of the benchmark; methods know nothing of the
# baseline adapters (they register through entry points); judges sit below the metrics that use them.
BOUNDARIES = [
    ("eatface", "eatbench"),
    ("eatbench/methods", "baselines"),
    ("eatbench/judges", "eatbench.metrics"),
]


def imported_modules(path: Path) -> list[str]:
    """Every absolute module name that ``path`` imports, at any depth (lazy imports inside functions too)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a relative import would hide where it points: the house uses absolute imports only
                names.append("." * node.level + (node.module or ""))
            elif node.module:
                names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return names


@pytest.mark.parametrize(("folder", "forbidden"), BOUNDARIES)
def test_no_import_runs_back_up(folder, forbidden):
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for name in imported_modules(path)
        if name == forbidden or name.startswith(forbidden + ".")
    ]
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files  # a renamed folder must not pass with nothing to check
    relative = [str(path.relative_to(ROOT)) for path in files if any(n.startswith(".") for n in imported_modules(path))]
    assert found == [] and relative == []


def test_the_rule_sees_a_lazy_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from eatbench.metrics import registry\n    import baselines.external\n")
    assert {"eatbench.metrics", "eatbench.metrics.registry", "baselines.external"} <= set(imported_modules(module))


def test_the_rule_sees_a_package_imported_by_name_and_a_relative_import(tmp_path):
    by_name, relative = tmp_path / "a.py", tmp_path / "b.py"
    by_name.write_text("from eatbench import metrics\n")
    relative.write_text("from ..metrics import lse\n")
    assert "eatbench.metrics" in imported_modules(by_name)
    assert imported_modules(relative) == ["..metrics"]


def test_no_module_over_the_line_budget():
    long = {
        str(path.relative_to(ROOT)): n
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
