"""One ``TorchCPUGenerator`` shared by threads, and across ``os.fork``.

Like ``torch.Generator`` (whose kernels hold ``generator->mutex_``), concurrent calls must run
in some serial order: every thread gets a distinct result, each equal to the result of one of
the calls of a serial run, and the final state is the serial run's.  A child forked while
another thread holds the replica's lock must still be able to draw.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings

import pytest
from replay_golden import raw

from unirand.replay import TorchCPUGenerator

N = 500_000


def _in_threads(g: TorchCPUGenerator, calls: list) -> list[bytes]:
    barrier = threading.Barrier(len(calls))
    out: list[bytes | None] = [None] * len(calls)

    def work(i: int) -> None:
        barrier.wait()
        out[i] = raw(calls[i](g))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out  # type: ignore[return-value]


@pytest.mark.parametrize("threads", [8, 16])
def test_threads_lose_no_update(threads):
    g = TorchCPUGenerator(2024)
    results = _in_threads(g, [lambda g: g.rand((N,))] * threads)
    serial = TorchCPUGenerator(2024)
    expected = [raw(serial.rand((N,))) for _ in range(threads)]
    assert len(set(results)) == threads
    assert sorted(results) == sorted(expected)  # a permutation of the serial results
    assert g.get_state() == serial.get_state()


def test_threads_mixing_methods_run_in_some_serial_order():
    """Calls of different kinds and sizes: some serial order of them reproduces every thread's
    result and the final state (found greedily: the results are distinct, so at each step at
    most one remaining call can produce its thread's result from the current state)."""
    calls = [
        lambda g: g.randn((100_000,)),
        lambda g: g.randn((3,), "float64"),  # the cached normal is state too
        lambda g: g.random((50_000,), "int64"),
        lambda g: g.randperm(70_000),
        lambda g: g.rand((200_000,), "float64"),
        lambda g: g.log_normal(0.0, 1.0, (5,)),
        lambda g: g.multinomial([[1.0] * 500] * 4, 100),
    ] * 2
    g = TorchCPUGenerator(5)
    results = _in_threads(g, calls)
    assert len(set(results)) == len(calls)
    state = TorchCPUGenerator(5).get_state()
    remaining = list(range(len(calls)))
    while remaining:
        for i in remaining:
            trial = TorchCPUGenerator().set_state(state)
            if raw(calls[i](trial)) == results[i]:
                state = trial.get_state()
                remaining.remove(i)
                break
        else:
            pytest.fail(f"no serial order explains the results of calls {remaining}")
    assert g.get_state() == state


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_fork_while_another_thread_holds_the_lock():
    g = TorchCPUGenerator(7)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with g._lock:
            held.set()
            release.wait(30)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: we mean it
        pid = os.fork()
    if pid == 0:  # the child: the holder thread does not exist here
        code = 1
        try:
            done = threading.Event()
            box: list[bytes] = []
            worker = threading.Thread(target=lambda: (box.append(raw(g.rand(5))), done.set()))
            worker.start()
            code = 0 if done.wait(20) and box[0] == raw(TorchCPUGenerator(7).rand(5)) else 2
        finally:
            sys.stdout.flush()
            os._exit(code)
    release.set()
    t.join()
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert raw(g.rand(5)) == raw(TorchCPUGenerator(7).rand(5))  # the parent is unaffected
