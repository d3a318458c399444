"""Blocks of a draw (``index=``, ``offset=``): bitwise the global draw's slice, at the block's cost.

For every elementwise sampler, dtype and mode, ``sampler(key, shape, ..., index=ix)`` must equal
``sampler(key, shape, ...)[ix]`` (bytes, dtype and shape) and ``offset=(start, stop)`` the
flattened draw's ``[start:stop]``, on NumPy, torch and JAX.  Random global shapes and basic
indices come from hypothesis (derandomized, few examples: the file runs in well under a minute
with a warm Numba cache); JAX, whose eager portable engine compiles each operation per shape,
runs each sampler and mode (float32, and each other dtype for ``normal``) on one fixed shape,
and a few random cases on random shapes.  The file
passes on both engines (run it again with ``UNIRAND_NUMBA=0``).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from _backends import jax_x64, load, to_numpy

import unirand

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

SETTINGS = settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
FLOATS = ("float16", "bfloat16", "float32", "float64")
SEED = 0xB10C5


def _np_dtype(name: str) -> Any:
    if name == "bfloat16":
        import ml_dtypes

        return ml_dtypes.bfloat16
    return np.dtype(name)


def _last(shape: tuple[int, ...], start: float, step: float, dtype: Any = np.float64) -> Any:
    """A parameter of one value per element of the last axis (a scalar for shape ())."""
    if not shape:
        return np.asarray(start, dtype)
    return (start + step * np.arange(shape[-1])).astype(dtype)


Draw = Callable[..., Any]

#: id -> draw(key, shape, xp, **block)
CASES: dict[str, Draw] = {
    **{
        f"bits-{d}": (lambda k, s, xp, d=d, **b: unirand.bits(k, s, d, xp=xp, **b))
        for d in ("uint8", "uint16", "uint32", "uint64")
    },
    **{
        f"uniform-{d}": (
            lambda k, s, xp, d=d, **b: unirand.uniform(k, s, d, -1.5, 2.25, xp=xp, **b)
        )
        for d in FLOATS
    },
    **{
        f"uniform-{d}-per-element": (
            lambda k, s, xp, d=d, **b: unirand.uniform(
                k, s, d, _last(s, -2.0, 0.75), 3.0, xp=xp, **b
            )
        )
        for d in FLOATS
    },
    **{
        f"normal-{d}": (lambda k, s, xp, d=d, **b: unirand.normal(k, s, d, xp=xp, **b))
        for d in FLOATS
    },
    **{
        f"exponential-{d}": (lambda k, s, xp, d=d, **b: unirand.exponential(k, s, d, xp=xp, **b))
        for d in FLOATS
    },
    **{
        f"gumbel-{d}-{m}": (
            lambda k, s, xp, d=d, m=m, **b: unirand.gumbel(k, s, d, mode=m, xp=xp, **b)
        )
        for d in FLOATS
        for m in ("low", "high", "highest")
    },
    **{
        f"bernoulli-{d}-{m}": (
            lambda k, s, xp, d=d, m=m, **b: unirand.bernoulli(
                k, _last(s, 0.1, 0.15, _np_dtype(d)), s, mode=m, xp=xp, **b
            )
        )
        for d in FLOATS
        for m in ("low", "high")
    },
    **{
        f"truncated_normal-{d}": (
            lambda k, s, xp, d=d, **b: unirand.truncated_normal(
                k, _last(s, -2.0, 0.5), 1.5, s, d, xp=xp, **b
            )
        )
        for d in FLOATS
    },
    **{
        f"randint-{d}": (
            lambda k, s, xp, d=d, **b: unirand.randint(
                k, s, -3, _last(s, 50, 1000, np.int64) if s else 77, d, xp=xp, **b
            )
        )
        for d in ("int8", "uint16", "int32", "uint32", "int64", "uint64")
    },
    "randint-int64-full-range": (
        lambda k, s, xp, **b: unirand.randint(k, s, -(2**63), 2**63 - 1, "int64", xp=xp, **b)
    ),
    **{
        f"categorical-{d}-{m}": (
            lambda k, s, xp, d=d, m=m, **b: unirand.categorical(
                k,
                np.linspace(-1.0, 1.0, 5 * (s[-1] if s else 1))
                .reshape(5, *s[-1:])
                .astype(_np_dtype(d)),
                0,
                s,
                mode=m,
                xp=xp,
                **b,
            )
        )
        for d in FLOATS
        for m in ("low", "high")
    },
    "choice-int": (lambda k, s, xp, **b: unirand.choice(k, 1000, s, xp=xp, **b)),
    **{
        f"choice-p-{d}": (
            lambda k, s, xp, d=d, **b: unirand.choice(
                k, 4, s, p=np.array([0.1, 0.2, 0.3, 0.4], _np_dtype(d)), xp=xp, **b
            )
        )
        for d in ("float32", "float64")
    },
    # an array population: the result has a's other axes around the draws' (here one leading
    # axis of a, the draws, a's last axis)
    "choice-array": (
        lambda k, s, xp, **b: (
            unirand.choice(k, np.arange(60.0).reshape(3, 5, 4), s[1:], axis=1, xp=xp, **b)
            if s
            else unirand.choice(k, np.arange(6), (), xp=xp, **b)
        )
    ),
    # the elementwise samplers of issue 15 (float32 and float64; their own files cover 16-bit)
    **{
        f"{name}-{d}": (
            lambda k, s, xp, d=d, name=name, **b: getattr(unirand, name)(k, s, d, xp=xp, **b)
        )
        for name in ("cauchy", "laplace", "logistic", "maxwell")
        for d in ("float32", "float64")
    },
    **{
        f"{name}-{d}": (
            lambda k, s, xp, d=d, name=name, p=p, **b: getattr(unirand, name)(
                k, *p, s, d, xp=xp, **b
            )
        )
        for name, p in (
            ("pareto", (2.5,)),
            ("lognormal", (0.7,)),
            ("rayleigh", (1.5,)),
            ("wald", (0.8,)),
            ("triangular", (-1.0, 0.25, 2.0)),
            ("double_sided_maxwell", (0.5, 2.0)),
            ("weibull_min", (1.5, 0.7)),
            ("gamma", (0.6,)),
            ("loggamma", (2.5,)),
        )
        for d in ("float32", "float64")
    },
    "rademacher-int32": (lambda k, s, xp, **b: unirand.rademacher(k, s, "int32", xp=xp, **b)),
    "geometric-int32": (lambda k, s, xp, **b: unirand.geometric(k, 0.3, s, "int32", xp=xp, **b)),
}


def _global_shape(case: str, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of a case's whole draw (``choice-array`` adds ``a``'s other axes)."""
    if case == "choice-array" and shape:  # no draws: JAX's zeros(shape), whatever a is
        return shape[1:] if 0 in shape[1:] else (3, *shape[1:], 4)
    return shape


# -- strategies ----------------------------------------------------------------------------------
SHAPES = st.lists(st.integers(0, 5), min_size=0, max_size=3).map(tuple)


@st.composite
def basic_index(draw: Any, shape: tuple[int, ...]) -> Any:
    """A NumPy basic index for ``shape``: ints, slices with steps (negative included) and
    negative bounds, possibly an Ellipsis, possibly fewer items than axes."""
    items: list[Any] = []
    for dim in shape[: draw(st.integers(0, len(shape)))]:
        if dim and draw(st.booleans()) and draw(st.booleans()):
            items.append(draw(st.integers(-dim, dim - 1)))
        else:
            bound = st.one_of(st.none(), st.integers(-dim - 2, dim + 2))
            step = draw(st.sampled_from([None, 1, 2, 3, -1, -2]))
            items.append(slice(draw(bound), draw(bound), step))
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), Ellipsis)
    if len(items) == 1 and draw(st.booleans()):
        return items[0]  # a bare item, as x[3] or x[::2]
    return tuple(items)


@st.composite
def case_draws(draw: Any, case: str) -> tuple[tuple[int, ...], list[Any], tuple[int, int]]:
    """A shape argument, three indices and an offset range of the case's whole draw."""
    shape = draw(SHAPES)
    gshape = _global_shape(case, shape)
    n = int(np.prod(gshape))
    start = draw(st.integers(0, n))
    indices = [draw(basic_index(gshape)) for _ in range(3)]
    return shape, indices, (start, draw(st.integers(start, n)))


def _same(got: Any, want: np.ndarray, what: str) -> None:
    g = to_numpy(got)
    w = np.asarray(want)
    assert (g.dtype, g.shape) == (w.dtype, w.shape), f"{what}: dtype/shape"
    assert g.tobytes() == w.tobytes(), f"{what}: bytes differ"


def _check(case: str, xp: str, shape: tuple[int, ...], indices: list[Any], flat: Any) -> None:
    draw = CASES[case]
    key = unirand.key(SEED)
    whole = to_numpy(draw(key, shape, xp))
    assert whole.shape == _global_shape(case, shape)
    for ix in indices:
        _same(draw(key, shape, xp, index=ix), whole[ix], f"{case} {shape} [{ix}] on {xp}")
    if flat is not None:
        start, stop = flat
        _same(
            draw(key, shape, xp, offset=(start, stop)),
            whole.reshape(-1)[start:stop],
            f"{case} {shape} offset ({start}, {stop}) on {xp}",
        )


# -- the same bytes as the global draw's slice ---------------------------------------------------
@pytest.mark.parametrize("xp", ["numpy", "torch"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_block_is_the_slice_of_the_global_draw(case: str, xp: str) -> None:
    load(xp)
    _check(case, xp, (7, 6), [np.s_[1:-1, ::-2]], (5, 33))  # a fixed block, a nonzero offset

    @SETTINGS
    @given(case_draws(case))
    def run(drawn: tuple[tuple[int, ...], list[Any], tuple[int, int]]) -> None:
        shape, indices, flat = drawn
        _check(case, xp, shape, indices, flat)

    run()


def test_choice_of_an_array_indexes_every_axis_of_the_result() -> None:
    a = np.arange(60.0).reshape(3, 5, 4)
    key = unirand.key(SEED)
    whole = unirand.choice(key, a, (6, 2), axis=1)
    for ix in (np.s_[1:, ::-2, 1, -1:], np.s_[..., ::3], np.s_[2], np.s_[:, 5, :, 3]):
        _same(unirand.choice(key, a, (6, 2), axis=1, index=ix), whole[ix], f"choice {ix}")
    _same(unirand.choice(key, a, (6, 2), axis=1, offset=(5, 70)), whole.reshape(-1)[5:70], "")


def test_categorical_blocks_broadcast_logits_and_prefix_axes() -> None:
    logits = np.linspace(-2.0, 1.0, 12).reshape(3, 1, 4).astype(np.float32)
    key = unirand.key(SEED)
    whole = unirand.categorical(key, logits, -1, (2, 3, 5))  # a prefix axis, a broadcast axis
    for ix in (np.s_[1, ::-1, 2:], np.s_[..., 4], np.s_[:, 1:2]):
        _same(unirand.categorical(key, logits, -1, (2, 3, 5), index=ix), whole[ix], f"{ix}")


JAX_SHAPE = (4, 6)
JAX_INDEX = np.s_[1:, ::-2]


#: on JAX, every sampler and mode in float32 and a few in each other dtype: a block there is the
#: portable engine of every other JAX draw with other counters (``Words.of_indices``), and each
#: dtype's first eager call compiles all its operations (seconds); every dtype of every case
#: runs on NumPy and torch above
JAX_CASES = [
    c
    for c in CASES
    if not any(d in c for d in ("float16", "bfloat16", "float64"))
    or c in ("normal-float16", "normal-bfloat16", "normal-float64", "uniform-float64-per-element")
]


@pytest.mark.parametrize("case", JAX_CASES)
def test_every_sampler_on_jax(case: str) -> None:
    """One shape and one index for each sampler and mode on JAX (the portable engine, eager)."""
    with jax_x64(True):
        _check(case, "jax", JAX_SHAPE, [JAX_INDEX], (5, 19))


def test_random_blocks_on_jax() -> None:
    with jax_x64(True):

        @settings(SETTINGS, max_examples=3)
        @given(st.sampled_from(JAX_CASES).flatmap(lambda c: st.tuples(st.just(c), case_draws(c))))
        def run(drawn: tuple[str, tuple[tuple[int, ...], list[Any], tuple[int, int]]]) -> None:
            case, (shape, indices, flat) = drawn
            _check(case, "jax", shape, indices[:1], flat)

        run()


def test_jit_with_a_static_index() -> None:
    with jax_x64(True) as jax:
        key = unirand.key(SEED).to("jax")

        @jax.jit
        def block(k: Any) -> Any:
            return unirand.normal(k, (8, 9), index=np.s_[2:7, ::-3]), unirand.uniform(
                k, (8, 9), "float32", -1.0, 2.0 + np.arange(9.0), offset=(3, 40)
            )

        a, b = block(key)
        _same(a, to_numpy(unirand.normal(key, (8, 9)))[2:7, ::-3], "jit normal")
        whole = to_numpy(unirand.uniform(key, (8, 9), "float32", -1.0, 2.0 + np.arange(9.0)))
        _same(b, whole.reshape(-1)[3:40], "jit uniform")


# -- the cost is the block's ---------------------------------------------------------------------
def test_a_block_of_a_huge_draw_allocates_only_the_block() -> None:
    """A block of a 10**7-value draw (40 MB in float32) with per-element parameters allocates
    far below the global size (NumPy: every allocation is traced)."""
    key = unirand.key(SEED)
    shape = (10_000, 1_000)
    hi = 2.0 + np.arange(1_000.0)
    p = np.linspace(0.0, 1.0, 1_000).astype(np.float32)
    calls = [
        lambda: unirand.normal(key, shape, index=np.s_[5_000:5_010, ::-3]),
        lambda: unirand.uniform(key, shape, "float32", -1.0, hi, index=np.s_[-7:, 100:300]),
        lambda: unirand.bernoulli(key, p, shape, mode="high", index=np.s_[123, :]),
        lambda: unirand.gumbel(key, shape, mode="highest", offset=(4_000_000, 4_002_000)),
        lambda: unirand.randint(key, shape, 0, 10 + np.arange(1_000), "int64", index=np.s_[9]),
        lambda: unirand.categorical(key, np.zeros((1_000, 10), np.float32), -1, index=np.s_[3:9]),
    ]
    calls[0]()  # compile outside the traced region
    for call in calls:
        call()
        tracemalloc.start()
        try:
            call()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 2_000_000, f"peak {peak} bytes: a block must not allocate the 40 MB draw"


# -- errors ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("index", "error", "match"),
    [
        (np.s_[None, 1], TypeError, "index: None"),
        (np.s_[[0, 1]], TypeError, "advanced indexing"),
        (np.array([0, 1]), TypeError, "advanced indexing"),
        (np.s_[True], TypeError, "advanced indexing"),
        (1.5, TypeError, "index"),
        (np.s_[4], IndexError, "index: 4 is out of bounds for axis 0"),
        (np.s_[:, -6], IndexError, "index: -6 is out of bounds for axis 1"),
        (np.s_[1, 2, 3], IndexError, "index: too many indices"),
        (np.s_[..., 1, ...], IndexError, "index: an index can only have a single ellipsis"),
        (np.s_[::0], ValueError, "index: axis 0: slice step cannot be zero"),
    ],
)
def test_bad_indices_are_refused_naming_index(index: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        unirand.normal(unirand.key(0), (4, 5), index=index)


@pytest.mark.parametrize(
    ("offset", "error", "match"),
    [
        (3, TypeError, "offset must be a pair"),
        ((1, 2, 3), TypeError, "offset must be a pair"),
        ((1.0, 2), TypeError, "offset: expected an int"),
        ((3, 2), IndexError, "offset"),
        ((-1, 2), IndexError, "offset"),
        ((0, 21), IndexError, r"stop <= 20"),
    ],
)
def test_bad_offsets_are_refused_naming_offset(offset: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        unirand.normal(unirand.key(0), (4, 5), offset=offset)


def test_index_and_offset_together_are_refused() -> None:
    with pytest.raises(TypeError, match="index and offset"):
        unirand.normal(unirand.key(0), (4, 5), index=np.s_[1], offset=(0, 2))


@pytest.mark.parametrize(
    "call",
    [
        lambda k, **b: unirand.permutation(k, 10, **b),
        lambda k, **b: unirand.shuffle(k, np.arange(10), **b),
        lambda k, **b: unirand.choice(k, 10, (3,), replace=False, **b),
        lambda k, **b: unirand.categorical(k, np.zeros((2, 5)), shape=(2, 2), replace=False, **b),
    ],
    ids=["permutation", "shuffle", "choice-without-replacement", "categorical-without"],
)
@pytest.mark.parametrize("block", [{"index": np.s_[1:]}, {"offset": (0, 1)}])
def test_samplers_that_are_not_elementwise_refuse_blocks(call: Any, block: dict) -> None:
    arg = next(iter(block))
    with pytest.raises(ValueError, match=rf"{arg}: .*not elementwise"):
        call(unirand.key(0), **block)


def _native_keys() -> list[Any]:
    keys = [unirand.as_key(np.random.SeedSequence(1)), unirand.as_key(np.random.default_rng(1))]
    try:
        import torch

        keys.append(unirand.as_key(torch.Generator().manual_seed(1)))
    except ImportError:  # pragma: no cover - torch is optional
        pass
    return keys


@pytest.mark.parametrize("name", ["normal", "uniform", "bits", "permutation"])
def test_native_keys_refuse_blocks_with_unirands_error(name: str) -> None:
    for key in _native_keys():
        args = (10,) if name == "permutation" else ((4,),)
        with pytest.raises(ValueError, match="index: a block of a draw needs a portable key"):
            getattr(unirand, name)(key, *args, index=np.s_[1:])
        with pytest.raises(ValueError, match=r"offset: .*not counter-based"):
            getattr(key, name)(*args, offset=(0, 2))
        getattr(unirand, name)(key, *args)  # the key was not consumed by the refused calls
