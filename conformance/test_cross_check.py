"""Every function/dtype at scale (``--unirand-size``) from a key no vector uses, against NumPy.

NumPy itself is checked against the golden vectors (test_vectors.py); this adds sizes and keys
the vectors do not have, and is the large-scale check on GPUs.
"""

from __future__ import annotations

from typing import Any

from unirand.report import cell as _cell
from unirand.report.targets import Target


def test_cross_check(
    target: Target, cross_check: tuple[str, dict[str, Any], int], tolerance: tuple[int, float]
):
    column, template, size = cross_check
    with target.active():
        d = _cell.cross_diff(target, column, template, size)
    assert d is not None
    assert d.within(*tolerance), f"{target.id} {column} (size {size}): {d.explain()}"
