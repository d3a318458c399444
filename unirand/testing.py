"""Test helpers for code that uses unirand: is my randomness the same on every backend?

``assert_same_stream(fn)`` runs ``fn(key, xp)`` with the same key on every installed array
library and device and fails with a readable diff when the outputs differ.  Under pytest the
``unirand_backend`` fixture and the ``--unirand-backends``/``--unirand-devices`` options come
from unirand's pytest plugin (:mod:`unirand._pytest_plugin`); those options also choose the
default backends of ``assert_same_stream``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .report.targets import KNOWN, Target, discover, parse_names
from .report.ulp import Diff, as_real, bitwise_equal, compare, describe, ulp_distance

__all__ = ["Target", "assert_same_stream", "targets"]

#: backends/devices chosen on the pytest command line (set by the plugin), else None
_selected: dict[str, list[str] | None] = {"backends": None, "devices": None}


def targets(
    backends: Sequence[str] | str | None = None, devices: Sequence[str] | str | None = None
) -> list[Target]:
    """Installed backends/devices (NumPy first), optionally narrowed, JAX in its current mode.

    ``backends``: names among numpy, torch, jax, array_api_strict, cupy (missing ones are
    skipped); ``devices``: device names or platforms (``"cpu"``, ``"cuda:0"``, ``"gpu"``).
    """
    names = parse_names(backends) or _selected["backends"]
    unknown = sorted(set(names or ()) - set(KNOWN))
    if unknown:
        raise ValueError(f"unknown backends {unknown}; known: {', '.join(KNOWN)}")
    found, _ = discover(names, parse_names(devices) or _selected["devices"])
    return found


def assert_same_stream(
    fn: Callable[[Any, Any], Any],
    *,
    backends: Sequence[str] | str | None = None,
    devices: Sequence[str] | str | None = None,
    ulp: int = 0,
    seed: int = 0,
) -> None:
    """Run ``fn(key, xp)`` on every installed backend/device; raise if the outputs differ.

    ``key`` is ``unirand.key(seed)`` moved to the backend and device, ``xp`` the backend's
    namespace (``numpy``, ``torch``, ``jax.numpy``, ``array_api_strict``, ``cupy``).  ``fn``
    may return an array, a key, a number, or tuples/lists/dicts of them.  The first target
    (NumPy) is the reference; ``ulp=0`` requires every byte equal, ``ulp=n`` allows floats up
    to ``n`` units in the last place apart (integers: an absolute difference of ``n``).
    With fewer than two backends there is nothing to compare and the call passes.
    """
    import unirand

    if ulp < 0:
        raise ValueError(f"ulp must be >= 0; got {ulp}")
    chosen = targets(backends, devices)
    key = unirand.key(seed)
    outputs: list[tuple[Target, dict[str, np.ndarray]]] = []
    for target in chosen:
        with target.active():
            try:
                out = fn(key.to(target.placement(), target.device), target.xp)
            except Exception as e:
                if sys.version_info >= (3, 11):
                    e.add_note(f"(in unirand.testing.assert_same_stream, on {target.label})")
                raise
            outputs.append((target, _leaves(out)))
    if len(outputs) < 2:
        return
    ref_target, ref = outputs[0]
    problems = [p for t, leaves in outputs[1:] for p in _differences(t, leaves, ref, ulp)]
    if problems:
        others = ", ".join(t.label for t, _ in outputs[1:])
        raise AssertionError(
            f"outputs differ from {ref_target.label} (the reference; also ran on {others}; "
            f"seed={seed}, ulp={ulp}):\n" + "\n".join("  " + p for p in problems)
        )


def _leaves(out: Any, path: str = "output") -> dict[str, np.ndarray]:
    """Host copies of every array in ``out``, by their place in it (``output[1]['w']``)."""
    from . import ThreefryKey, key_data
    from .backends import to_numpy

    if isinstance(out, ThreefryKey):
        return {path: np.asarray(to_numpy(key_data(out)))}
    if isinstance(out, dict):
        found: dict[str, np.ndarray] = {}
        for k in sorted(out, key=repr):
            found.update(_leaves(out[k], f"{path}[{k!r}]"))
        return found or {path: np.asarray(out)}
    if isinstance(out, (tuple, list)):
        found = {}
        for i, item in enumerate(out):
            found.update(_leaves(item, f"{path}[{i}]"))
        return found or {path: np.asarray(out)}
    return {path: np.asarray(to_numpy(out))}


def _differences(
    target: Target, got: dict[str, np.ndarray], want: dict[str, np.ndarray], ulp: int
) -> list[str]:
    if got.keys() != want.keys():
        return [f"{target.label}: output structure {sorted(got)}, want {sorted(want)}"]
    problems = []
    for path, a in got.items():
        d = compare(a, want[path])
        if d.mismatch:
            problems.append(f"{target.label}, {path}: {d.mismatch}")
        elif not _within(d, a, want[path], ulp):
            problems.append(f"{target.label}, {path}: {_explain(d, a, want[path], ulp)}")
    return problems


def _within(d: Diff, a: np.ndarray, b: np.ndarray, ulp: int) -> bool:
    if d.is_bitwise:
        return True
    return ulp > 0 and d.max_ulp is not None and d.max_ulp <= ulp


def _explain(d: Diff, a: np.ndarray, b: np.ndarray, ulp: int) -> str:
    """Count, maximum and the first element beyond the tolerance, with values and bits."""
    a, b = as_real(a), as_real(b)
    dist = ulp_distance(a, b).reshape(a.shape)
    bad = (dist > ulp) if ulp else ~bitwise_equal(a, b)
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    return (
        f"{int(bad.sum())} of {d.elements} elements differ ({a.dtype}, shape {a.shape}), max "
        f"{d.max_ulp} ulp; first at index {index}: got {describe(a[index])}, want "
        f"{describe(b[index])} ({int(dist[index])} ulp)"
    )
