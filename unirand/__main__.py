"""``python -m unirand``: the conformance report (the command line is :mod:`unirand.report.cli`)."""

import sys

from .report.cli import main as main
from .report.golden import vectors_path as vectors_path

__all__ = ["main", "vectors_path"]

if __name__ == "__main__":
    sys.exit(main())
