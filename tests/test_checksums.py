"""The stream checksums (``conformance/vectors/checksums.v1.json``, from the real ``jax.random``)
hold on unirand's NumPy, torch and JAX backends, and docs/compatibility.md prints exactly them.

The file is written by ``conformance/generate_checksums.py`` (never imported here: it turns
``jax_enable_x64`` on at import).  Each case is one sampler and dtype: the 10000th value of
``fn(key(0), shape=(10000,), ...)`` and the SHA-256 of all 10000 values.  Integer results are
compared as values (a sampler's integer dtype follows JAX's x64 mode, the file's is x64's);
floats and bits byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest
from _backends import jax_x64, load, to_numpy

import unirand

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "conformance" / "vectors" / "checksums.v1.json"
DOC = ROOT / "docs" / "compatibility.md"
DATA = json.loads(FILE.read_text())
CASES = DATA["cases"]


def _dtype(name: str):
    return ml_dtypes.bfloat16 if name == "bfloat16" else np.dtype(name)


def _params(case: dict, xp) -> dict:
    out = {}
    for name, value in case["params"].items():
        if isinstance(value, dict):  # an array, made in the library under test
            value = np.asarray(value["array"], dtype=_dtype(value["dtype"]))
            value = _asarray(value, xp)
        elif isinstance(value, list):
            value = tuple(value)
        out[name] = value
    return out


def _asarray(value: np.ndarray, xp):
    if xp.__name__ == "torch" and value.dtype == ml_dtypes.bfloat16:
        return xp.asarray(value.astype(np.float32)).to(xp.bfloat16)  # exact
    return xp.asarray(value)


def _draw(case: dict, backend: str) -> np.ndarray:
    xp = load(backend)
    out = getattr(unirand, case["fn"])(unirand.key(0), **_params(case, xp), xp=xp)
    return to_numpy(out)


def _check(case: dict, got: np.ndarray) -> None:
    want = case["expected"]
    assert got.shape == (10_000,)
    if got.dtype.kind in "iu" and np.dtype(want["dtype"]).kind in "iu":
        got = got.astype(want["dtype"])  # the values are the stream; the width is JAX's mode
    raw = got.view(np.uint16) if got.dtype == ml_dtypes.bfloat16 else got
    raw = np.ascontiguousarray(raw.astype(raw.dtype.newbyteorder("<"), copy=False))
    name = "bfloat16" if got.dtype == ml_dtypes.bfloat16 else got.dtype.name
    assert name == want["dtype"]
    index = case["index"]
    assert raw[index : index + 1].tobytes().hex() == want["hex"], (got[index], want["value"])
    assert hashlib.sha256(raw.tobytes()).hexdigest() == want["sha256"]


def test_file_is_from_jax_random_in_x64_mode():
    header = DATA["header"]
    assert header["generator"] == "conformance/generate_checksums.py"
    assert header["schema"] == "unirand.checksums.v1"  # not replayed by the report as golden
    assert header["source"] == "jax.random" and header["jax_enable_x64"] is True
    assert header["impl"] == "threefry2x32" and header["jax_threefry_partitionable"] is True
    names = {c["name"] for c in CASES}
    for fn in ("uniform", "normal", "exponential", "gumbel", "truncated_normal", "bernoulli"):
        assert {f"{fn}/{dt}" for dt in ("float16", "bfloat16", "float32", "float64")} <= names
    assert {f"bits/uint{w}" for w in (8, 16, 32, 64)} <= names
    assert {"permutation", "choice", "randint/int32", "categorical/float32"} <= names


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_checksum(case, backend):
    _check(case, _draw(case, backend))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_checksum_jax(case):
    with jax_x64(True):
        _check(case, _draw(case, "jax"))


def _rows(cases) -> list[str]:
    rows = []
    for c in cases:
        e = c["expected"]
        value = f"`{e['value']}` ({e['dtype']})"
        rows.append(f"| `{c['call']}` | {value} | `{e['hex']}` | `{e['sha256'][:16]}` |")
    return rows


def test_docs_table_is_the_file():
    """docs/compatibility.md's table (``python conformance/generate_checksums.py --table``)."""
    text = DOC.read_text()
    printed = re.findall(r"^\| `\w+\(key\(0\).*\|$", text, re.M)
    assert printed == _rows(CASES)


def test_one_line_check_in_the_docs_holds():
    """The page's example: ``unirand.normal(unirand.key(0), (10000,))[9999]``."""
    case = next(c for c in CASES if c["name"] == "normal/float32")
    value = unirand.normal(unirand.key(0), (10_000,))[9_999]
    assert str(value) == case["expected"]["value"]
    assert f"`{case['expected']['value']}`" in DOC.read_text()
