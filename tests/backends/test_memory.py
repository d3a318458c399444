"""Peak memory per element of large draws (issue 11, item 12): chunked, as NumPy's engine.

torch used to build an int64 counter array and two int32 word arrays for the whole draw (24
bytes per element for uint8 bits, 32 for a float32 uniform on [0.1, 0.7)), so a 2 GiB uint8
draw asked for 16 GiB.  Each measurement runs in a fresh process (``ru_maxrss`` only grows).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_MEASURE = r"""
import resource, sys
import torch
import unirand
fn, dtype, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
args = {"bits": (dtype,), "uniform": (dtype, 0.1, 0.7), "normal": (dtype,)}[fn]
getattr(unirand, fn)(unirand.key(0), (10,), *args, xp="torch")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
x = getattr(unirand, fn)(unirand.key(0), (n,), *args, xp="torch")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) * 1024 / n)
"""

N = 5 * 10**7


@pytest.mark.parametrize(
    ("fn", "dtype", "limit"),
    [
        ("bits", "uint8", 3.0),  # was 24
        ("bits", "uint32", 6.0),
        ("uniform", "float32", 6.0),  # was 32 with a rounded range
        ("uniform", "float16", 8.0),
        ("uniform", "float64", 20.0),  # was 92
    ],
)
def test_torch_peak_memory_per_element(fn, dtype, limit):
    pytest.importorskip("torch")
    if sys.platform != "linux":
        pytest.skip("ru_maxrss is in KiB on Linux only")
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, fn, dtype, str(N)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    per_element = float(proc.stdout.strip().splitlines()[-1])
    assert per_element <= limit, f"{fn} {dtype}: {per_element:.1f} bytes per element"
