"""Limits of sizes and counts: refused with a clear error before any library sees them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from _backends import load

import unirand

XPS = ["numpy", "torch", "jax", "jax:portable"]


def _xp(name):
    load(name.split(":")[0])
    return name


def _samplers(k):
    return {
        "bits": lambda s, xp: unirand.bits(k, s, xp=xp),
        "uniform": lambda s, xp: unirand.uniform(k, s, xp=xp),
        "normal": lambda s, xp: unirand.normal(k, s, xp=xp),
        "exponential": lambda s, xp: unirand.exponential(k, s, xp=xp),
        "gumbel": lambda s, xp: unirand.gumbel(k, s, xp=xp),
        "bernoulli": lambda s, xp: unirand.bernoulli(k, 0.5, s, xp=xp),
        "categorical": lambda s, xp: unirand.categorical(
            k, np.zeros(3, np.float32), shape=s, xp=xp
        ),
        "randint": lambda s, xp: unirand.randint(k, s, 0, 10, xp=xp),
        "choice": lambda s, xp: unirand.choice(k, 5, s, xp=xp),
        "truncated_normal": lambda s, xp: unirand.truncated_normal(k, -1.0, 1.0, s, xp=xp),
        "split": lambda s, xp: unirand.split(k.to(xp.split(":")[0]), s),
    }


SAMPLERS = list(_samplers(None))


# -- total sizes of 2**63 or more -------------------------------------------------------------
@pytest.mark.parametrize("name", SAMPLERS)
@pytest.mark.parametrize("xp", XPS)
@pytest.mark.parametrize("shape", [(2**32, 2**32), (2**62, 2), (0, 2**63), (2**70,)])
def test_huge_shapes_are_refused_before_any_library_call(xp, name, shape):
    if xp.startswith("jax") and 0 not in shape:
        _xp(xp)
        pytest.skip("XLA aborted the process here: test_huge_shapes_on_jax_raise_not_abort")
    f = _samplers(unirand.key(0))[name]
    with pytest.raises(
        ValueError, match=r"(shape|num) .* elements; the total size .* below 2\*\*63"
    ):
        f(shape, _xp(xp))


@pytest.mark.parametrize("num", [2**63, 2**64, (2**32, 2**32), (3, 2**62)])
def test_split_of_huge_num_is_refused(num):
    with pytest.raises(ValueError, match=r"num .* elements; the total size .* below 2\*\*63"):
        unirand.split(unirand.key(0), num)


def test_largest_size_passes_the_check():
    from unirand.keys.validation import as_batch_shape, as_shape

    assert as_shape((2**63 - 1,)) == (2**63 - 1,)
    assert as_shape((0, 2**63 - 1)) == (0, 2**63 - 1)
    assert as_batch_shape(2**63 - 1) == (2**63 - 1,)


def test_huge_shapes_on_jax_raise_not_abort():
    """Before the check, XLA aborted the interpreter (SIGABRT): run it in its own process."""
    load("jax")
    code = (
        "import sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import unirand\n"
        "from test_limits import _samplers\n"
        "for xp in ('jax', 'jax:portable'):\n"
        "    for name, f in _samplers(unirand.key(0)).items():\n"
        "        for shape in ((2**32, 2**32), (2**62, 2), (2**70,)):\n"
        "            try:\n"
        "                f(shape, xp)\n"
        "            except ValueError as e:\n"
        "                print(xp, name, shape, e)\n"
    )
    here = str(Path(__file__).resolve().parent)
    r = subprocess.run(
        [sys.executable, "-c", code, here],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=str(Path(here).parent),
    )
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.splitlines()
    assert len(lines) == 2 * len(SAMPLERS) * 3, r.stdout
    assert all("elements; the total size and every entry must be below 2**63" in x for x in lines)
    assert "jax bits (4294967296, 4294967296) shape (4294967296, 4294967296) has " in r.stdout


@pytest.mark.parametrize("name", SAMPLERS)
@pytest.mark.parametrize("xp", XPS)
def test_zero_size_shapes_with_large_extents_are_empty(xp, name):
    f = _samplers(unirand.key(0))[name]
    out = f((0, 2**40), _xp(xp))
    assert tuple(out.shape) == (0, 2**40)


@pytest.mark.parametrize("name", SAMPLERS)
@pytest.mark.parametrize("xp", ["jax", "jax:portable"])
def test_zero_size_shapes_up_to_int64_extents_on_jax(xp, name):
    # JAX describes any extent below 2**63 when the size is 0; NumPy and torch refuse
    # (0, 2**62) themselves where extent * itemsize (or a stride) passes 2**63
    f = _samplers(unirand.key(0))[name]
    out = f((0, 2**62), _xp(xp))
    assert tuple(out.shape) == (0, 2**62)


def test_zero_size_numpy_bytes_up_to_int64_extents():
    out = unirand.bits(unirand.key(0), (0, 2**62), "uint8")
    assert out.shape == (0, 2**62) and out.dtype == np.uint8


# -- integer populations beyond the index dtype ------------------------------------------------
@pytest.mark.parametrize("xp", XPS)
@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda k, n, xp: unirand.permutation(k, n, xp=xp), "x"),
        (lambda k, n, xp: unirand.choice(k, n, (3,), xp=xp), "a"),
        (lambda k, n, xp: unirand.choice(k, n, (3,), replace=False, xp=xp), "a"),
    ],
    ids=["permutation", "choice", "choice_no_replace"],
)
@pytest.mark.parametrize("n", [2**63, 2**70])
def test_populations_beyond_the_index_dtype_are_refused(xp, call, argument, n):
    with pytest.raises(ValueError, match=rf"^{argument} must be at most .* index dtype"):
        call(unirand.key(0), n, _xp(xp))


@pytest.mark.parametrize("xp", ["numpy", "torch"])
def test_largest_int64_population_is_sampled(xp):
    out = unirand.choice(unirand.key(0), 2**63 - 1, (3,), xp=_xp(xp))
    assert tuple(out.shape) == (3,) and int(out.min()) >= 0


# -- JAX: XLA aborts the process from 2**60 values (8-byte words of 2**63 bytes) --------------
#: a child process: ``path`` is "native" (portable keys, xp="jax"), "portable" (the engine on
#: jax.numpy) or "jaxkey" (a native JAX key, impl rbg); prints one line per call
_JAX_LIMIT_CHILD = r"""
import sys
import jax
jax.config.update("jax_enable_x64", sys.argv[2] == "1")
import numpy as np
import unirand

path, names = sys.argv[1], sys.argv[3].split(",")
if path == "jaxkey":
    k, xp = unirand.as_key(jax.random.key(0, impl="rbg")), None
else:
    k, xp = unirand.key(0).to("jax"), ("jax" if path == "native" else "jax:portable")
S, N = (2**30, 2**30), 2**60
calls = {
    "bits": lambda: unirand.bits(k, S, "uint8", xp=xp),
    "bits_flat": lambda: unirand.bits(k, (N,), xp=xp),
    "bits_2d": lambda: unirand.bits(k, (2**59, 2), xp=xp),
    "uniform": lambda: unirand.uniform(k, S, xp=xp),
    "normal": lambda: unirand.normal(k, S, xp=xp),
    "exponential": lambda: unirand.exponential(k, S, xp=xp),
    "gumbel": lambda: unirand.gumbel(k, S, xp=xp),
    "gumbel_high": lambda: unirand.gumbel(k, (2**59,), mode="high", xp=xp),
    "bernoulli": lambda: unirand.bernoulli(k, 0.5, S, xp=xp),
    "categorical": lambda: unirand.categorical(
        k, np.zeros(3, np.float32), shape=(2**59,), xp=xp
    ),
    "randint": lambda: unirand.randint(k, S, 0, 10, xp=xp),
    "choice": lambda: unirand.choice(k, 5, S, xp=xp),
    "choice_no_replace": lambda: unirand.choice(k, N, (3,), replace=False, xp=xp),
    "permutation": lambda: unirand.permutation(k, N, xp=xp),
    "truncated_normal": lambda: unirand.truncated_normal(k, -1.0, 1.0, S, xp=xp),
    "split": lambda: unirand.split(k, S),
}
for name in names:
    print(name, end=": ", flush=True)
    try:
        calls[name]()
        print("no error", flush=True)
    except Exception as e:
        print(type(e).__name__, e, flush=True)
"""

_JAX_ALL = [
    "bits",
    "bits_flat",
    "bits_2d",
    "uniform",
    "normal",
    "exponential",
    "gumbel",
    "gumbel_high",
    "bernoulli",
    "categorical",
    "randint",
    "choice",
    "choice_no_replace",
    "permutation",
    "truncated_normal",
    "split",
]
#: the native jax.random calls a sampler of these files makes itself (the others go through
#: samplers/jax_native.py's jax_call: test_native_jax_samplers_refuse_from_2_60)
_JAX_NATIVE_CHECKED = [
    "bits",
    "bits_flat",
    "bits_2d",
    "uniform",
    "choice",
    "choice_no_replace",
    "permutation",
    "split",
]


def _jax_limit_run(path: str, x64: bool, names: list[str]) -> list[str]:
    load("jax")
    r = subprocess.run(
        [sys.executable, "-c", _JAX_LIMIT_CHILD, path, "1" if x64 else "0", ",".join(names)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    # an XLA abort is a negative status (SIGABRT) with the lines printed so far
    assert r.returncode == 0, f"status {r.returncode}:\n{r.stdout}\n{r.stderr[-2000:]}"
    lines = r.stdout.splitlines()
    assert len(lines) == len(names), r.stdout
    return lines


def _assert_refused(lines: list[str], x64: bool) -> None:
    for line in lines:
        name, _, outcome = line.partition(": ")
        argument = {"split": "num", "permutation": "x"}.get(name, "shape")
        if name == "choice_no_replace":
            argument = "a"
        if not x64 and name in ("permutation", "choice_no_replace"):
            # arange(2**60) does not fit JAX's int32 without x64: refused as a population
            assert outcome.startswith(f"ValueError {argument} must be at most 2147483647"), line
            continue
        assert outcome.startswith(f"ValueError {argument} "), line
        assert "elements; JAX draws must have fewer than 2**60" in outcome, line


@pytest.mark.parametrize("x64", [False, True], ids=["x32", "x64"])
@pytest.mark.parametrize("path", ["portable", "jaxkey"])
def test_jax_sizes_from_2_60_are_refused_not_aborted(path, x64):
    """Between 2**60 and 2**63 values XLA aborted the interpreter (SIGABRT, "overflow in static
    extent product"): each call must raise a ValueError naming its argument instead."""
    _assert_refused(_jax_limit_run(path, x64, _JAX_ALL), x64)


@pytest.mark.parametrize("x64", [False, True], ids=["x32", "x64"])
def test_native_jax_sizes_from_2_60_are_refused_not_aborted(x64):
    _assert_refused(_jax_limit_run("native", x64, _JAX_NATIVE_CHECKED), x64)


def test_native_jax_samplers_refuse_from_2_60():
    others = [n for n in _JAX_ALL if n not in _JAX_NATIVE_CHECKED]
    _assert_refused(_jax_limit_run("native", True, others), True)


@pytest.mark.parametrize(
    ("fn", "args", "argument"),
    [
        ("bits", ((2**30, 2**30), "uint32"), "shape"),
        ("normal", ((2**60,), "float32"), "shape"),
        ("gumbel", ((2**59,), "float32", "high"), "shape"),
        ("bernoulli", (0.5, (2**59,), "high"), "shape"),
        ("categorical", (np.zeros(4), 0, (2**58,), True, "low"), "shape"),
        ("truncated_normal", (-1.0, 1.0, (2**60,), "float32"), "shape"),
        ("choice", (2**60, (3,), False, None, 0, "low"), "a"),
        ("permutation", (2**60, 0, True), "x"),
    ],
)
def test_check_native_call_sizes(fn, args, argument):
    jax_backend = pytest.importorskip("unirand.backends.jax")
    with pytest.raises(ValueError, match=rf"^{argument} .*JAX draws must have fewer than 2\*\*60"):
        jax_backend.check_native_call(fn, args)
    small = (2**59 - 1,) if fn != "categorical" else (2**57,)
    if fn not in ("choice", "permutation", "bernoulli", "categorical", "truncated_normal"):
        jax_backend.check_native_call(fn, (small, *args[1:]))  # passes


def test_randint_bound_beyond_int64_is_also_a_value_error():
    """``OverflowError`` as JAX raises it, and a ``ValueError`` naming the bound (issue 11:
    every bad value is a TypeError/ValueError)."""
    with pytest.raises(ValueError, match="maxval"):
        unirand.randint(unirand.key(0), (2,), 0, 2**70)
    with pytest.raises(OverflowError, match="minval"):
        unirand.randint(unirand.key(0), (2,), -(2**70), 0)


def test_bernoulli_misshapen_p_names_p():
    with pytest.raises(ValueError, match=r"^bernoulli p: parameter shape \(3, 3\)"):
        unirand.bernoulli(unirand.key(0), np.zeros((3, 3)), (2,))
