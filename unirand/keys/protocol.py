"""The ``Key`` protocol: what every unirand key offers, portable or native, and third-party keys.

The functional forms (``unirand.normal(key, ...)``) accept any ``Key``: portable keys are
computed by unirand's samplers, every other key gets the call as its method.  This module is the
contract only; it imports nothing of unirand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["Key"]


@runtime_checkable
class Key(Protocol):
    """What every unirand key offers; ``isinstance(k, unirand.Key)`` holds for every kind.

    The contract (docs/adapters.md has the per-kind details):

    * A key is an immutable **value**: no method changes it, and sampling twice from one key
      gives the same numbers (as in JAX).  Native keys hold seed material, never a live
      generator, and build a fresh generator per call.
    * ``shape``: the batch shape (``()`` for a single key); ``impl``: a name, ``"threefry2x32"``
      (portable), ``"jax:<impl>"``, ``"numpy:<BitGenerator>"`` or ``"torch"``.
    * ``split(num)``: keys of shape ``(num,)`` (or the shape ``num``); ``fold_in(data)``: a key
      from an integer in ``[0, 2**32)``.  Both take single keys; children of ``split`` and of
      ``fold_in`` never coincide.
    * Samplers ``bits``, ``uniform``, ``normal``, ``exponential``, ``gumbel``, ``bernoulli``,
      ``categorical``, ``randint``, ``permutation``, ``shuffle``, ``choice``,
      ``truncated_normal`` take single keys and the keywords ``xp=``/``device=`` (where the
      result goes).  Each kind uses its library's own sampler where there is one and derives the
      others from its bits.  Portable keys give ``jax.random``'s numbers on every library;
      native keys give their library's numbers.
    * Sampling and ``split`` consume a key (see ``unirand.debug_key_reuse``); ``fold_in`` does
      not.
    * Every unirand key kind also has the bridges ``numpy_generator()``,
      ``torch_generator(device=None)``, ``jax_key()`` and ``to_json()``, and pickles exactly;
      they are not required of third-party keys.

    The functional forms (``unirand.normal(key, ...)``) accept any ``Key`` and call its methods
    for keys that are not portable, so a third-party key's methods must not call them back.
    Adding a sampler here obliges every key kind to have it: portable keys bind it from its one
    definition (``unirand/samplers/``), native keys define it once for every kind
    (``unirand/keys/native/methods.py``).
    """

    @property
    def shape(self) -> tuple[int, ...]: ...

    @property
    def impl(self) -> str: ...

    def split(self, num: int | Sequence[int] = 2) -> Key: ...

    def fold_in(self, data: int) -> Key: ...

    def bits(
        self, shape: Any = (), dtype: Any = "uint32", *, xp: Any = None, device: Any = None
    ) -> Any: ...

    def uniform(
        self, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
    ) -> Any: ...

    def normal(
        self, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
    ) -> Any: ...

    def exponential(
        self, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
    ) -> Any: ...

    def gumbel(
        self, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
    ) -> Any: ...

    def bernoulli(
        self, p: Any = 0.5, shape: Any = None, *, xp: Any = None, device: Any = None
    ) -> Any: ...

    def categorical(
        self, logits: Any, axis: int = -1, shape: Any = None, *, xp: Any = None, device: Any = None
    ) -> Any: ...

    def randint(
        self,
        shape: Any,
        minval: Any,
        maxval: Any,
        dtype: Any = "int32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def permutation(
        self,
        x: Any,
        axis: int = 0,
        independent: bool = False,
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def shuffle(self, x: Any, axis: int = 0, *, xp: Any = None, device: Any = None) -> Any: ...

    def choice(
        self,
        a: Any,
        shape: Any = (),
        replace: bool = True,
        p: Any = None,
        axis: int = 0,
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def truncated_normal(
        self,
        lower: Any,
        upper: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def poisson(
        self,
        lam: Any,
        shape: Any = None,
        dtype: Any = "int32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def binomial(
        self,
        n: Any,
        p: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def multinomial(
        self,
        n: Any,
        p: Any,
        *,
        shape: Any = None,
        dtype: Any = "float32",
        unroll: Any = 1,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def rademacher(
        self,
        shape: Any = (),
        dtype: Any = "int32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def laplace(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def logistic(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def rayleigh(
        self,
        scale: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def geometric(
        self,
        p: Any,
        shape: Any = None,
        dtype: Any = "int32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def triangular(
        self,
        left: Any,
        mode: Any,
        right: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def wald(
        self,
        mean: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def maxwell(
        self,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def double_sided_maxwell(
        self,
        loc: Any,
        scale: Any,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def cauchy(
        self, shape: Any = (), dtype: Any = "float32", *, xp: Any = None, device: Any = None
    ) -> Any: ...

    def pareto(
        self,
        b: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def lognormal(
        self,
        sigma: Any = 1.0,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def weibull_min(
        self,
        scale: Any,
        concentration: Any,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def gamma(
        self,
        a: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def loggamma(
        self,
        a: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def beta(
        self,
        a: Any,
        b: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def dirichlet(
        self,
        alpha: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def chisquare(
        self,
        df: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def f(
        self,
        dfnum: Any,
        dfden: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def t(
        self,
        df: Any,
        shape: Any = None,
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def generalized_normal(
        self,
        p: Any,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def ball(
        self,
        d: Any,
        p: Any = 2,
        shape: Any = (),
        dtype: Any = "float32",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def multivariate_normal(
        self,
        mean: Any,
        cov: Any,
        shape: Any = None,
        dtype: Any = None,
        method: str = "cholesky",
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...

    def orthogonal(
        self,
        n: Any,
        shape: Any = (),
        dtype: Any = "float32",
        m: Any = None,
        *,
        xp: Any = None,
        device: Any = None,
    ) -> Any: ...
