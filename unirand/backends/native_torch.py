"""torch keys: ``torch.Generator`` behind the ``unirand.Key`` protocol.

A :class:`TorchKey` is ``(device, seed, state)``: a generator seeded with ``manual_seed(seed)``
on ``device`` (``state`` is ``None``), or one whose bytes ``get_state()`` were snapshotted
(a generator that had already drawn numbers when it was passed to ``as_key``).  Every sampling
call builds ``torch.Generator(device)`` from that and calls torch's own sampler, so
``as_key(torch.Generator().manual_seed(s))`` samples what ``torch.randn(..., generator=
torch.Generator().manual_seed(s))`` does.  The device is kept by split and fold_in: CPU
(MT19937) and CUDA (Philox) streams differ for one seed.

Child seeds come from BLAKE2b (``hashlib.blake2b``, 8-byte digest read little-endian,
``person=b"unirand.torch"``) of ``op + b"\\0" + P + n.to_bytes(8, "little")``, where ``P`` is
the parent seed as 8 little-endian bytes (or ``b"S"`` + the 32-byte BLAKE2b digest of the
state snapshot) and ``op`` is ``b"split"`` (``n`` = flat child index), ``b"fold_in"`` (``n`` =
data) or ``b"as_key"`` (``n`` = 0; the seed ``as_key`` gives back to the generator).
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import torch

from ._native import (
    IndexedKey,
    categorical_plan,
    check_bounds,
    check_mode,
    convert,
    derived_torch_generator,
    float_name,
    restore_index,
    uint_name,
)

__all__ = ["TorchKey", "derive_seed"]

_DTYPES = {
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
}


def derive_seed(material: tuple[str, int, bytes | None], op: bytes, n: int) -> int:
    """The 64-bit seed of a derived key (see the module docstring)."""
    _, seed, state = material
    if state is None:
        parent = seed.to_bytes(8, "little")
    else:
        parent = b"S" + hashlib.blake2b(state, digest_size=32).digest()
    h = hashlib.blake2b(
        op + b"\0" + parent + n.to_bytes(8, "little"), digest_size=8, person=b"unirand.torch"
    )
    return int.from_bytes(h.digest(), "little")


class TorchKey(IndexedKey):
    """A torch key (final): ``(device, seed, state snapshot or None)``."""

    __slots__ = ()
    library = "torch"
    impl = "torch"

    @classmethod
    def from_generator(cls, gen: torch.Generator) -> TorchKey:
        """The key takes the numbers ``gen`` would draw next; ``gen`` then moves on.

        ``gen`` is re-seeded with ``derive_seed(key, b"as_key", 0)``, so it never draws the
        key's numbers itself and a second ``as_key(gen)`` gives an independent key.
        """
        device = str(gen.device)
        seed = int(gen.initial_seed())
        state = gen.get_state()
        fresh = torch.Generator(device=device).manual_seed(seed).get_state()
        snapshot = None if torch.equal(state, fresh) else bytes(state.numpy().tobytes())
        key = cls._make((device, seed, snapshot))
        gen.manual_seed(derive_seed(key._m, b"as_key", 0))
        return key

    @classmethod
    def from_seed(cls, seed: int, device: Any = "cpu") -> TorchKey:
        """The key of ``torch.Generator(device).manual_seed(seed)``."""
        if not 0 <= seed < 2**64:
            raise ValueError(f"seed must be in [0, 2**64); got {seed}")
        return cls._make((str(torch.device(device)), int(seed), None))

    @property
    def device(self) -> torch.device:
        return torch.device(self._m[0])

    @property
    def seed(self) -> int:
        """The ``manual_seed`` of this key (the generator's ``initial_seed``)."""
        return self._m[1]

    def _generator(self) -> torch.Generator:
        device, seed, state = self._m
        gen = torch.Generator(device=device)
        if state is None:
            return gen.manual_seed(seed)
        gen.set_state(torch.frombuffer(bytearray(state), dtype=torch.uint8))
        return gen

    def _child(self, i: int) -> Any:
        return (self._m[0], derive_seed(self._m, b"split", i), None)

    def _fold(self, d: int) -> Any:
        return (self._m[0], derive_seed(self._m, b"fold_in", d), None)

    def _payload(self) -> dict[str, Any]:
        device, seed, state = self._m
        return {
            "impl": self.impl,
            "device": device,
            "seed": seed,
            "state": None if state is None else state.hex(),
            "batch": self._batch_payload(),
        }

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> TorchKey:
        state = p["state"]
        device = str(p["device"])
        try:
            torch.Generator(device=device)
        except RuntimeError as e:
            raise ValueError(f"torch key on device {device!r}, which is not available: {e}") from e
        material = (device, int(p["seed"]), None if state is None else bytes.fromhex(state))
        return cls._make(material, restore_index(p["batch"]))

    def _words(self, n: int) -> np.ndarray:
        w = torch.empty(n, dtype=torch.int64, device=self._m[0])
        return w.random_(0, 2**32, generator=self._generator()).cpu().numpy().astype(np.uint32)

    def __repr__(self) -> str:
        device, seed, state = self._m
        where = f"shape={self.shape}, " if self.shape else ""
        what = f"seed={seed}" if state is None else f"state of seed {seed}"
        return f"TorchKey({where}{what}, device={device!r})"

    # -- bridges --------------------------------------------------------------------------------
    def torch_generator(self, device: Any = None) -> torch.Generator:
        """The key's own generator (its stream) on its device; on another device
        ``manual_seed(seed)`` there (a key from a state snapshot: derived from its bits)."""
        self._single("torch_generator")
        if device is None or torch.device(device) == self.device:
            return self._generator()
        if self._m[2] is None:
            return torch.Generator(device=device).manual_seed(self._m[1])
        return derived_torch_generator(self._words(2), device)

    # -- samplers: torch's own ------------------------------------------------------------------
    def _empty(self, shape: tuple[int, ...], name: str) -> torch.Tensor:
        return torch.empty(shape, dtype=_DTYPES[name], device=self._m[0])

    def bits(
        self, shape: Any = (), dtype: Any = "uint32", *, xp: Any = None, device: Any = None
    ) -> Any:
        """``random_(0, 2**w)`` on int64, cast; uint64: ``(hi << 32) | lo`` of two 32-bit draws."""
        self._single("bits")
        shape, name = _shape(shape), uint_name(dtype)
        gen = self._generator()
        w = min(int(name[4:]), 32)
        if name == "uint64":
            two = torch.empty((*shape, 2), dtype=torch.int64, device=self._m[0])
            two.random_(0, 2**32, generator=gen)
            out = ((two[..., 0] << 32) | two[..., 1]).view(torch.uint64)
        else:
            out = torch.empty(shape, dtype=torch.int64, device=self._m[0])
            out = out.random_(0, 2**w, generator=gen).to(_DTYPES[name])
        return convert(out, "torch", xp, device)

    def uniform(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        minval: Any = 0.0,
        maxval: Any = 1.0,
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """``Tensor.uniform_(minval, maxval)``; array bounds ``lo + (hi - lo) * uniform_(0, 1)``."""
        self._single("uniform")
        shape, name = _shape(shape), float_name(dtype)
        out = self._empty(shape, name)
        if _is_number(minval) and _is_number(maxval):
            out.uniform_(float(minval), float(maxval), generator=self._generator())
        else:
            lo, hi = (_tensor(v, out, "minval/maxval").to(out.dtype) for v in (minval, maxval))
            check_bounds(shape, lo, hi)
            out = lo + (hi - lo) * out.uniform_(0.0, 1.0, generator=self._generator())
        return convert(out, "torch", xp, device)

    def normal(
        self, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
    ) -> Any:
        """``torch.randn(shape, generator=...)``."""
        self._single("normal")
        shape, name = _shape(shape), float_name(dtype)
        out = torch.randn(
            shape, generator=self._generator(), dtype=_DTYPES[name], device=self._m[0]
        )
        return convert(out, "torch", xp, device)

    def exponential(
        self, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
    ) -> Any:
        """``Tensor.exponential_(1.0)``."""
        self._single("exponential")
        shape, name = _shape(shape), float_name(dtype)
        out = self._empty(shape, name).exponential_(1.0, generator=self._generator())
        return convert(out, "torch", xp, device)

    def gumbel(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        mode: str = "low",
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """``-log(exponential_(1.0))`` (torch has no Gumbel sampler); ``mode`` is unused."""
        self._single("gumbel")
        shape, name = _shape(shape), float_name(dtype)
        check_mode(mode, "gumbel")
        out = self._gumbel(self._generator(), shape, name)
        return convert(out, "torch", xp, device)

    def _gumbel(self, gen: torch.Generator, shape: tuple[int, ...], name: str) -> torch.Tensor:
        return -torch.log(self._empty(shape, name).exponential_(1.0, generator=gen))

    def bernoulli(
        self,
        p: Any = 0.5,
        shape: Any = None,
        *,
        mode: str = "low",
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """``torch.bernoulli(p broadcast to shape)`` as bool; ``mode`` is unused."""
        self._single("bernoulli")
        check_mode(mode, "bernoulli")
        parr = _tensor(p, self._empty((), "float32"), "p")
        shape = tuple(parr.shape) if shape is None else _shape(shape)
        check_bounds(shape, parr)
        probs = torch.broadcast_to(parr, shape).contiguous()
        out = torch.bernoulli(probs.clamp(0, 1).nan_to_num(0.0), generator=self._generator())
        return convert(out.bool(), "torch", xp, device)

    def categorical(
        self,
        logits: Any,
        axis: int = -1,
        shape: Any = None,
        *,
        replace: bool = True,
        mode: str = "low",
        xp: Any = None,
        device: Any = None,
    ) -> Any:
        """Gumbel-max over ``-log(exponential_())`` noise, JAX's shape rules; int64 indices."""
        self._single("categorical")
        check_mode(mode, "gumbel")
        arr = _tensor(logits, self._empty((), "float32"), "logits")
        axis, prefix, noise_shape, k = categorical_plan(tuple(arr.shape), axis, shape, replace)
        name = str(arr.dtype).rsplit(".", 1)[-1]
        noise = self._gumbel(self._generator(), noise_shape, name)
        if replace:
            out = torch.argmax(noise + arr[(None,) * len(prefix)], dim=len(prefix) + axis)
        else:
            noisy = torch.movedim(arr + noise, axis, -1)
            top = torch.topk(noisy, k, dim=-1).indices
            out = torch.movedim(top, -1, 0).reshape((*prefix, *top.shape[:-1]))
        return convert(out.to(torch.int64), "torch", xp, device)


def _shape(shape: Any) -> tuple[int, ...]:
    from .._validation import as_shape

    return as_shape(shape)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _tensor(value: Any, like: torch.Tensor, argument: str) -> torch.Tensor:
    """A float tensor of ``value`` on ``like``'s device.

    Tensors and float arrays keep their dtype; Python numbers, lists and integer arrays become
    ``like``'s dtype (float32), as ``p`` and ``logits`` are in JAX.
    """
    if isinstance(value, torch.Tensor):
        t = value.to(like.device)
        if t.dtype == torch.bool or t.is_complex():
            raise TypeError(f"{argument} must be a real number or array; got dtype {t.dtype}")
        return t if t.is_floating_point() else t.to(like.dtype)
    from . import by_name, to_numpy

    a = np.asarray(to_numpy(value))
    if a.dtype.kind not in "fiu":
        raise TypeError(f"{argument} must be a real number or array; got dtype {a.dtype}")
    if a.dtype.kind == "f" and not isinstance(value, (int, float, list, tuple)):
        return by_name("torch").from_numpy(np.ascontiguousarray(a), like.device)
    return torch.as_tensor(a, dtype=like.dtype, device=like.device)
