"""The main job, ``python -m unirand [conformance]``: the report, its JSON and its exit status."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import unirand
from unirand.__main__ import main
from unirand.report import cell as _cell, golden as _golden, plan as _plan
from unirand.report.progress import Progress
from unirand.report.render import render
from unirand.report.targets import Target, discover

ROOT = Path(__file__).resolve().parents[2]
CELL_KEYS = {
    "jax_path",
    "status",
    "ok",
    "claim",
    "error",
    "golden",
    "cross_check",
    "max_ulp",
    "max_err",
    "elements",
    "elements_bitwise",
    "share_bitwise",
    "first_difference",
    "seconds",
    "cpu_seconds",
}


def _json_report(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["conformance", "--json", "--jobs", "1", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_numpy_is_bitwise(capsys):
    assert main(["--backends", "numpy", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "numpy cpu" in out and "bitwise" in out and "OK: every documented claim holds" in out
    assert all("!" not in line for line in out.splitlines() if line.startswith("numpy cpu"))


def test_json_schema(capsys):
    code, report = _json_report(capsys, "--backends", "numpy", "--size", "1000")
    assert code == report["exit_code"] == 0 and report["ok"] is True
    assert report["schema"] == "unirand.conformance.v1"
    assert report["unirand"] == unirand.__version__
    headers, cases = _golden.load_all()
    assert [v["file"] for v in report["vectors"]] == list(headers)
    assert report["vectors"][0]["file"] == _golden.VECTOR_FILE
    assert sum(v["cases"] for v in report["vectors"]) == report["cases"] == len(cases)
    assert all(v["schema"] == "unirand.golden.v1" for v in report["vectors"])
    assert report["options"]["size"] == 1000 and report["options"]["backends"] == ["numpy"]
    assert report["libraries"]["numpy"] == np.__version__
    [row] = report["rows"]
    assert row["id"] == "numpy/cpu" and row["backend"] == "numpy" and row["claimed"] is True
    assert list(row["cells"]) == report["columns"]
    for cell in row["cells"].values():
        assert set(cell) == CELL_KEYS
        assert cell["status"] == "bitwise" and cell["ok"] and cell["max_ulp"] == 0
        assert cell["claim"]["kind"] == "bitwise" and cell["share_bitwise"] == 1.0
    run = [c for c in cases if c["fn"] not in report["absent_functions"]]
    assert sum(c["golden"]["cases"] for c in row["cells"].values()) == len(run)


def test_every_function_in_the_vectors_is_a_column():
    """Columns come from the vectors' "fn": a new sampler is covered without code changes
    (functions not yet in the API are named, not run)."""
    _, cases = _golden.load_all()
    columns = _plan.plan(cases)
    missing = _plan.absent(cases)
    want = {_golden.column(c) for c in cases if c["fn"] not in missing}
    assert want == set(columns)
    assert list(columns)[:3] == ["key", "split", "fold_in"]
    for fn in {c["fn"] for c in cases} - {"key_data", *missing}:
        assert hasattr(unirand, fn) and any(
            col == fn or col.startswith(fn + "/") for col in columns
        )
    assert all(not hasattr(unirand, fn) for fn in missing)


def test_a_new_sampler_is_dispatched_by_name(monkeypatch):
    """A case with an unknown "fn" calls ``unirand.<fn>(key, shape, dtype, **params)``."""
    calls = []

    def twice(key, shape, dtype, scale):
        calls.append((shape, dtype, scale))
        return unirand.uniform(key, shape, dtype) * scale

    monkeypatch.setattr(unirand, "twice", twice, raising=False)
    case = {"name": "x", "seed": 0, "ops": [], "fn": "twice", "shape": [2], "dtype": "float32"}
    out = _golden.run_case({**case, "scale": 2.0}, unirand.key(0))
    assert calls == [((2,), "float32", 2.0)]
    assert np.array_equal(out, 2 * unirand.uniform(unirand.key(0), (2,)))
    assert _golden.column(case) == "twice/float32"


def test_the_params_layout_is_dispatched_by_signature(monkeypatch):
    """Distribution vectors: keywords from "params"; p/logits become NumPy arrays of the case
    dtype whatever the key's library (the sampler moves them: a float64 array must not be
    narrowed by JAX without x64 on the way); ``dtype=`` only for functions that take it."""
    seen = {}

    def coin(key, p=0.5, shape=None, *, mode="low"):
        seen["coin"] = (type(p).__module__.split(".")[0], str(p.dtype), list(p.tolist()), shape)
        return unirand.bits(key, (2,), "uint8")

    def waiting(key, shape=(), dtype="float32", *, mode="low"):
        seen["waiting"] = (shape, dtype, mode)
        return unirand.uniform(key, shape, dtype)

    monkeypatch.setattr(unirand, "coin", coin, raising=False)
    monkeypatch.setattr(unirand, "waiting", waiting, raising=False)
    base = {"name": "x", "seed": 0, "ops": [], "dtype": "float32"}
    coin_case = {**base, "fn": "coin", "shape": None, "params": {"p": [0.25, "inf"]}}
    _golden.run_case(coin_case, unirand.key(0))
    assert seen["coin"] == ("numpy", "float32", [0.25, float("inf")], None)
    wait_case = {**base, "fn": "waiting", "shape": [3], "params": {"mode": "high"}}
    _golden.run_case(wait_case, unirand.key(0))
    assert seen["waiting"] == ((3,), "float32", "high")
    assert _golden.column(coin_case) == "coin/float32"
    assert _golden.scalar_params(wait_case) and not _golden.scalar_params(coin_case)
    assert _cell.template([coin_case]) is None  # p is an array: no cross-check at any size
    if "torch" in {t.backend for t in discover(["torch"])[0]}:
        _golden.run_case(coin_case, unirand.key(0).to("torch"))
        assert seen["coin"][:2] == ("numpy", "float32")


def test_a_difference_fails_the_claim_and_is_explained(capsys, monkeypatch):
    replay = _cell.replay

    def off_by_one_ulp(target, case):
        got = replay(target, case)
        if case["fn"] == "uniform" and case["dtype"] == "float32" and got.size:
            got = got.copy()
            got.reshape(-1)[0] = np.nextafter(got.reshape(-1)[0], np.float32(2))
        return got

    monkeypatch.setattr(_cell, "replay", off_by_one_ulp)
    code = main(["--backends", "numpy", "--quick", "--jobs", "1"])
    out = capsys.readouterr().out
    assert code == 1
    assert "!1 ulp" in out and "FAILED: 1 cells contradict the documentation" in out
    assert "! numpy cpu uniform/float32: documented bitwise; first difference in" in out
    code, report = _json_report(capsys, "--backends", "numpy", "--quick")
    cell = report["rows"][0]["cells"]["uniform/float32"]
    assert code == 1 and not report["ok"] and cell["status"] == "differs" and not cell["ok"]
    assert cell["max_ulp"] == 1 and 0 < cell["share_bitwise"] < 1
    first = cell["first_difference"]
    assert first["case"].startswith("uniform/float32/") and first["index"] in ([0], [0, 0])
    assert first["ulp"] == 1 and "(0x" in first["got"]


def test_unsupported_dtypes_are_expected_type_errors(capsys):
    pytest.importorskip("array_api_strict")
    code, report = _json_report(capsys, "--backends", "array_api_strict", "--quick")
    assert code == 0
    cells = report["rows"][0]["cells"]
    for col in ("uniform/float16", "uniform/bfloat16"):
        assert cells[col]["status"] == "unsupported" and cells[col]["ok"]
        assert cells[col]["error"]["type"] == "TypeError"
        assert cells[col]["claim"]["kind"] == "unsupported"
    assert cells["uniform/float32"]["status"] == "bitwise"


def test_jax_rows():
    """JAX: native and portable engine, x64 off and on; the default drops portable x64-off."""
    pytest.importorskip("jax")
    found, _ = discover(["jax"], ["cpu"], jax_variants=True)
    assert [t.id for t in found] == [
        "jax/cpu:0/native/x64-off",
        "jax/cpu:0/native/x64-on",
        "jax/cpu:0/portable/x64-off",
        "jax/cpu:0/portable/x64-on",
    ]
    kept = [t.label for t in found if _plan.keep(t, _plan.Options())]
    assert kept == ["jax cpu:0", "jax cpu:0 x64", "jax cpu:0 portable x64"]
    assert all(_plan.keep(t, _plan.Options(full=True)) for t in found)


def test_jax_rows_replay_a_few_shapes_unless_full():
    cases = _plan.plan(_golden.load_all()[1])["uniform/float32"]
    jax_row, numpy_row = Target("jax", "cpu:0", "native", True), Target("numpy")
    some = _plan.select(jax_row, cases, _plan.Options())
    assert 0 < len(some) < len(cases)
    assert {tuple(c["shape"]) for c in some} <= set(_plan.JAX_SHAPES)
    assert _plan.select(numpy_row, cases, _plan.Options()) == cases
    assert _plan.select(jax_row, cases, _plan.Options(full=True)) == cases


def test_render_wraps_the_matrix(capsys):
    _, report = _json_report(capsys, "--backends", "numpy", "--quick")
    text = render(report, width=60)
    matrix = text.split("\n\n")[1:-2]
    assert all(len(line) <= 60 for block in matrix for line in block.splitlines())
    assert sum("numpy cpu" in line for line in text.splitlines()) > 1  # several blocks


def test_progress_bar_only_on_a_terminal():
    quiet = io.StringIO()
    bar = Progress(3, quiet)
    bar.update("x")
    bar.close()
    assert quiet.getvalue() == ""
    loud = io.StringIO()
    bar = Progress(2, loud, enabled=True)
    bar.update("numpy cpu key")
    bar.close()
    assert "[##########----------] 1/2" in loud.getvalue() and "numpy cpu key" in loud.getvalue()
    assert loud.getvalue().endswith("\r")


def test_command_line():
    """``python -m unirand`` with no command is the conformance report; bad input exits 2."""
    run = [sys.executable, "-m", "unirand"]
    proc = subprocess.run(
        [*run, "--backends", "numpy", "--quick"], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0 and "numpy cpu" in proc.stdout
    # no terminal: one line per finished row on stderr (nothing else), the report on stdout
    assert proc.stderr.splitlines() == [line for line in proc.stderr.splitlines() if "done" in line]
    assert proc.stderr.startswith("unirand: numpy cpu done (")
    proc = subprocess.run([*run, "--backends", "tensorflow"], capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown backends" in proc.stderr
    proc = subprocess.run([*run, "--quick", "--full"], capture_output=True, text=True)
    assert proc.returncode == 2 and "exclude each other" in proc.stderr


def test_vectors_ship_or_come_from_the_checkout():
    path = _golden.vectors_path()
    assert path is not None and path.name == _golden.VECTOR_FILE
    assert path.parent.name in ("_vectors", "vectors")


def test_the_wheel_ships_every_file_the_report_reads():
    """A pip-installed ``python -m unirand`` finds only what the wheel force-includes."""
    from pathlib import Path

    import tomllib

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text())
    shipped = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    names = {Path(target).name for target in shipped.values()}
    assert {p.name for p in _golden.vector_files()} <= names
