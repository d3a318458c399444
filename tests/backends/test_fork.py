"""The NumPy engine's thread pool survives ``os.fork``: a forked child draws large arrays.

``engine/parallel.py`` runs chunks on a process-wide thread pool (both engines); a forked child
inherits the pool object but not its threads, so without a fresh pool any draw of more than
three chunks (196,608 values) in the child would wait forever.  Each check runs in a fresh
interpreter with a timeout, so a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

N = 300_000  # more than three chunks of 64 Ki counters: the threaded path

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _run(code: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so a hung forked grandchild is killed with it
    )
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("a draw after fork hung (the child inherited a pool without threads)")
    assert proc.returncode == 0, out
    assert out.strip().endswith("ok"), out


def test_draw_in_a_forked_child_after_the_parent_drew():
    _run(
        f"""
        import os, sys, warnings
        import unirand
        from unirand.engine import parallel

        if parallel.workers() < 2:  # one core: no pool to inherit; force the threaded path
            os.environ["UNIRAND_THREADS"] = "2"
        key = unirand.key(0)
        unirand.uniform(key, ({N},))  # starts the pool in the parent
        want = unirand.uniform(unirand.fold_in(key, 1), ({N},)).tobytes()
        r, w = os.pipe()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: we mean it
            pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(r)
                got = unirand.uniform(unirand.fold_in(key, 1), ({N},)).tobytes()
                code = 0 if got == want else 2
            finally:
                os._exit(code)
        os.close(w)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
        # the parent's pool still works
        assert unirand.uniform(unirand.fold_in(key, 1), ({N},)).tobytes() == want
        print("ok")
        """
    )


def test_torch_dataloader_fork_workers_draw():
    pytest.importorskip("torch")
    _run(
        f"""
        import os
        import numpy as np
        import torch
        from torch.utils.data import DataLoader, Dataset
        import unirand
        from unirand.engine import parallel

        if parallel.workers() < 2:  # one core: no pool to inherit; force the threaded path
            os.environ["UNIRAND_THREADS"] = "2"
        key = unirand.key(0)


        class Draws(Dataset):
            def __len__(self):
                return 4

            def __getitem__(self, i):
                return unirand.uniform(unirand.fold_in(key, i), ({N},))


        want = [unirand.uniform(unirand.fold_in(key, i), ({N},)) for i in range(4)]
        loader = DataLoader(
            Draws(),
            batch_size=None,
            num_workers=2,
            multiprocessing_context="fork",
            timeout=60,
        )
        got = [np.asarray(x) for x in loader]
        assert len(got) == 4
        assert all(g.tobytes() == w.tobytes() for g, w in zip(got, want))
        print("ok")
        """
    )
