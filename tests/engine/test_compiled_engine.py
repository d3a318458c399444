"""The compiled (Numba) engine draws the vectorized engine's bytes, from threads and after fork.

Every stream the compiled engine covers is drawn under ``forced(True)`` and ``forced(False)`` on
NumPy and torch CPU, at sizes that run on the calling thread and one (300,000 values) that the
driver cuts into parts for the worker threads; the bytes must be equal, and a spy on the driver
proves that the compiled entry really ran (a backend that silently fell back to the vectorized
engine would pass the equality trivially).  The checks that start processes (fork, a read-only
install, ``UNIRAND_NUMBA=0``, ``import unirand``) run in a fresh interpreter with a timeout, so a
hang fails instead of stalling the suite.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _backends import jax_x64

import unirand
from unirand.engine import compiled, parallel

ROOT = Path(__file__).resolve().parents[2]
N = 300_000  # more than the driver's SERIAL (2**17): parts on the worker threads
SHAPES = [(), (0,), (1,), (7,), (7, 3), (N,)]
SEED = 0xDEADBEEF12345  # both key words non-zero
FLOATS = ["float16", "bfloat16", "float32", "float64"]

try:
    import torch
except ImportError:  # pragma: no cover - torch is optional
    torch = None


def _has_numba() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


needs_numba = pytest.mark.skipif(not _has_numba(), reason="the compiled engine needs Numba")
needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

# -- helpers -------------------------------------------------------------------------------------


def _as_bytes(x: Any) -> tuple[str, tuple[int, ...], bytes]:
    """(dtype name, shape, raw bytes) of a NumPy array or a torch CPU tensor."""
    if torch is not None and isinstance(x, torch.Tensor):
        name = str(x.dtype).rsplit(".", 1)[-1]
        shape = tuple(x.shape)
        if x.dtype in (torch.float16, torch.bfloat16, torch.uint16):
            x = x.view(torch.int16)
        elif x.dtype == torch.uint32:
            x = x.view(torch.int32)
        elif x.dtype == torch.uint64:
            x = x.view(torch.int64)
        return name, shape, x.contiguous().numpy().tobytes()
    a = np.asarray(x)
    return str(a.dtype), a.shape, a.tobytes()


def _xp(name: str) -> Any:
    if name == "torch":
        if torch is None:
            pytest.skip("torch is not installed")
        return torch
    return np


def _key(xp: Any, seed: int = SEED) -> unirand.ThreefryKey:
    key = unirand.key(seed)
    return key if xp is np else key.to(xp)


def _bits(dtype: str) -> Callable[..., Any]:
    return lambda key, shape, xp, **b: unirand.bits(key, shape, dtype, xp=xp, **b)


def _uniform(dtype: str, lo: float, hi: float) -> Callable[..., Any]:
    return lambda key, shape, xp, **b: unirand.uniform(key, shape, dtype, lo, hi, xp=xp, **b)


def _sampler(fn: Callable[..., Any], dtype: str, **kw: Any) -> Callable[..., Any]:
    return lambda key, shape, xp, **b: fn(key, shape, dtype, xp=xp, **kw, **b)


def _np_dtype(dtype: str) -> Any:
    if dtype == "bfloat16":
        import ml_dtypes

        return ml_dtypes.bfloat16
    return np.dtype(dtype)


def _bernoulli(dtype: str, mode: str, per_element: bool = False) -> Callable[..., Any]:
    """One probability (a NumPy scalar keeps its dtype: the uniforms' dtype), or one per
    element (a NumPy array of ``shape``: converted by value on torch)."""

    def draw(key: Any, shape: tuple[int, ...], xp: Any, **block: Any) -> Any:
        if per_element:
            n = int(np.prod(shape))
            p = np.linspace(-0.1, 1.1, n).reshape(shape).astype(_np_dtype(dtype))
        else:
            p = np.asarray(0.3, _np_dtype(dtype))
        return unirand.bernoulli(key, p, shape, mode=mode, xp=xp, **block)

    return draw


def _per_element_bounds(d: str) -> Callable[..., Any]:
    """Bounds of one value per element (the last axis), for the compiled kernels' array form."""

    def draw(key: Any, shape: tuple[int, ...], xp: Any, **block: Any) -> Any:
        lower = -2.0 + np.arange(shape[-1]) % 5 * 0.5 if shape else -2.0
        return unirand.truncated_normal(key, lower, 2.5, shape, d, xp=xp, **block)

    return draw


def _split(key: Any, shape: tuple[int, ...], xp: Any, **block: Any) -> Any:
    return unirand.key_data(unirand.split(_key(xp), shape))


#: id -> (the driver entry that must run, draw(key, shape, xp))
STREAMS: dict[str, tuple[str, Callable[..., Any]]] = {
    **{f"bits-{d}": ("bits", _bits(d)) for d in ("uint8", "uint16", "uint32", "uint64")},
    "split": ("split", _split),
    **{
        f"uniform-{d}-{lo},{hi}": ("uniform", _uniform(d, lo, hi))
        for d in FLOATS
        for lo, hi in ((0.0, 1.0), (-3.5, 2.25))
    },
    **{
        f"uniform-{d}-per-element": (
            "uniform",
            lambda k, s, xp, d=d, **b: unirand.uniform(
                k, s, d, -1.5 + np.arange(s[-1]) % 4 if s else -1.5, 3.0, xp=xp, **b
            ),
        )
        for d in FLOATS
    },
    **{f"normal-{d}": ("normal", _sampler(unirand.normal, d)) for d in FLOATS},
    **{f"exponential-{d}": ("exponential", _sampler(unirand.exponential, d)) for d in FLOATS},
    **{
        f"gumbel-{d}-{mode}": ("gumbel", _sampler(unirand.gumbel, d, mode=mode))
        for d in FLOATS
        for mode in ("low", "high", "highest")
    },
    **{
        f"bernoulli-{d}-{mode}{'-array' if each else ''}": ("bernoulli", _bernoulli(d, mode, each))
        for d in FLOATS
        for mode in ("low", "high")
        for each in (False, True)
    },
    **{
        f"randint-{d}-{lo},{hi}": (
            "randint",
            lambda k, s, xp, d=d, lo=lo, hi=hi, **b: unirand.randint(k, s, lo, hi, d, xp=xp, **b),
        )
        for d in ("int8", "uint16", "int32", "uint32", "int64")
        for lo, hi in ((0, 10), (-7, 1000), (0, 2**32 - 1))
        if (lo, hi) != (-7, 1000) or d != "uint16"
    },
    **{
        f"randint-{d}-per-element": (
            "randint",
            lambda k, s, xp, d=d, **b: unirand.randint(
                k, s, -3 - np.arange(s[-1]) % 7 if s else -3, 2**31 - 1, d, xp=xp, **b
            ),
        )
        for d in ("int32", "int64")
    },
    "randint-int64-full-range": (
        "randint",
        lambda k, s, xp, **b: unirand.randint(k, s, -(2**63), 2**63 - 1, "int64", xp=xp, **b),
    ),
    **{
        f"truncated_normal-{d}-{lo},{hi}": (
            "truncated_normal",
            lambda k, s, xp, d=d, lo=lo, hi=hi, **b: unirand.truncated_normal(
                k, lo, hi, s, d, xp=xp, **b
            ),
        )
        for d in FLOATS
        for lo, hi in ((-1.0, 1.0), (0.3, 2.5))
    },
    **{
        f"truncated_normal-{d}-per-element": ("truncated_normal", _per_element_bounds(d))
        for d in FLOATS
    },
}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often each entry of the compiled driver ran (a spy around every entry)."""
    from unirand.engine.compiled import driver

    counts: dict[str, int] = {}

    def spy(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kw: Any) -> Any:
            counts[name] = counts.get(name, 0) + 1
            return fn(*args, **kw)

        return wrapper

    for name in driver.__all__:
        monkeypatch.setattr(driver, name, spy(name, getattr(driver, name)))
    return counts


def _subprocess(
    code: str, *, env: dict[str, str | None] | None = None, timeout: float = 120, **kw: Any
) -> str:
    """Run ``code`` in a fresh interpreter (its own session, killed whole on timeout) on the
    checkout's ``unirand``; ``env``: variables to set (``None``: unset).  Its output, which
    must end with ``ok``."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), full_env.get("PYTHONPATH", "")) if p
    )
    for name, value in (env or {}).items():
        if value is None:
            full_env.pop(name, None)
        else:
            full_env[name] = value
    return _popen([sys.executable, "-c", textwrap.dedent(code)], full_env, timeout, **kw)


def _popen(argv: list[str], env: dict[str, str], timeout: float, **kw: Any) -> str:
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,  # so a hung forked grandchild is killed with it
        **kw,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        pytest.fail(f"the subprocess hung (killed after {timeout} s):\n{out}")
    assert proc.returncode == 0, out
    assert out.strip().endswith("ok"), out
    return out


# -- 1. the same bytes on both engines -----------------------------------------------------------


@needs_numba
@pytest.mark.parametrize("xp_name", ["numpy", "torch"])
@pytest.mark.parametrize("stream", list(STREAMS))
def test_compiled_equals_vectorized(stream: str, xp_name: str, calls: dict[str, int]) -> None:
    xp = _xp(xp_name)
    entry, draw = STREAMS[stream]
    # small splits of a NumPy key take the one-call entry split_key (same kernel loop)
    entries = (entry, "split_key") if entry == "split" else (entry,)
    for shape in SHAPES:
        with compiled.forced(False):
            want = _as_bytes(draw(_key(xp), shape, xp))
        assert sum(calls.get(e, 0) for e in entries) == 0, f"forced(False) ran {entry}"
        with compiled.forced(True):
            got = _as_bytes(draw(_key(xp), shape, xp))
        ran = sum(calls.get(e, 0) for e in entries)
        assert ran == 1, f"{stream} {shape}: the compiled {entry} did not run"
        calls.clear()
        assert got[:2] == want[:2], f"{stream} {shape}: dtype/shape"
        if got[2] != want[2]:
            a = np.frombuffer(got[2], np.uint8)
            b = np.frombuffer(want[2], np.uint8)
            first = int(np.flatnonzero(a != b)[0]) if a.size == b.size else -1
            pytest.fail(f"{stream} {shape} on {xp_name}: bytes differ (first byte {first})")


#: blocks of a draw (``index=``/``offset=``): the kernels' counter-array form, in parts on the
#: worker threads for the (N,) draw (a third of N values)
BLOCKS: list[tuple[tuple[int, ...], dict[str, Any]]] = [
    ((7, 3), {"index": np.s_[1:-1, ::-2]}),
    ((7, 3), {"offset": (4, 17)}),
    ((N,), {"index": np.s_[::-3]}),
]


def _slice(whole: Any, block: dict[str, Any]) -> Any:
    """The block of a whole draw, as NumPy indexes it (torch has no negative steps)."""
    from _backends import to_numpy

    host = to_numpy(whole)
    if "offset" in block:
        start, stop = block["offset"]
        return host.reshape(-1)[start:stop]
    return host[block["index"]]


@needs_numba
@pytest.mark.parametrize("xp_name", ["numpy", "torch"])
@pytest.mark.parametrize("stream", [s for s in STREAMS if s != "split"])
def test_compiled_blocks_equal_vectorized(stream: str, xp_name: str, calls: dict[str, int]) -> None:
    """A block on the compiled engine (the kernels' ``idx`` form) equals the vectorized
    engine's block and the whole draw's slice."""
    xp = _xp(xp_name)
    entry, draw = STREAMS[stream]
    for shape, block in BLOCKS:
        with compiled.forced(False):
            want = _as_bytes(draw(_key(xp), shape, xp, **block))
            whole = draw(_key(xp), shape, xp)
        assert calls.get(entry, 0) == 0, f"forced(False) ran the compiled {entry}"
        with compiled.forced(True):
            got = _as_bytes(draw(_key(xp), shape, xp, **block))
        assert calls.get(entry, 0) == 1, f"{stream} {block}: the compiled {entry} did not run"
        calls.clear()
        sliced = _slice(whole, block)
        assert got[1] == want[1] == sliced.shape, f"{stream} {shape} {block}: shape"
        assert got[2] == want[2] == sliced.tobytes(), f"{stream} {shape} {block}: bytes differ"


@needs_numba
@pytest.mark.parametrize("xp_name", ["numpy", "torch"])
def test_fold_in_compiled_equals_vectorized(xp_name: str, calls: dict[str, int]) -> None:
    xp = _xp(xp_name)
    for value in (0, 1, 7, 2**31, 2**32 - 1, N):
        with compiled.forced(False):
            want = _as_bytes(unirand.key_data(unirand.fold_in(_key(xp), value)))
        with compiled.forced(True):
            got = _as_bytes(unirand.key_data(unirand.fold_in(_key(xp), value)))
        assert got == want, value
    assert calls.get("fold_in") == 6


@needs_numba
def test_compiled_equals_vectorized_on_other_keys() -> None:
    """A few more keys (zero, all ones, split children) for the 300,000-value draws."""
    keys = [unirand.key(0), unirand.key(2**64 - 1), *unirand.split(unirand.key(3), 3)]
    for key in keys:
        for draw in (
            lambda k: unirand.normal(k, (N,)),
            lambda k: unirand.uniform(k, (N,), "float64", -3.5, 2.25),
            lambda k: unirand.bits(k, (N,), "uint64"),
        ):
            with compiled.forced(False):
                want = _as_bytes(draw(key))
            with compiled.forced(True):
                got = _as_bytes(draw(key))
            assert got == want


@pytest.mark.parametrize("bounds", [(-0.0, 0.0), (-0.0, 1.0)])
@pytest.mark.parametrize("xp", ["numpy", "torch"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_uniform_negative_zero_minval_is_jax_max(dtype: str, xp: str, bounds: tuple) -> None:
    """``lax.max(m, y)`` puts ``+0`` above ``-0``: with ``minval=-0.0`` a zero float gives
    ``+0.0`` in ``jax.random`` (NumPy's and torch's ``maximum`` would keep ``-0.0``); both
    engines must give JAX's bytes."""
    pytest.importorskip(xp)
    lo, hi = bounds
    shape = (1000,)
    with jax_x64(dtype == "float64") as jax:
        draw = jax.random.uniform(jax.random.key(9), shape, dtype, lo, hi)
        want = np.asarray(draw).view(np.uint8).tobytes()
    engines = [False, True] if _has_numba() else [False]
    for on in engines:
        with compiled.forced(on):
            got = _as_bytes(unirand.uniform(unirand.key(9), shape, dtype, lo, hi, xp=xp))[2]
        assert got == want, f"compiled={on}"


# -- 2. many Python threads at once --------------------------------------------------------------

THREAD_DRAWS: list[tuple[str, Callable[[Any, tuple[int, ...]], Any]]] = [
    ("normal f32", lambda k, s: unirand.normal(k, s)),
    ("normal f64", lambda k, s: unirand.normal(k, s, "float64")),
    ("normal f16", lambda k, s: unirand.normal(k, s, "float16")),
    ("uniform f32", lambda k, s: unirand.uniform(k, s, "float32", -3.5, 2.25)),
    ("uniform f64", lambda k, s: unirand.uniform(k, s, "float64")),
    ("bits u32", lambda k, s: unirand.bits(k, s, "uint32")),
    ("bits u8", lambda k, s: unirand.bits(k, s, "uint8")),
]
THREAD_SIZES = [(1,), (7,), (5000,), (N,)]


def _thread_work(index: int) -> dict[tuple[str, tuple[int, ...]], bytes]:
    key = unirand.fold_in(unirand.key(11), index)
    return {
        (name, shape): _as_bytes(draw(key, shape))[2]
        for name, draw in THREAD_DRAWS
        for shape in THREAD_SIZES
    }


@needs_numba
def test_many_threads_draw_the_single_threaded_bytes() -> None:
    threads = 8
    reference = [_thread_work(i) for i in range(threads)]  # one thread, one call at a time
    barrier = threading.Barrier(threads, timeout=60)

    def work(index: int) -> dict[tuple[str, tuple[int, ...]], bytes]:
        barrier.wait()  # all at once, so the worker pool serves several draws together
        if index % 2:  # forced() is per thread: the vectorized engine next to the compiled one
            with compiled.forced(False):
                return _thread_work(index)
        return _thread_work(index)

    pool = concurrent.futures.ThreadPoolExecutor(threads)
    try:
        futures = [pool.submit(work, i) for i in range(threads)]
        for i, future in enumerate(futures):
            got = future.result(timeout=120)
            assert got.keys() == reference[i].keys()
            for task, data in got.items():
                assert data == reference[i][task], f"thread {i}: {task}"
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


# -- 3. fork -------------------------------------------------------------------------------------

_FORK_PRELUDE = f"""
import os, sys, warnings
import multiprocessing
import unirand
from unirand.engine import compiled, parallel

assert compiled.engine_info()["engine"] == "compiled", compiled.engine_info()
assert parallel.workers() == 2
key = unirand.key(5)
want = unirand.normal(key, ({N},)).tobytes()  # loads the kernels, starts the pool
assert parallel._POOL is not None, "the 300,000-value draw did not use the worker pool"
warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: we mean it
"""


#: the compiled engine (whatever the suite's environment says), threaded even on one core
_FORK_ENV: dict[str, str | None] = {"UNIRAND_THREADS": "2", "UNIRAND_NUMBA": None}


@needs_numba
@needs_fork
def test_draw_after_os_fork() -> None:
    _subprocess(
        _FORK_PRELUDE
        + f"""
pid = os.fork()
if pid == 0:
    code = 1
    try:
        got = unirand.normal(key, ({N},)).tobytes()
        fresh = parallel._POOL is not None and parallel._POOL_PID == os.getpid()
        code = 0 if got == want and fresh else 2
    finally:
        os._exit(code)
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
assert unirand.normal(key, ({N},)).tobytes() == want  # the parent's pool still works
print("ok")
""",
        env=_FORK_ENV,
    )


@needs_numba
@needs_fork
def test_fork_while_another_thread_compiles(tmp_path: Path) -> None:
    """A fork while a thread holds Numba's compiler lock (a first, cold compilation) must not
    leave the child a lock nobody releases: the driver's fork hook holds it across the fork."""
    _subprocess(
        """
import os, threading, time, warnings
import unirand
unirand.bits(unirand.key(0), (10,))  # loads the engine (and its fork hook)
t = threading.Thread(target=lambda: unirand.normal(unirand.key(0), (10,), "float16"))
t.start()
time.sleep(0.3)  # the thread is compiling now (the cache directory is empty)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: we mean it
    pid = os.fork()
if pid == 0:
    code = 1
    try:
        unirand.uniform(unirand.key(0), (10,))  # a kernel not compiled yet in the child
        code = 0
    finally:
        os._exit(code)
_, status = os.waitpid(pid, 0)
t.join()
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
print("ok")
""",
        env={**_FORK_ENV, "NUMBA_CACHE_DIR": str(tmp_path)},
        timeout=180,
    )


@needs_numba
@needs_fork
def test_multiprocessing_fork_pool_draws() -> None:
    _subprocess(
        _FORK_PRELUDE
        + f"""
def draw(i):
    k = unirand.fold_in(key, i)
    return (
        unirand.normal(k, ({N},)).tobytes()
        + unirand.uniform(k, ({N},), "float16").tobytes()
        + unirand.bits(k, (7,), "uint64").tobytes()
    )

expected = [draw(i) for i in range(4)]
with multiprocessing.get_context("fork").Pool(2) as pool:
    got = pool.map_async(draw, range(4)).get(timeout=90)
assert got == expected
print("ok")
""",
        env=_FORK_ENV,
    )


# -- 4. engine_info ------------------------------------------------------------------------------


def _check_info_types(info: dict[str, Any]) -> None:
    assert set(info) == {"engine", "reason", "compiler", "threads", "cache_dir"}
    assert info["engine"] in ("compiled", "vectorized")
    assert isinstance(info["reason"], str)
    assert info["compiler"] is None or isinstance(info["compiler"], str)
    assert isinstance(info["threads"], int) and info["threads"] >= 1
    assert info["cache_dir"] is None or isinstance(info["cache_dir"], str)


def test_engine_info_keys_and_types() -> None:
    info = unirand.engine_info()
    _check_info_types(info)
    assert info["threads"] == parallel.workers()
    if _has_numba() and os.environ.get("UNIRAND_NUMBA", "1").strip() != "0":
        assert info["engine"] == "compiled"
        assert info["reason"] == ""
        assert info["compiler"].startswith("numba ")
    with compiled.forced(False):
        off = unirand.engine_info()
    _check_info_types(off)
    assert off["engine"] == "vectorized"
    assert "forced" in off["reason"]
    assert off["compiler"] is None
    assert unirand.engine_info() == info  # the block is over


@needs_numba
def test_engine_info_under_unirand_numba_0() -> None:
    out = _subprocess(
        """
        import json
        import unirand
        from unirand.engine import compiled

        info = unirand.engine_info()
        with compiled.forced(True):  # forced() wins over the environment
            on = unirand.engine_info()
        print(json.dumps([info, on]))
        print("ok")
        """,
        env={"UNIRAND_NUMBA": "0", "UNIRAND_THREADS": "3"},
        timeout=60,
    )
    info, on = json.loads(out.strip().splitlines()[-2])
    _check_info_types(info)
    assert info["engine"] == "vectorized"
    assert "UNIRAND_NUMBA" in info["reason"]
    assert info["compiler"] is None
    assert info["threads"] == 3
    assert on["engine"] == "compiled" and on["reason"] == ""


def test_engine_info_without_numba() -> None:
    """Numba made unimportable: the vectorized engine draws, and forcing the compiled one
    says why it cannot."""
    _subprocess(
        """
        import sys
        sys.modules["numba"] = None  # import numba raises ImportError
        import numpy as np
        import unirand
        from unirand.engine import compiled

        info = unirand.engine_info()
        assert info["engine"] == "vectorized", info
        assert "Numba" in info["reason"], info
        assert info["compiler"] is None and info["cache_dir"] is None, info
        assert unirand.normal(unirand.key(0), (3,)).dtype == np.float32
        try:
            with compiled.forced(True):
                unirand.normal(unirand.key(0), (3,))
        except RuntimeError as e:
            assert "Numba" in str(e)
        else:
            raise AssertionError("forced(True) without Numba drew")
        print("ok")
        """,
        env={"UNIRAND_NUMBA": None},
        timeout=60,
    )


# -- 5. a read-only install ----------------------------------------------------------------------

_READ_ONLY_CHILD = """
import json, os, sys
import unirand

package = os.path.dirname(unirand.__file__)
assert package.startswith(sys.argv[1]), package  # the read-only copy, not the checkout
try:  # the permission bits hold (a root child runs without CAP_DAC_OVERRIDE)
    open(os.path.join(package, "probe"), "w").close()
    print("WRITABLE")
except PermissionError:
    pass
key = unirand.key(21)
draws = [
    unirand.normal(key, (1000,)).tobytes(),
    unirand.uniform(key, (1000,), "float32", -3.5, 2.25).tobytes(),
]
print(json.dumps({"draws": [d.hex() for d in draws], "info": unirand.engine_info()}))
print("ok")
"""


def _read_only_prefix() -> list[str] | None:
    """The command prefix under which permission bits stop the child (``[]`` when not root),
    or ``None`` where that cannot be arranged."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


@needs_numba
def test_read_only_package_directory(tmp_path: Path) -> None:
    """The package installed where it cannot write ``__pycache__`` (a system site-packages):
    Numba keeps its machine code in the per-user cache instead, and the draws are right."""
    prefix = _read_only_prefix()
    if prefix is None:
        pytest.skip("root without setpriv: permission bits do not stop the child")
    key = unirand.key(21)
    want = [
        unirand.normal(key, (1000,)).tobytes(),
        unirand.uniform(key, (1000,), "float32", -3.5, 2.25).tobytes(),
    ]
    site = tmp_path / "site"
    home = tmp_path / "home"
    home.mkdir()
    shutil.copytree(
        ROOT / "unirand", site / "unirand", ignore=shutil.ignore_patterns("__pycache__")
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME", "UNIRAND_NUMBA")
    }
    env.update(HOME=str(home), PYTHONPATH=str(site), PYTHONDONTWRITEBYTECODE="1")
    _chmod_tree(site, writable=False)
    try:
        out = _popen(
            [*prefix, sys.executable, "-c", _READ_ONLY_CHILD, str(site)],
            env,
            timeout=60,
            cwd=str(home),  # not the checkout: `python -c` puts the working directory first
        )
    finally:
        _chmod_tree(site, writable=True)
    assert "WRITABLE" not in out, "the copy was writable: the test proves nothing"
    result = json.loads(out.strip().splitlines()[-2])
    assert result["info"]["engine"] == "compiled", result["info"]
    assert [bytes.fromhex(d) for d in result["draws"]] == want
    assert not list(site.rglob("*.nbi")), "Numba wrote into the read-only package"
    cached = sorted(p.relative_to(home) for p in home.rglob("*") if p.suffix in (".nbi", ".nbc"))
    # Numba's user-wide cache: $XDG_CACHE_HOME or ~/.cache, then numba/<the package's path>
    assert cached, f"no Numba cache files under the temporary HOME:\n{out}"
    assert all(p.parts[:2] == (".cache", "numba") for p in cached), cached


@needs_numba
def test_editing_an_inlined_helper_recompiles(tmp_path: Path) -> None:
    """A kernel's cache is stale when a module it inlines changes (Numba itself checks only the
    kernel's own file): ``jit.py`` stamps every cache with a digest of engine/ and math/."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "unirand", site / "unirand")  # with its __pycache__: a warm cache
    child = (
        "import numpy as np, unirand; "
        "print(unirand.normal(unirand.key(0), (64,)).view(np.uint32).tobytes().hex())"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "UNIRAND_NUMBA")}
    env["PYTHONPATH"] = str(site)

    def draw() -> str:
        out = subprocess.run(
            [sys.executable, "-c", child],
            env=env,
            cwd=str(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return out.stdout.strip()

    before = draw()
    assert before == unirand.normal(unirand.key(0), (64,)).view(np.uint32).tobytes().hex()
    helper = site / "unirand" / "engine" / "compiled" / "elementary.py"
    text = helper.read_text()
    edited = text.replace("F32(LOG_Q2)", "F32(LOG_Q2 * 1.0001)")
    assert edited != text, "the constant to edit moved: update this test"
    helper.write_text(edited)
    assert draw() != before, "the edited helper did not reach the kernel: a stale cache"


def _chmod_tree(root: Path, *, writable: bool) -> None:
    paths = [root, *root.rglob("*")]
    for p in paths if writable else reversed(paths):  # a directory last when locking
        mode = p.stat().st_mode
        p.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | 0o022))


# -- 6. import unirand does not import Numba -----------------------------------------------------


def test_import_does_not_import_numba() -> None:
    _subprocess(
        """
        import sys
        import unirand

        assert "numba" not in sys.modules
        assert "unirand.engine.compiled.driver" not in sys.modules
        unirand.normal(unirand.key(0), (3,))  # a draw may load it
        print("numba" in sys.modules)
        print("ok")
        """,
        timeout=60,
    )


#: float64 kernels that run in blocks (engine/compiled/blocks64.py): several blocks and a partial
#: one, erf_inv tails (recomputed one by one), every value a tail, |x| = 1 (an infinite bound)
BLOCKED64: dict[str, Callable[..., Any]] = {
    "normal": lambda k, n: unirand.normal(k, (n,), "float64"),
    "exponential": lambda k, n: unirand.exponential(k, (n,), "float64"),
    "truncated_normal-inf,inf": lambda k, n: unirand.truncated_normal(
        k, -np.inf, np.inf, (n,), "float64"
    ),
    "truncated_normal-deep-tail": lambda k, n: unirand.truncated_normal(
        k, 5.0, 9.0, (n,), "float64"
    ),
}


@pytest.mark.parametrize("name", list(BLOCKED64))
def test_blocked_float64_kernels_equal_vectorized(name: str) -> None:
    draw = BLOCKED64[name]
    n = 3 * 1024 + 77 if name.endswith("deep-tail") else 40_000 + 77
    key = _key(np)
    with compiled.forced(False):
        want = np.asarray(draw(key, n))
    with compiled.forced(True):
        got = np.asarray(draw(key, n))
    assert got.dtype == want.dtype == np.float64
    assert np.array_equal(got.view(np.uint64), want.view(np.uint64)), name
