"""Progress on stderr: a one-line bar on a terminal, else one line per finished row.

Without a terminal (CI logs, pipes) a bar would be noise, but silence for two minutes looks like
a hang, so each row (target) prints one line when its last cell is done.  stdout (the report,
``--json``) stays clean; no dependency beyond the standard library.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """``update(label)`` after each finished unit of work; ``close()`` erases the line."""

    def __init__(
        self,
        total: int,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        rows: dict[str, int] | None = None,
    ):
        self.total, self.done = total, 0
        #: cells left per row label (the per-row lines without a terminal)
        self.left = dict(rows or {})
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = enabled if enabled is not None else bool(isatty and isatty())
        self.start = time.perf_counter()
        self._width = 0
        self._draw("")

    def update(self, label: str = "", row: str | None = None) -> None:
        self.done += 1
        self._draw(label)
        if row is None or row not in self.left:
            return
        self.left[row] -= 1
        if self.left[row] == 0 and not self.enabled:
            elapsed = time.perf_counter() - self.start
            self.stream.write(
                f"unirand: {row} done ({self.done}/{self.total} cells, {elapsed:.1f} s)\n"
            )
            self.stream.flush()

    def _draw(self, label: str) -> None:
        if not self.enabled:
            return
        columns = shutil.get_terminal_size((80, 24)).columns
        share = self.done / self.total if self.total else 1.0
        bar = "#" * round(20 * share)
        elapsed = time.perf_counter() - self.start
        line = f"[{bar:-<20}] {self.done}/{self.total} {elapsed:5.1f}s {label}"[: columns - 1]
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
