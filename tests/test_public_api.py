"""The public surface, pinned: names, signatures and key methods stay what they were.

``public_api.json`` was written by this module (``python tests/test_public_api.py``) on the
layout before the package was reorganised by role, and is kept: moving modules must not change
what users call.  Recorded: ``unirand.__all__``; every public non-module attribute of
``unirand`` with its kind and signature; the public attributes of ``unirand.Key``,
``unirand.ThreefryKey`` (methods as bound on a key) and of the native key classes (NumPy, torch,
JAX keys, found through ``as_key`` so that their module paths do not matter), and of
``unirand.testing``.  Signatures are parameter names, kinds and defaults; annotations are left
out (they name internal classes, which may move).
"""

from __future__ import annotations

import inspect
import json
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import unirand
import unirand.testing

SNAPSHOT = Path(__file__).with_name("public_api.json")


def _signature(obj: Any) -> str | None:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    return str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))


def _describe(owner: Any, name: str, instance: Any = None) -> dict[str, Any]:
    raw = inspect.getattr_static(owner, name)
    if isinstance(raw, property):
        return {"kind": "property"}
    if isinstance(raw, classmethod):
        return {"kind": "classmethod", "signature": _signature(getattr(owner, name))}
    if isinstance(raw, staticmethod):
        return {"kind": "staticmethod", "signature": _signature(getattr(owner, name))}
    value = getattr(instance if instance is not None else owner, name)
    if isinstance(value, type):
        return {"kind": "class"}
    if callable(value):
        return {"kind": "callable", "signature": _signature(value)}
    return {"kind": type(value).__name__}


def _public(names: list[str]) -> list[str]:
    return sorted(n for n in names if not n.startswith("_"))


def _class_surface(cls: type, instance: Any) -> dict[str, Any]:
    return {name: _describe(cls, name, instance) for name in _public(dir(cls))}


def _native_keys() -> dict[str, Any]:
    keys: dict[str, Any] = {"NumpyKey": unirand.as_key(np.random.SeedSequence(0))}
    torch = pytest.importorskip("torch")
    keys["TorchKey"] = unirand.as_key(torch.Generator().manual_seed(0))
    jax = pytest.importorskip("jax")
    keys["JaxKey"] = unirand.as_key(jax.random.key(0, impl="rbg"))
    return keys


def surface() -> dict[str, Any]:
    """The public surface of this unirand, as recorded in ``public_api.json``."""
    module_attrs = {
        name: _describe(unirand, name)
        for name in _public(dir(unirand))
        if not isinstance(getattr(unirand, name), types.ModuleType)
    }
    key = unirand.key(0)
    natives = _native_keys()
    return {
        "__all__": sorted(unirand.__all__),
        "unirand": module_attrs,
        "Key": _public(dir(unirand.Key)),
        "ThreefryKey": _class_surface(unirand.ThreefryKey, key),
        "native": {name: _class_surface(type(k), k) for name, k in natives.items()},
        "native_class_names": {name: type(k).__name__ for name, k in natives.items()},
        "testing": {
            name: _describe(unirand.testing, name) for name in sorted(unirand.testing.__all__)
        },
    }


@pytest.mark.parametrize(
    "part", ["__all__", "unirand", "Key", "ThreefryKey", "native", "native_class_names", "testing"]
)
def test_public_surface_is_unchanged(part):
    expected = json.loads(SNAPSHOT.read_text())
    assert surface()[part] == expected[part]


if __name__ == "__main__":
    SNAPSHOT.write_text(json.dumps(surface(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {SNAPSHOT}", file=sys.stderr)
