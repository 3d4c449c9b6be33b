"""A :class:`~eatbench.report.tables.model.Table` as GitHub Markdown or as a LaTeX booktabs table.

Markdown: a group header row, the column titles, **best**, <u>second</u>, notes as a list.
LaTeX: a ``table*`` float with booktabs rules, ``\\textbf`` best, ``\\underline`` second, notes in
``\\footnotesize`` below the tabular. The file starts with a comment naming the packages it needs
(:data:`LATEX_PACKAGES`); the caption has no "Table I:" of its own, so the document numbers it once
(``\\label{tab:eatbench-table1}`` lets the text refer to it); `code` in notes becomes ``\\texttt``.
"""

from __future__ import annotations

import re

from eatbench.errors import EatbenchError
from eatbench.report.tables.model import Format, Row, Table

LATEX_PACKAGES = {  # package -> what of it the tables use
    "booktabs": r"\toprule, \midrule, \cmidrule, \bottomrule",
    "amssymb": r"\checkmark",
}


def check_format(fmt: str) -> Format:
    """``fmt`` when it is a format the tables render to; else one line naming them."""
    if fmt not in ("markdown", "latex"):
        raise EatbenchError(f"--format {fmt!r}: must be latex or markdown")
    return fmt  # type: ignore[return-value]


def render(table: Table, fmt: Format | str) -> str:
    """``table`` in ``fmt`` (``markdown`` or ``latex``)."""
    return to_markdown(table) if check_format(fmt) == "markdown" else to_latex(table)


def to_markdown(table: Table) -> str:
    """GitHub Markdown: a group header row, the column titles, **best**, <u>second</u>."""
    ncol = len(table.columns) + 1
    lines = [f"**{table.title}**", ""]
    if table.groups and any(g for g, _ in table.groups):
        head = [""]
        for g, span in table.groups:
            head += [g] + [""] * (span - 1)
        lines += [
            "| " + " | ".join(head) + " |",
            "|" + "---|" * ncol,
            "| " + " | ".join(f"**{c}**" for c in [table.label_title, *table.columns]) + " |",
        ]
    else:
        lines += ["| " + " | ".join([table.label_title, *table.columns]) + " |", "|" + "---|" * ncol]
    for row in table.rows:
        if row.kind == "rule":
            continue
        if row.kind == "heading":
            lines.append(f"| ***{row.label}*** |" + " |" * (ncol - 1))
            continue
        cells = []
        for c in row.cells:
            text = c.text + (f"<sup>{c.marks}</sup>" if c.marks else "")
            cells.append(f"**{text}**" if c.rank == 1 else f"<u>{text}</u>" if c.rank == 2 else text)
        label = f"*{row.label}*" if row.kind in ("published", "delta") else row.label
        lines.append("| " + " | ".join([label, *cells]) + " |")
    lines.append("")
    lines += [f"- {n}" for n in table.notes]
    return "\n".join(lines) + "\n"


_LATEX_ESCAPE = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\^{}",
}
_LATEX_SYMBOL = {
    "↑": r"$\uparrow$",
    "↓": r"$\downarrow$",
    "→": r"$\rightarrow$",
    "✓": r"\checkmark",
    "✗": r"$\times$",
    "Δ": r"$\Delta$",
    "−": "--",
    "—": "--",
    "±": r"$\pm$",
    "†": r"$^\dagger$",
    "…": r"\ldots{}",
}


def _plain(text: str) -> str:
    out = "".join(_LATEX_ESCAPE.get(ch, ch) for ch in text)
    for k, v in _LATEX_SYMBOL.items():
        out = out.replace(k, v)
    return out


def tex(text: str) -> str:
    """Plain text as LaTeX: special characters escaped, the tables' symbols as LaTeX symbols, and
    `code` spans (a command to run, a file name) as ``\\texttt``."""
    parts = re.split(r"`([^`]*)`", text)  # odd indices: the code spans
    return "".join(rf"\texttt{{{_plain(p)}}}" if i % 2 else _plain(p) for i, p in enumerate(parts))


def _rules_collapsed(rows: list[Row]) -> list[Row]:
    """Rows without a rule that would double the header's \\midrule, another rule, or the \\bottomrule."""
    out: list[Row] = []
    for row in rows:
        if row.kind == "rule" and (not out or out[-1].kind == "rule"):
            continue
        out.append(row)
    while out and out[-1].kind == "rule":
        out.pop()
    return out


def to_latex(table: Table) -> str:
    """A booktabs ``table*`` environment, \\textbf best, \\underline second; see the module docstring."""
    ncol = len(table.columns) + 1
    needs = "; ".join(rf"\usepackage{{{p}}} ({what})" for p, what in LATEX_PACKAGES.items())
    caption = table.caption[:1].upper() + table.caption[1:]
    lines = [
        f"% {table.name} of the EAT-Face paper, written by eatbench (`eatbench table {table.number} --format latex`).",
        f"% Needs in the preamble: {needs}.",
        r"\begin{table*}[t]",
        r"\centering",
        rf"\caption{{{tex(caption)}}}\label{{tab:eatbench-table{table.number}}}",
        r"\begin{tabular}{l" + "c" * (ncol - 1) + "}",
        r"\toprule",
    ]
    if table.groups and any(g for g, _ in table.groups):
        head, rules, col = [""], [], 2
        for g, span in table.groups:
            head.append(rf"\multicolumn{{{span}}}{{c}}{{{tex(g)}}}" if g else "")
            if g:
                rules.append(rf"\cmidrule(lr){{{col}-{col + span - 1}}}")
            col += span
        lines += [" & ".join(head) + r" \\", " ".join(rules)]
    lines.append(" & ".join(tex(c) for c in [table.label_title, *table.columns]) + r" \\")
    lines.append(r"\midrule")
    for row in _rules_collapsed(table.rows):
        if row.kind == "rule":
            lines.append(r"\midrule")
            continue
        if row.kind == "heading":
            lines.append(rf"\multicolumn{{{ncol}}}{{l}}{{\textit{{{tex(row.label)}}}}} \\")
            continue
        cells = []
        for c in row.cells:
            text = tex(c.text) + (rf"$^{{{c.marks}}}$" if c.marks and c.marks != "†" else tex(c.marks))
            cells.append(rf"\textbf{{{text}}}" if c.rank == 1 else rf"\underline{{{text}}}" if c.rank == 2 else text)
        label = rf"\textit{{{tex(row.label)}}}" if row.kind in ("published", "delta") else tex(row.label)
        lines.append(" & ".join([label, *cells]) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    if table.notes:
        lines.append(r"\par\smallskip\footnotesize")
        lines += [tex(n) + r"\\" for n in table.notes]
    lines.append(r"\end{table*}")
    return "\n".join(lines) + "\n"
