"""Where unirand can compute on this machine: installed array libraries and their devices.

A :class:`Target` is one library on one device, and on JAX also the code path (native
``jax.random``, or the portable array-API engine ``unirand.backends.jax.REFERENCE``) and the
``jax_enable_x64`` mode to run in.
Targets are small picklable values (devices are names), so report workers in other processes
can rebuild them.  Finding libraries never imports one that is not asked for.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

__all__ = ["KNOWN", "Target", "discover", "parse_names", "version"]

#: every backend unirand knows, in report order
KNOWN = ("numpy", "torch", "jax", "array_api_strict", "cupy")
#: the namespace passed as ``xp`` to user code for each backend
_NAMESPACES = {
    "numpy": "numpy",
    "torch": "torch",
    "jax": "jax.numpy",
    "array_api_strict": "array_api_strict",
    "cupy": "cupy",
}
#: what a target without a device name (the library's default) runs on
_DEFAULT_DEVICE = {"numpy": "cpu", "array_api_strict": "cpu", "cupy": "cuda"}
#: device platforms that name the same kind of hardware in different libraries
_PLATFORM_ALIASES = {"cuda": "gpu", "rocm": "gpu"}


@dataclass(frozen=True)
class Target:
    """One library on one device (and on JAX one path and one x64 mode)."""

    backend: str
    #: the device name passed to ``key.to`` ("cpu", "cuda:0", "gpu:0"); None: the default
    device: str | None = None
    #: "native", or on JAX "portable": the array-API engine on jax.numpy (``xp="jax:portable"``)
    path: str = "native"
    #: JAX only: run with ``jax_enable_x64`` set to this; None leaves the setting alone
    x64: bool | None = None

    @property
    def device_name(self) -> str:
        return self.device or _DEFAULT_DEVICE.get(self.backend, "default")

    @property
    def platform(self) -> str:
        """The device kind, ``cpu``, ``gpu`` (CUDA or ROCm), ``mps``, ``tpu``..."""
        kind = self.device_name.split(":", 1)[0].lower()
        return _PLATFORM_ALIASES.get(kind, kind)

    @property
    def id(self) -> str:
        """Stable identifier, e.g. ``jax/cpu:0/portable/x64-on`` (used in JSON and test ids)."""
        parts = [self.backend, self.device_name]
        if self.path != "native" or self.x64 is not None:
            parts.append(self.path)
        if self.x64 is not None:
            parts.append("x64-on" if self.x64 else "x64-off")
        return "/".join(parts)

    @property
    def label(self) -> str:
        """Short human label, e.g. ``jax cpu:0 ref x64``."""
        words = [self.backend, self.device_name]
        if self.path == "portable":
            words.append("portable")
        if self.x64:
            words.append("x64")
        return " ".join(words)

    @property
    def xp(self) -> Any:
        """The array namespace user code gets (``jax.numpy`` for JAX), imported now."""
        return importlib.import_module(_NAMESPACES[self.backend])

    def placement(self) -> Any:
        """What ``key.to`` takes to put a key here: a backend name (``jax:portable``: JAX's
        array-API engine, ``unirand.backends.jax.REFERENCE``)."""
        return "jax:portable" if self.path == "portable" else self.backend

    def key(self, seed: int = 0) -> Any:
        """``unirand.key(seed)`` living on this target."""
        import unirand

        return unirand.key(seed).to(self.placement(), self.device)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Run in this target's JAX x64 mode, restoring the previous mode afterwards."""
        if self.x64 is None:
            yield
            return
        import jax

        old = bool(cast(Any, jax.config).jax_enable_x64)  # a dynamic attribute
        jax.config.update("jax_enable_x64", self.x64)
        try:
            yield
        finally:
            jax.config.update("jax_enable_x64", old)


def installed(name: str) -> bool:
    """Whether library ``name`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def version(name: str) -> str | None:
    """The installed version of a library (None if missing), read without importing it."""
    from importlib import metadata

    dist = {"array_api_strict": "array-api-strict"}.get(name, name)
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None if not installed(name) else "unknown"


def _devices(name: str) -> list[str | None]:
    """Device names of an installed library; importing it happens here."""
    if name == "torch":
        import torch

        found: list[str | None] = ["cpu"]
        if torch.cuda.is_available():
            found += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            found.append("mps")
        return found
    if name == "jax":
        import jax

        found = []
        for platform in dict.fromkeys(["cpu", jax.default_backend()]):
            found += [f"{platform}:{i}" for i in range(len(jax.devices(platform)))]
        return found
    if name == "cupy":
        import cupy

        return [None] if cupy.cuda.runtime.getDeviceCount() > 0 else []
    importlib.import_module(_NAMESPACES[name])
    return [None]


def _matches(target: Target, devices: Sequence[str] | None) -> bool:
    """``devices`` entries name a device (``cuda:1``) or a platform (``cpu``, ``gpu``)."""
    if not devices:
        return True
    for want in devices:
        kind, _, index = want.lower().partition(":")
        if _PLATFORM_ALIASES.get(kind, kind) != target.platform:
            continue
        if not index or ":" not in target.device_name or target.device_name.endswith(f":{index}"):
            return True
    return False


def discover(
    backends: Sequence[str] | None = None,
    devices: Sequence[str] | None = None,
    *,
    jax_variants: bool = False,
) -> tuple[list[Target], dict[str, str]]:
    """Installed targets (filtered by backend names and devices) and why others are missing.

    ``jax_variants``: each JAX device four times, native and portable engine, each with x64
    off and on (the report); otherwise once, native, in the process's x64 mode (user tests).
    """
    targets: list[Target] = []
    missing: dict[str, str] = {}
    for name in backends or KNOWN:
        if name not in KNOWN:
            raise ValueError(f"unknown backend {name!r}; known: {', '.join(KNOWN)}")
        if not installed(name):
            missing[name] = "not installed"
            continue
        try:
            found = _devices(name)
        except Exception as e:  # a broken install or driver: reported, never fatal
            missing[name] = f"unusable: {type(e).__name__}: {e}"
            continue
        if not found:
            missing[name] = "no device"
        for device in found:
            if name == "jax" and jax_variants:
                variants = [
                    Target(name, device, p, x)
                    for p in ("native", "portable")
                    for x in (False, True)
                ]
            else:
                variants = [Target(name, device)]
            targets += [t for t in variants if _matches(t, devices)]
    return targets, missing


def parse_names(text: str | Sequence[str] | None) -> list[str] | None:
    """``"numpy, torch"`` -> ``["numpy", "torch"]``; empty or None means all."""
    if text is None:
        return None
    items = text.split(",") if isinstance(text, str) else list(text)
    names = [s.strip() for s in items if s and s.strip()]
    return names or None
