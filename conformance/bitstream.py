"""Write a portable key's ``bits`` stream to stdout as raw little-endian uint32 words.

For statistical batteries that read random bits from a pipe, e.g. Debian's dieharder::

    python conformance/bitstream.py --seed 0 | dieharder -g 200 -a

Block ``i`` of the stream is ``unirand.bits(unirand.fold_in(key, i), (BLOCK,), "uint32")``,
so the battery tests both the Threefry counter stream and ``fold_in``.  This is the stream of
``jax.random`` too (the golden vectors prove the bytes).  Not run in CI: a full battery takes
hours; docs/statistics.md records a run.
"""

from __future__ import annotations

import argparse
import sys

BLOCK = 1 << 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="seed of unirand.key (default 0)")
    parser.add_argument("--xp", default="numpy", help="backend computing the bits (numpy)")
    parser.add_argument(
        "--words", type=int, default=0, help="stop after this many words (default: never)"
    )
    args = parser.parse_args(argv)

    import numpy as np

    import unirand
    from unirand.backends import to_numpy

    key = unirand.key(args.seed).to(args.xp)
    out = sys.stdout.buffer
    written, block = 0, 0
    try:
        while args.words <= 0 or written < args.words:
            n = BLOCK if args.words <= 0 else min(BLOCK, args.words - written)
            words = to_numpy(unirand.bits(unirand.fold_in(key, block), (n,), "uint32"))
            out.write(np.asarray(words, dtype="<u4").tobytes())
            written += n
            block += 1
        out.flush()
    except BrokenPipeError:  # the battery has read enough
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
