"""``unirand.distributed.dask_array``: a global draw as a dask array, the same for every chunking.

The claim: ``dask_array(sampler, key, shape, chunks, **kw).compute()`` equals
``sampler(key, shape, **kw)`` byte for byte for every chunking (regular, irregular, with empty
chunks), every elementwise sampler and dtype, array parameters included, on the synchronous,
threaded and distributed (process) schedulers; and the golden vectors generated from
jax.random (conformance/vectors) come out of chunked draws unchanged.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from golden import apply_ops, assert_matches, cases

import unirand

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
from unirand.distributed import dask_array  # noqa: E402
from unirand.distributed.dask_arrays import _where  # noqa: E402

CALLS = [
    (unirand.bits, {"dtype": "uint8"}),
    (unirand.bits, {"dtype": "uint64"}),
    (unirand.uniform, {"dtype": "float32", "minval": 0.1, "maxval": 0.7}),
    (unirand.uniform, {"dtype": "float16"}),
    (unirand.normal, {"dtype": "bfloat16"}),
    (unirand.normal, {"dtype": "float32"}),
    (unirand.normal, {"dtype": "float64"}),
    (unirand.exponential, {"dtype": "float32"}),
    (unirand.gumbel, {"dtype": "float32", "mode": "high"}),
    (unirand.bernoulli, {"p": 0.3}),
    (unirand.bernoulli, {"p": 0.01, "mode": "high"}),
    (unirand.randint, {"minval": -5, "maxval": 1000, "dtype": "int64"}),
    (unirand.truncated_normal, {"lower": -1.0, "upper": 2.0}),
]
IDS = [f"{f.__name__}-{kw.get('dtype', kw.get('mode', kw.get('p')))}" for f, kw in CALLS]

SHAPE = (7, 5, 3)
CHUNKINGS = [
    "auto",
    2,
    (3, 5, 3),  # whole trailing axes: every chunk a flat run (offset= path)
    (4, 2, 1),
    ((1, 6), (2, 0, 3), (3,)),  # irregular, with an empty chunk
    ((7,), (1, 1, 3), (2, 1)),
    {0: 1, 1: -1, 2: 2},
]


def _bytes(x: np.ndarray) -> bytes:
    return np.ascontiguousarray(x).tobytes()


@pytest.mark.parametrize(("fn", "kwargs"), CALLS, ids=IDS)
def test_every_chunking_gives_the_single_process_draw(fn, kwargs):
    key = unirand.fold_in(unirand.key(11), 3)
    whole = fn(key, shape=SHAPE, **kwargs)
    for chunks in CHUNKINGS:
        x = dask_array(fn, key, SHAPE, chunks, **kwargs)
        assert x.dtype == whole.dtype and x._meta.dtype == whole.dtype and x.shape == SHAPE
        got = x.compute(scheduler="sync")
        assert type(got) is np.ndarray and got.dtype == whole.dtype and got.shape == SHAPE
        assert _bytes(got) == _bytes(whole), (fn.__name__, chunks)


@pytest.mark.parametrize("shape", [(), (0,), (0, 4), (13,), (1, 1, 9)])
def test_degenerate_shapes(shape):
    key = unirand.key(2)
    whole = unirand.normal(key, shape)
    for chunks in ("auto", 1, 4):
        x = dask_array(unirand.normal, key, shape, chunks if shape else ())
        assert _bytes(x.compute(scheduler="sync")) == _bytes(whole)


def test_the_sampler_by_name_and_slicing_the_dask_array():
    key = unirand.key(5)
    x = dask_array("uniform", key, (40, 30), chunks=(7, 11), minval=-2.0, maxval=3.0)
    whole = unirand.uniform(key, (40, 30), minval=-2.0, maxval=3.0)
    part = x[5:33:3, ::-2].compute(scheduler="sync")
    assert _bytes(part) == _bytes(whole[5:33:3, ::-2])


ARRAY_PARAMS = [
    (unirand.bernoulli, lambda: {"p": np.linspace(0.0, 1.0, 15).reshape(5, 3)}),
    (unirand.bernoulli, lambda: {"p": np.linspace(0.0, 1.0, 7).reshape(7, 1, 1), "mode": "high"}),
    (
        unirand.uniform,
        lambda: {"minval": np.arange(3.0), "maxval": np.arange(5.0).reshape(5, 1) + 4.0},
    ),
    (unirand.truncated_normal, lambda: {"lower": np.linspace(-3.0, 0.0, 3), "upper": 1.5}),
    (unirand.randint, lambda: {"minval": 0, "maxval": np.arange(1, 16).reshape(5, 3)}),
]


@pytest.mark.parametrize(("fn", "params"), ARRAY_PARAMS, ids=[f.__name__ for f, _ in ARRAY_PARAMS])
def test_array_parameters_are_read_per_chunk(fn, params):
    key = unirand.key(7)
    whole = fn(key, shape=SHAPE, **params())
    for chunks in ((3, 2, 2), ((2, 5), (4, 1), (1, 2))):
        x = dask_array(fn, key, SHAPE, chunks, **params())
        assert _bytes(x.compute(scheduler="sync")) == _bytes(whole), chunks
        # stored once, each chunk task reads it: no copy of it per chunk
        arrays = [v for v in dict(x.dask).values() if type(v).__name__ == "DataNode"]
        assert len(arrays) == sum(getattr(v, "ndim", 0) > 0 for v in params().values())


def test_a_dask_array_parameter():
    key = unirand.key(8)
    p = np.linspace(0.05, 0.95, 15).reshape(5, 3)
    x = dask_array(unirand.bernoulli, key, SHAPE, (2, 3, 1), p=da.from_array(p, chunks=(2, 2)))
    assert _bytes(x.compute(scheduler="sync")) == _bytes(unirand.bernoulli(key, p, SHAPE))


GOLDEN = [
    c
    for c in cases()
    if c["fn"] in ("bits", "uniform", "normal") and c["shape"] and np.prod(c["shape"]) > 20
]


@pytest.mark.parametrize("case", GOLDEN[::5], ids=[c["name"] for c in GOLDEN[::5]])
def test_chunked_draws_give_the_jax_random_golden_bytes(case):
    """Vectors generated from jax.random itself (conformance/generate_jax_vectors.py)."""
    key = apply_ops(unirand.key(case["seed"]), case["ops"])
    shape = tuple(case["shape"])
    kwargs = {"dtype": case["dtype"]}
    if case["fn"] == "uniform":
        kwargs.update(minval=case["minval"], maxval=case["maxval"])
    irregular = tuple((1, n - 1) if n > 1 else (n,) for n in shape)
    for chunks in (irregular, max(1, shape[-1] // 3)):
        x = dask_array(case["fn"], key, shape, chunks, **kwargs)
        assert_matches(case, x.compute(scheduler="sync"))


def test_golden_cases_are_there():
    assert len(GOLDEN[::5]) >= 10
    assert {c["fn"] for c in GOLDEN[::5]} == {"bits", "uniform", "normal"}


def test_the_threaded_scheduler():
    key = unirand.key(3)
    shape = (300, 257)
    x = dask_array(unirand.normal, key, shape, chunks=((100, 150, 50), (57, 200)))
    got = x.compute(scheduler="threads", num_workers=2)
    assert _bytes(got) == _bytes(unirand.normal(key, shape))
    total = (x * 2).sum().compute(scheduler="threads", num_workers=2)
    assert total == (unirand.normal(key, shape) * 2).sum(dtype=np.float32)


def test_equal_calls_give_the_same_graph_name():
    key = unirand.key(1)
    p = np.full((5, 1), 0.25)

    def make(**over):
        kw = {"sampler": unirand.bernoulli, "key": key, "shape": (5, 4), "chunks": 2, "p": p}
        kw.update(over)
        return dask_array(**kw).name

    assert make() == make(p=p.copy(), key=unirand.key(1), sampler="bernoulli")
    others = [
        make(key=unirand.key(2)),
        make(p=np.full((5, 1), 0.5)),
        make(chunks=3),
        make(shape=(5, 5)),
        make(mode="high"),
        dask_array(unirand.uniform, key, (5, 4), 2).name,
    ]
    assert len({make(), *others}) == len(others) + 1
    x = dask_array(unirand.normal, key, (5, 4), 2, dtype=np.float32)
    assert x.name == dask_array(unirand.normal, key, (5, 4), 2, dtype=np.float32).name
    assert x.name.startswith("unirand-normal-")


def test_the_graph_is_small_and_its_tasks_pickle():
    key = unirand.key(0)
    x = dask_array(unirand.normal, key, (10**6, 1000), chunks=(10**5, 500))
    graph = dict(x.dask)
    assert len(graph) == 20
    # no value in the graph: each task is the key's words, the shape and its block
    assert len(pickle.dumps(graph)) < 20 * 2000
    task = graph[(x.name, 3, 1)]
    again = pickle.loads(pickle.dumps(task))
    small = dask_array(unirand.normal, key, (4, 6), chunks=(4, 3))
    got = pickle.loads(pickle.dumps(dict(small.dask)[(small.name, 0, 1)]))({})
    assert _bytes(got) == _bytes(unirand.normal(key, (4, 6))[:, 3:])
    assert again.key == task.key


def test_flat_runs_use_offset():
    assert _where((7, 5, 3), (slice(2, 5), slice(0, 5), slice(0, 3))) == ("offset", (30, 75))
    assert _where((7, 5, 3), (slice(2, 3), slice(1, 4), slice(0, 3))) == ("offset", (33, 42))
    assert _where((7, 5, 3), (slice(2, 3), slice(1, 2), slice(1, 3))) == ("offset", (34, 36))
    assert _where((7, 5, 3), (slice(2, 4), slice(1, 4), slice(0, 3)))[0] == "index"
    assert _where((7, 5, 3), (slice(0, 0), slice(1, 4), slice(0, 3))) == ("offset", (0, 0))
    assert _where((), ()) == ("offset", (0, 1))


def test_the_key_is_consumed_once_under_debug_key_reuse():
    with unirand.debug_key_reuse():
        key = unirand.key(4)
        x = dask_array(unirand.normal, key, (6,), 2)
        x.compute(scheduler="sync")
        x.compute(scheduler="sync")  # computing is not a new draw
        with pytest.raises(unirand.KeyReuseError):
            dask_array(unirand.normal, key, (6,), 2)


def test_errors():
    key = unirand.key(0)
    with pytest.raises(ValueError, match="not elementwise"):
        dask_array(unirand.permutation, key, (5,), x=5)
    with pytest.raises(TypeError, match="sampler must be one of unirand's samplers"):
        dask_array(np.random.normal, key, (5,))
    with pytest.raises(ValueError, match="single key"):
        dask_array(unirand.normal, unirand.split(key, 2), (5,))
    with pytest.raises(TypeError, match="portable key"):
        dask_array(unirand.normal, unirand.as_key(np.random.SeedSequence(0)), (5,))
    with pytest.raises(TypeError, match="portable key"):
        dask_array(unirand.normal, 0, (5,))
    for bad in (((2, 3),), ((2, 2), (3,)), -3, "big", ((2.5, 1.5),), ((5, -1),), ((2, True, 1),)):
        with pytest.raises(ValueError, match="chunks"):
            dask_array(unirand.normal, key, (4,), bad)
    with pytest.raises(TypeError, match="chunks"):
        dask_array(unirand.normal, key, (4,), np.array([2, 2]))
    with pytest.raises(TypeError, match="index= is set by dask_array"):
        dask_array(unirand.normal, key, (4,), index=np.s_[:2])
    with pytest.raises(ValueError, match="xp must be an array library dask"):
        dask_array(unirand.normal, key, (4,), xp="torch")
    # the sampler's own checks run at the call, not at compute
    with pytest.raises(ValueError, match="broadcast"):
        dask_array(unirand.bernoulli, key, (4, 3), p=np.full((2,), 0.5))
    with pytest.raises(TypeError, match="dtype must be one of"):
        dask_array(unirand.normal, key, (4,), dtype="int32")
    with pytest.raises(ValueError, match="not elementwise"):
        dask_array(unirand.choice, key, (3,), a=10, replace=False)


def test_a_distributed_cluster_of_processes():
    """Chunks computed in two worker processes (the task function and its arguments pickled):
    the same bytes as one process."""
    distributed = pytest.importorskip("distributed")
    key = unirand.key(9)
    shape = (64, 50)
    p = np.linspace(0.0, 1.0, 50)
    x = dask_array(unirand.normal, key, shape, chunks=((10, 30, 24), (25, 25)), dtype="float64")
    b = dask_array(unirand.bernoulli, key, shape, chunks=(16, 20), p=p)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            worker_dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        distributed.Client(cluster, timeout=30) as client,
    ):
        got_x, got_b = client.compute([x, b], sync=False)
        got_x, got_b = got_x.result(timeout=60), got_b.result(timeout=60)
        where = client.run(lambda: __import__("os").getpid())
    assert len(set(where.values())) == 2
    assert _bytes(got_x) == _bytes(unirand.normal(key, shape, "float64"))
    assert _bytes(got_b) == _bytes(unirand.bernoulli(key, p, shape))
