"""A one-line progress bar on stderr, drawn only when stderr is a terminal.

Redirected output and ``--json`` pipelines stay clean; no dependency beyond the standard library.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """``update(label)`` after each finished unit of work; ``close()`` erases the line."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool | None = None):
        self.total, self.done = total, 0
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = enabled if enabled is not None else bool(isatty and isatty())
        self.start = time.perf_counter()
        self._width = 0
        self._draw("")

    def update(self, label: str = "") -> None:
        self.done += 1
        self._draw(label)

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
