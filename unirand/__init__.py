"""unirand: one functional random-number API whose streams agree across NumPy, PyTorch and JAX.

``unirand.key(seed)`` is a JAX-compatible Threefry-2x32 key; its ``bits`` and ``uniform``
streams equal ``jax.random``'s bit for bit on every backend.  Importing unirand imports neither
torch nor jax.
"""

from ._api import (
    bits as bits,
    fold_in as fold_in,
    key as key,
    key_data as key_data,
    normal as normal,
    split as split,
    uniform as uniform,
    wrap_key_data as wrap_key_data,
)
from ._distributions import (
    bernoulli as bernoulli,
    categorical as categorical,
    exponential as exponential,
    gumbel as gumbel,
)
from ._key import Key as Key, ThreefryKey as ThreefryKey
from ._permutation import choice as choice, permutation as permutation, shuffle as shuffle
from ._randint import randint as randint
from ._truncated_normal import truncated_normal as truncated_normal
from ._version import __version__ as __version__
from .keys.as_key import as_key as as_key
from .keys.reuse import KeyReuseError as KeyReuseError, debug_key_reuse as debug_key_reuse
from .keys.serialize import key_from_json as key_from_json

__all__ = [
    "Key",
    "KeyReuseError",
    "ThreefryKey",
    "__version__",
    "as_key",
    "bernoulli",
    "bits",
    "categorical",
    "choice",
    "debug_key_reuse",
    "exponential",
    "fold_in",
    "gumbel",
    "key",
    "key_data",
    "key_from_json",
    "normal",
    "permutation",
    "randint",
    "shuffle",
    "truncated_normal",
    "split",
    "uniform",
    "wrap_key_data",
]
