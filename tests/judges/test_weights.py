"""The weights registry: lookup folders, the missing-file error, checksums, fetch, and the CLI."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import zipfile

import pytest
from typer.testing import CliRunner

from eatbench.cli import app
from eatbench.errors import EatbenchError, MissingWeightsError
from eatbench.judges import weights as w


def test_every_metric_weight_has_an_entry_in_both_profiles():
    for name in ("syncnet", "arcface", "fid-inception", "lpips-alex", "lpips-alex-lin", "emotion-judge"):
        for profile in ("official", "demo"):
            assert w.get_entry(name, profile).filename


def test_missing_official_file_names_file_checksum_folders_and_fix(weights_env):
    with pytest.raises(MissingWeightsError) as err:
        w.resolve_weights("fid-inception")
    msg = str(err.value)
    assert "pt_inception-2015-12-05-6726825d.pth (sha256 6726825d…) not found in" in msg
    assert str(weights_env / "weights") in msg and str(weights_env / "torch" / "hub" / "checkpoints") in msg
    assert "`eatbench weights fetch fid-inception`" in msg and "\n" not in msg


def test_missing_demo_judge_names_the_training_command(weights_env, monkeypatch):
    monkeypatch.setattr(w, "DEMO_WEIGHTS_DIR", weights_env / "no-shipped-judges")  # as before they were trained
    with pytest.raises(MissingWeightsError, match=r"syncnet\.safetensors .*`eatbench train sync-judge --dataset demo`"):
        w.resolve_weights("syncnet", "demo")
    with pytest.raises(MissingWeightsError, match=r"`eatbench train identity-judge --dataset demo`"):
        w.resolve_weights("arcface", "demo")
    with pytest.raises(MissingWeightsError, match=r"`eatbench train emotion-judge --dataset demo`"):
        w.resolve_weights("emotion-judge", "demo")


def test_search_order_and_locations(weights_env):
    hub = weights_env / "torch" / "hub" / "checkpoints"
    hub.mkdir(parents=True)
    (hub / "alexnet-owt-7be5be79.pth").write_bytes(b"x")
    assert w.resolve_weights("lpips-alex") == hub / "alexnet-owt-7be5be79.pth"
    ours = weights_env / "weights"
    ours.mkdir()
    (ours / "alexnet-owt-7be5be79.pth").write_bytes(b"y")
    assert w.resolve_weights("lpips-alex") == ours / "alexnet-owt-7be5be79.pth"  # EATBENCH_WEIGHTS first
    buffalo = weights_env / "home" / ".insightface" / "models" / "buffalo_l"
    buffalo.mkdir(parents=True)
    (buffalo / "w600k_r50.onnx").write_bytes(b"z")
    assert w.resolve_weights("arcface") == buffalo / "w600k_r50.onnx"
    # shared files resolve the same under the demo profile
    assert w.resolve_weights("lpips-alex", "demo") == ours / "alexnet-owt-7be5be79.pth"
    # the LPIPS linear layers ship inside the lpips wheel, with the wheel's recorded sha256
    lin = w.resolve_weights("lpips-alex-lin")
    assert w.get_entry("lpips-alex-lin").check(w.weights_sha256(lin)) is True


def test_torch_hub_dir_without_importing_torch_matches_torch(weights_env, monkeypatch):
    import torch

    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    expected = torch.hub.get_dir()
    monkeypatch.delitem(__import__("sys").modules, "torch")
    assert str(w.torch_hub_checkpoints()) == f"{expected}/checkpoints"


def test_unknown_names_suggest(weights_env):
    with pytest.raises(EatbenchError, match="did you mean 'syncnet'"):
        w.resolve_weights("synctnet")
    with pytest.raises(EatbenchError, match=r"unknown judge profile 'oficial'.*did you mean 'official'"):
        w.resolve_weights("syncnet", "oficial")


def _file_opener(mapping):
    """An opener that serves each official URL from a local file:// URL (no network in tests)."""

    def opener(url, timeout=None):
        if url not in mapping:
            raise urllib.error.URLError("unreachable")
        return urllib.request.urlopen(mapping[url], timeout=timeout)

    return opener


def test_fetch_unreachable_is_one_line_error(weights_env):
    entry = w.get_entry("syncnet")
    with pytest.raises(EatbenchError) as err:
        w.fetch_weights("syncnet", opener=_file_opener({}))
    assert f"could not download {entry.url}: unreachable" in str(err.value)
    assert "\n" not in str(err.value)
    assert not (weights_env / "weights" / "syncnet_v2.model").exists()


def test_fetch_real_unreachable_url(weights_env):
    """The default opener on an address that cannot resolve (no network needed to fail)."""
    with pytest.raises(EatbenchError, match="could not download"):
        w.fetch_weights(
            "syncnet", opener=lambda url, timeout: urllib.request.urlopen("http://nonexistent.invalid/x", timeout=5)
        )


def test_fetch_checksum_mismatch_writes_nothing(weights_env, tmp_path):
    src = tmp_path / "served.pth"
    src.write_bytes(b"not the inception weights")
    entry = w.get_entry("fid-inception")
    with pytest.raises(EatbenchError, match=r"checksum mismatch .*expected sha256 6726825d…, got sha256 [0-9a-f]{64}"):
        w.fetch_weights("fid-inception", opener=_file_opener({entry.url: src.as_uri()}))
    assert not (weights_env / "weights" / entry.filename).exists()
    assert not list((weights_env / "weights").glob("*")) if (weights_env / "weights").exists() else True


def test_fetch_verified_and_unverified_files(weights_env, tmp_path):
    import hashlib

    # a file with no published checksum is kept (its sha256 is logged)
    src = tmp_path / "syncnet_v2.model"
    src.write_bytes(b"syncnet bytes")
    path = w.fetch_weights("syncnet", opener=_file_opener({w.get_entry("syncnet").url: src.as_uri()}))
    assert path == weights_env / "weights" / "syncnet_v2.model" and path.read_bytes() == b"syncnet bytes"
    # the ArcFace file is taken out of the buffalo_l zip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("det_10g.onnx", b"det")
        zf.writestr("w600k_r50.onnx", b"arcface bytes")
    (tmp_path / "buffalo_l.zip").write_bytes(buf.getvalue())
    dest = tmp_path / "elsewhere"
    path = w.fetch_weights(
        "arcface", dest=dest, opener=_file_opener({w.get_entry("arcface").url: (tmp_path / "buffalo_l.zip").as_uri()})
    )
    assert path == dest / "w600k_r50.onnx" and path.read_bytes() == b"arcface bytes"
    # a full published checksum is checked exactly
    lin = w.get_entry("lpips-alex-lin")
    assert lin.check(hashlib.sha256(b"x").hexdigest()) is False


def test_fetch_demo_judge_is_the_shipped_file_or_says_how_to_train(weights_env, monkeypatch):
    # The demo judges ship with the package: nothing to download, the shipped file is the answer.
    assert w.fetch_weights("syncnet", "demo") == w.DEMO_WEIGHTS_DIR / "syncnet.safetensors"
    res = CliRunner().invoke(app, ["weights", "fetch", "syncnet", "--profile", "demo"], env={"COLUMNS": "300"})
    assert res.exit_code == 0 and "nothing to download, the file is already at" in res.output
    assert "cannot be downloaded" not in res.output
    # Without the shipped copy, the one line says how to make one.
    monkeypatch.setattr(w, "DEMO_WEIGHTS_DIR", weights_env / "no-shipped-judges")
    with pytest.raises(EatbenchError, match=r"no download address.*eatbench train sync-judge --dataset demo"):
        w.fetch_weights("syncnet", "demo")


def test_cli_list_verify_fetch(weights_env, monkeypatch):
    runner = CliRunner()
    res = runner.invoke(app, ["weights", "list"], env={"COLUMNS": "200"})  # the shipped demo judges are found
    assert res.exit_code == 0 and "syncnet (demo): " + str(w.DEMO_WEIGHTS_DIR / "syncnet.safetensors") in res.output
    monkeypatch.setattr(w, "DEMO_WEIGHTS_DIR", weights_env / "no-shipped-judges")
    res = runner.invoke(app, ["weights", "list", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    by = {(r["name"], r["profile"]): r for r in rows}
    assert by[("syncnet", "official")]["present"] is False
    assert by[("lpips-alex-lin", "any")]["present"] is True
    assert by[("fid-inception", "any")]["sha256"] == "6726825d…"

    res = runner.invoke(app, ["weights", "verify", "--json", "--profile", "demo"])
    assert res.exit_code == 0, res.output
    rows = {r["name"]: r for r in json.loads(res.output)}
    assert rows["lpips-alex-lin"]["verified"] == "ok"

    hub = weights_env / "torch" / "hub" / "checkpoints"
    hub.mkdir(parents=True)
    (hub / "pt_inception-2015-12-05-6726825d.pth").write_bytes(b"random test weights")
    res = runner.invoke(app, ["weights", "verify", "--json"])
    assert res.exit_code == 1
    rows = {r["name"]: r for r in json.loads(res.output)}
    assert rows["fid-inception"]["verified"] == "MISMATCH"

    res = runner.invoke(app, ["weights", "list"], env={"COLUMNS": "200"})  # the table renders
    assert res.exit_code == 0 and "syncnet_v2.model" in res.output
    assert "syncnet (demo): searched" in res.output and "eatbench train sync-judge --dataset demo" in res.output
