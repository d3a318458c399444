"""Reading the golden vectors generated from JAX and replaying their cases through unirand."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

import unirand

VECTORS = Path(__file__).resolve().parent.parent / "conformance" / "vectors"


@cache
def load(name: str = "jax_threefry2x32.v1.json") -> dict[str, Any]:
    return json.loads((VECTORS / name).read_text())


def cases() -> list[dict[str, Any]]:
    return load()["cases"]


def apply_ops(key: Any, ops: list[list[Any]]) -> Any:
    for op, arg in ops:
        if op == "split":
            key = unirand.split(key, tuple(arg) if isinstance(arg, list) else arg)
        elif op == "index":
            key = key[tuple(arg)] if isinstance(arg, list) else key[arg]
        elif op == "fold_in":
            key = unirand.fold_in(key, arg)
        else:
            raise ValueError(f"unknown op {op!r} in golden case")
    return key


def run(case: dict[str, Any], key: Any, xp: Any = None) -> Any:
    """The case's function on a key that already went through its ops."""
    fn = case["fn"]
    if fn == "key_data":
        return unirand.key_data(key)
    if fn == "bits":
        return unirand.bits(key, tuple(case["shape"]), case["dtype"], xp=xp)
    if fn == "uniform":
        return unirand.uniform(
            key, tuple(case["shape"]), case["dtype"], case["minval"], case["maxval"], xp=xp
        )
    if fn == "normal":
        return unirand.normal(key, tuple(case["shape"]), case["dtype"], xp=xp)
    raise ValueError(f"unknown fn {fn!r} in golden case")


def assert_matches(case: dict[str, Any], got: np.ndarray) -> None:
    """Compare bytes: shape, dtype and every bit (hex when stored inline, else sha256)."""
    want = case["expected"]
    assert list(got.shape) == want["shape"], f"{case['name']}: shape {got.shape}"
    assert str(got.dtype) == want["dtype"], f"{case['name']}: dtype {got.dtype}"
    raw = np.ascontiguousarray(got).astype(got.dtype.newbyteorder("<")).tobytes()
    if "hex" in want:
        if raw.hex() != want["hex"]:
            expected = np.frombuffer(bytes.fromhex(want["hex"]), got.dtype).reshape(got.shape)
            bad = np.flatnonzero(
                got.view(np.uint8).reshape(-1) != expected.view(np.uint8).reshape(-1)
            )
            raise AssertionError(
                f"{case['name']}: {bad.size} differing bytes; first differing value: got "
                f"{got.reshape(-1)[bad[0] // got.itemsize]!r}, want "
                f"{expected.reshape(-1)[bad[0] // got.itemsize]!r}"
            )
    else:
        assert hashlib.sha256(raw).hexdigest() == want["sha256"], f"{case['name']}: sha256 differs"


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance in representable values between two float arrays of one dtype."""
    width = a.dtype.itemsize * 8
    ints = {16: np.int16, 32: np.int32, 64: np.int64}[width]

    def ordered(x: np.ndarray) -> np.ndarray:
        i = np.ascontiguousarray(x).view(ints).astype(object if width == 64 else np.int64)
        return np.where(i < 0, -(i & ((1 << (width - 1)) - 1)), i)

    return np.abs(ordered(a) - ordered(b))
