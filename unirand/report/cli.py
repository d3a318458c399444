"""``python -m unirand [conformance]``: are unirand's streams bitwise on this machine?

Runs every portable sampler and key operation in the golden vectors (generated from
``jax.random``) on every installed array library and device, JAX natively and through the
reference engine with x64 off and on, cross-checks them against NumPy, and prints a matrix of
backend/device by function/dtype.  The exit status is 0 only if every cell keeps what the
documentation claims (bitwise, or a documented ULP bound, or a documented missing dtype).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

from .golden import vectors_path
from .targets import KNOWN, parse_names

__all__ = ["main", "vectors_path"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unirand",
        # the module docstring is reST; --help is read in a terminal, as plain text
        description=__doc__.replace("``", ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Report layout and the JSON schema: docs/conformance.md",
    )
    parser.add_argument("command", nargs="?", default="conformance", choices=["conformance"])
    parser.add_argument(
        "--backends",
        default=None,
        help="comma-separated subset of: " + ", ".join(KNOWN) + " (default: all installed)",
    )
    parser.add_argument(
        "--devices",
        default=None,
        help="comma-separated devices or platforms, e.g. cpu or cuda:0,gpu (default: all)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a few golden cases per cell and a small cross-check (seconds, not a minute)",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="every golden case on every row; by default JAX rows, which compile per shape, "
        "replay the cases of a few shapes",
    )
    parser.add_argument(
        "--size",
        type=int,
        default=None,
        help="elements per function/dtype in the cross-check against NumPy "
        "(default 131073, --quick 4099; 0 turns it off)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--html",
        metavar="FILE",
        default=None,
        help="also write the report as one self-contained HTML page to FILE (colored cells, "
        "each cell's details on hover or click)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        help="worker processes (default: one per CPU, at most 4; 1 runs in this process)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="also require bitwise cells where the documentation claims nothing yet (GPUs)",
    )
    return parser


def _writable(path: str) -> bool:
    """Whether ``path`` can be written: an existing file, or a new one in an existing folder."""
    if os.path.isdir(path):
        return False
    if os.path.exists(path):
        return os.access(path, os.W_OK)
    return os.access(os.path.dirname(os.path.abspath(path)), os.W_OK)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0: every documented claim holds)."""
    from .conformance import Options, build_report
    from .progress import Progress
    from .render import render

    parser = _parser()
    args = parser.parse_args(argv)
    backends = parse_names(args.backends)
    unknown = sorted(set(backends or ()) - set(KNOWN))
    if unknown:
        parser.error(f"unknown backends {unknown}; known: {', '.join(KNOWN)}")
    if args.size is not None and args.size < 0:
        parser.error("--size must be >= 0")
    if args.quick and args.full:
        parser.error("--quick and --full exclude each other")
    if args.jobs < 0:
        parser.error("--jobs must be >= 0")
    if args.html is not None and not _writable(args.html):
        # said now, not after minutes of measuring
        parser.error(f"--html: cannot write {args.html}")
    if vectors_path() is None:
        print(
            "unirand: golden vectors not found (neither shipped in the package nor in a "
            "source checkout's conformance/vectors)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    # JAX on a GPU must not reserve most of its memory in each process of the report.
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    options = Options(
        backends=backends,
        devices=parse_names(args.devices),
        quick=args.quick,
        full=args.full,
        size=args.size,
        jobs=args.jobs,
        strict=args.strict,
    )
    report = build_report(options, progress_factory=Progress)
    if args.html is not None:
        from .html import render_html

        with open(args.html, "w", encoding="utf-8") as f:
            f.write(render_html(report))
        print(f"unirand: HTML report written to {args.html}", file=sys.stderr)
    if args.json:
        json.dump(report, sys.stdout, indent=1, sort_keys=False)
        sys.stdout.write("\n")
    else:
        width = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 100
        sys.stdout.write(render(report, width))
    return report["exit_code"]
