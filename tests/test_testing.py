"""``unirand.testing`` (assert_same_stream), its ULP measure, and the pytest plugin."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

import unirand
from unirand.report.ulp import compare, ulp_distance
from unirand.testing import assert_same_stream, targets

ROOT = Path(__file__).resolve().parent.parent


def _installed(name: str) -> bool:
    return any(t.backend == name for t in targets([name]))


# -- ULP distance ----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16, np.float32, np.float64])
def test_ulp_counts_representable_values(dtype):
    one = np.array([1.0], dtype)
    bits = f"u{np.dtype(dtype).itemsize}"
    up = (one.view(bits) + 1).view(dtype)  # the next float up, through the bits
    assert ulp_distance(one, up).tolist() == [1]
    pos = np.array([1], bits).view(dtype)  # the smallest subnormal
    assert ulp_distance(pos, -pos).tolist() == [2]  # across zero
    assert ulp_distance(np.array([0.0], dtype), np.array([-0.0], dtype)).tolist() == [0]


def test_ulp_has_no_overflow_at_the_extremes():
    big = np.array([np.finfo(np.float64).max])
    assert int(ulp_distance(big, -big)[0]) == 2 * 0x7FEFFFFFFFFFFFFF
    u = np.array([0], np.uint64), np.array([2**64 - 1], np.uint64)
    assert int(ulp_distance(*u)[0]) == 2**64 - 1
    i = np.array([-(2**63)], np.int64), np.array([2**63 - 1], np.int64)
    assert int(ulp_distance(*i)[0]) == 2**64 - 1


def test_compare_reports_the_first_difference():
    want = np.arange(6, dtype=np.float32).reshape(2, 3)
    got = want.copy()
    got[1, 1] = np.nextafter(got[1, 1], np.float32(9))
    d = compare(got, want)
    assert (d.elements, d.bitwise, d.max_ulp) == (6, 5, 1)
    assert d.first["index"] == [1, 1] and d.first["ulp"] == 1
    assert "0x40800001" in d.first["got"] and "0x40800000" in d.first["want"]
    z = compare(np.array([-0.0]), np.array([0.0]))
    assert not z.is_bitwise and z.max_ulp == 0  # a different sign of zero is not bitwise
    assert compare(np.zeros(2), np.zeros(3)).mismatch == "shape (2,), want (3,)"


# -- assert_same_stream ----------------------------------------------------------------------


def test_uniform_is_the_same_stream_everywhere():
    assert_same_stream(lambda key, xp: unirand.uniform(key, (64,), xp=xp))


def test_normal_is_the_same_stream_everywhere():
    if not hasattr(unirand, "normal"):
        pytest.skip("unirand.normal is not there yet")
    assert_same_stream(lambda key, xp: unirand.normal(key, (64,), xp=xp))


def test_keys_and_structures_are_compared():
    def fn(key, xp):
        k1, k2 = unirand.split(key)
        return {"key": k1, "draws": (unirand.bits(k2, (3,), "uint8"), unirand.uniform(k2))}

    assert_same_stream(fn, seed=2**64 - 1)


def test_every_backend_gets_its_own_namespace_and_a_key_there():
    seen = []

    def fn(key, xp):
        seen.append((xp.__name__, unirand.key_data(key).__class__.__module__.split(".")[0]))
        return unirand.key_data(key)

    assert_same_stream(fn)
    names = {t.backend: t.xp.__name__ for t in targets()}
    assert [s[0] for s in seen] == list(names.values())
    assert seen[0] == ("numpy", "numpy")


def test_a_backend_that_differs_is_named_with_a_readable_diff():
    if not _installed("torch"):
        pytest.skip("needs a second backend (torch)")

    def fn(key, xp):
        x = np.asarray(unirand.uniform(key, (8,), xp="numpy"))
        if xp.__name__ == "torch":
            x = x.copy()
            x[5] = np.nextafter(x[5], np.float32(0))
        return xp.asarray(x)

    with pytest.raises(AssertionError) as info:
        assert_same_stream(fn, backends=["numpy", "torch"])
    message = str(info.value)
    assert "outputs differ from numpy cpu (the reference" in message
    assert "torch cpu, output: 1 of 8 elements differ (float32, shape (8,)), max 1 ulp" in message
    assert "first at index (5,)" in message and "(0x" in message
    assert_same_stream(fn, backends=["numpy", "torch"], ulp=1)  # within the tolerance


def test_structure_and_dtype_differences_fail():
    if not _installed("torch"):
        pytest.skip("needs a second backend (torch)")
    with pytest.raises(AssertionError, match="output structure"):
        assert_same_stream(
            lambda key, xp: (1,) if xp.__name__ == "numpy" else (1, 2), backends="numpy,torch"
        )
    with pytest.raises(AssertionError, match="dtype float64, want float32"):
        assert_same_stream(
            lambda key, xp: unirand.uniform(
                key, (2,), "float32" if xp.__name__ == "numpy" else "float64"
            ),
            backends="numpy,torch",
        )


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown backends"):
        assert_same_stream(lambda key, xp: 0, backends=["tensorflow"])
    with pytest.raises(ValueError, match="ulp"):
        assert_same_stream(lambda key, xp: 0, ulp=-1)
    assert_same_stream(lambda key, xp: 0, backends=["numpy"])  # one backend: nothing to compare


# -- the pytest plugin -----------------------------------------------------------------------


def _pytest(tmp_path: Path, test: str, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_user.py").write_text(textwrap.dedent(test))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # the plugin by module name, its entry point (if unirand is pip-installed) blocked
    plugins = ["-p", "no:unirand", "-p", "unirand._pytest_plugin", "-p", "no:cacheprovider"]
    where = ["--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path)]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *plugins, "-q", "-rA", *where, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )


USER_TEST = """
    import unirand
    from unirand.testing import assert_same_stream

    def test_draw(unirand_backend):
        x = unirand.uniform(unirand_backend.key(7), (4,))
        assert type(x).__module__.split(".")[0] in ("numpy", "torch", "jax", "jaxlib",
                                                    "array_api_strict", "cupy")

    def test_same(unirand_backend):
        assert_same_stream(lambda key, xp: unirand.uniform(key, (16,), xp=xp))

    def test_without_the_fixture():
        pass
"""


def test_plugin_parametrizes_over_the_chosen_backends(tmp_path):
    proc = _pytest(tmp_path, USER_TEST, "--unirand-backends", "numpy")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "test_draw[numpy/cpu]" in proc.stdout and "3 passed" in proc.stdout


def test_plugin_covers_every_installed_backend(tmp_path):
    proc = _pytest(tmp_path, USER_TEST)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for t in targets():
        assert f"test_draw[{t.id}]" in proc.stdout


def test_plugin_rejects_unknown_backends(tmp_path):
    proc = _pytest(tmp_path, USER_TEST, "--unirand-backends", "tensorflow")
    assert proc.returncode != 0 and "unknown ['tensorflow']" in proc.stderr


def test_plugin_import_is_light():
    """pytest loads the plugin in every session of everyone who installs unirand."""
    code = (
        "import sys, unirand._pytest_plugin, unirand.testing;"
        "bad = [m for m in ('torch', 'jax', 'array_api_strict', 'cupy') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
