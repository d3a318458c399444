"""Every golden case from ``jax.random``, byte for byte, on every target of this machine."""

from __future__ import annotations

from typing import Any

from unirand.report import cell as _cell
from unirand.report.targets import Target


def test_golden_case(
    target: Target, golden_case: dict[str, Any], tolerance: tuple[int, float]
) -> None:
    with target.active():
        got = _cell.replay(target, golden_case)
    d = _cell.golden_diff(golden_case, got, target)
    assert d.within(*tolerance), f"{target.id} {golden_case['name']}: {d.explain()}"
