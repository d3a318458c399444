"""The main job, ``python -m unirand``, replays the golden vectors and reports by backend."""

from __future__ import annotations

import subprocess
import sys

from unirand.__main__ import main


def test_main_numpy_is_bitwise(capsys):
    assert main(["--backends", "numpy"]) == 0
    out = capsys.readouterr().out
    assert "numpy" in out and "bitwise" in out and "286 cases equal" in out


def test_main_rejects_unknown_backend():
    proc = subprocess.run(
        [sys.executable, "-m", "unirand", "--backends", "tensorflow"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "unknown backends" in proc.stderr
