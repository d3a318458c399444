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
import operator
from typing import Any

import numpy as np
import torch

from ..bridges import GENERATOR_DEVICES, derived_torch_generator, generator_device
from ..payload import check_header, field, field_error, field_int
from ..validation import is_integer
from .indexed import IndexedKey, restore_index
from .torch_draws import TorchDraws

__all__ = ["TorchKey", "derive_seed", "generator_device"]


def _generator_on(device: Any) -> torch.Generator:
    """A generator on the payload's ``device``: a canonical device string of a type that draws
    numbers and that this torch has."""
    expected = f"a torch device name of type {', '.join(GENERATOR_DEVICES)}, available here"
    if not isinstance(device, str):
        raise field_error("device", expected, device)
    try:
        parsed = torch.device(device)
    except (RuntimeError, ValueError):
        raise field_error("device", expected, device) from None
    if parsed.type not in GENERATOR_DEVICES or str(parsed) != device:
        raise field_error("device", expected, device)
    try:
        return torch.Generator(device=device)
    except (RuntimeError, AssertionError) as e:  # AssertionError: torch without CUDA
        raise field_error("device", f"{expected} ({e})", device) from None


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


class TorchKey(TorchDraws, IndexedKey):
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
        if not is_integer(seed):
            raise TypeError(f"seed must be an integer; got {type(seed).__name__} {seed!r}")
        seed = operator.index(seed)
        if not 0 <= seed < 2**64:
            raise ValueError(f"seed must be in [0, 2**64); got {seed}")
        return cls._make((generator_device(device), seed, None))

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
        """The key of a payload; every field is checked (``ValueError`` naming it)."""
        check_header(p, "torch")
        device = field(p, "device")
        gen = _generator_on(device)
        seed = field_int(field(p, "seed"), "seed", 0, 2**64)
        state: Any = field(p, "state")
        if state is not None:
            size = len(gen.get_state())
            expected = f"null or the hex of {size} bytes (get_state() on {device})"
            try:
                state = bytes.fromhex(state) if isinstance(state, str) else None
            except ValueError:
                state = None
            if state is None or len(state) != size:
                raise field_error("state", expected, p["state"])
            try:
                gen.set_state(torch.frombuffer(bytearray(state), dtype=torch.uint8))
            except RuntimeError as e:
                raise field_error("state", f"{expected}, a valid state ({e})", p["state"]) from None
        return cls._make((device, seed, state), restore_index(field(p, "batch")))

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
        if device is not None:
            device = generator_device(device)
        if device is None or torch.device(device) == self.device:
            return self._generator()
        if self._m[2] is None:
            return torch.Generator(device=device).manual_seed(self._m[1])
        return derived_torch_generator(self._words(2), device)

    # -- the draws: torch's own samplers are the hooks of :class:`.torch_draws.TorchDraws` ----
    def _source(self) -> torch.Generator:
        return self._generator()
