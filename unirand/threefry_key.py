"""``ThreefryKey``: the portable key as users see it, its data plus one method per sampler.

The key's data, shape, indexing, ``split``/``fold_in``, bridges and value semantics are
:class:`unirand.keys.portable.PortableKey`, which the samplers are written against.  This class
sits above the samplers and binds each of them as a method with :class:`method`: ``key.normal``
*is* ``unirand.normal`` with the key as first argument, one definition, so nothing below imports
back up and type checkers and IDEs see every method with its exact signature.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from .keys.portable import PortableKey, public_class
from .samplers.bernoulli import bernoulli
from .samplers.bits import bits
from .samplers.categorical import categorical
from .samplers.choice import choice
from .samplers.dirichlet import dirichlet
from .samplers.discrete import binomial, multinomial, poisson
from .samplers.exponential import exponential
from .samplers.gamma import gamma, loggamma
from .samplers.gamma_family import beta, chisquare, f, t
from .samplers.generalized_normal import ball, generalized_normal
from .samplers.gumbel import gumbel
from .samplers.linalg import multivariate_normal, orthogonal
from .samplers.normal import normal
from .samplers.normal_transforms import double_sided_maxwell, maxwell, wald
from .samplers.permutation import permutation, shuffle
from .samplers.randint import randint
from .samplers.truncated_normal import truncated_normal
from .samplers.uniform import uniform
from .samplers.uniform_transforms import (
    geometric,
    laplace,
    logistic,
    rademacher,
    rayleigh,
    triangular,
)
from .samplers.xla_transforms import cauchy, lognormal, pareto, weibull_min

__all__ = ["ThreefryKey", "method"]

P = ParamSpec("P")
R = TypeVar("R")


class method(Generic[P, R]):  # lower case: used like ``property``
    """A function ``fn(key, *args)`` as a method: ``key.name(*args)`` calls ``fn(key, *args)``.

    On the class it is ``fn`` itself; on a key it is ``fn`` bound to the key, typed as ``fn``
    without its first parameter (``ParamSpec``), so ``key.normal(shape, dtype, *, xp, device)``
    is checked like ``unirand.normal(key, shape, dtype, *, xp, device)``.
    """

    def __init__(self, fn: Callable[Concatenate[Any, P], R]) -> None:
        self.fn = fn
        self.__doc__ = fn.__doc__
        self.__wrapped__ = fn

    def __set_name__(self, owner: type, name: str) -> None:
        if name != self.fn.__name__:
            raise TypeError(f"method {name!r} binds the function {self.fn.__name__!r}")

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Callable[Concatenate[Any, P], R]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> Callable[P, R]: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        if obj is None:
            return self.fn
        return types.MethodType(self.fn, obj)


@public_class
class ThreefryKey(PortableKey):
    """A JAX-compatible Threefry-2x32 key whose streams are ``jax.random``'s on every backend."""

    __slots__ = ()

    # -- the samplers, one line each (unirand/samplers/sampler.py: how to add one) -------------
    bits = method(bits)
    uniform = method(uniform)
    normal = method(normal)
    bernoulli = method(bernoulli)
    exponential = method(exponential)
    gumbel = method(gumbel)
    categorical = method(categorical)
    randint = method(randint)
    permutation = method(permutation)
    shuffle = method(shuffle)
    choice = method(choice)
    truncated_normal = method(truncated_normal)
    poisson = method(poisson)
    binomial = method(binomial)
    multinomial = method(multinomial)
    cauchy = method(cauchy)
    pareto = method(pareto)
    lognormal = method(lognormal)
    weibull_min = method(weibull_min)
    gamma = method(gamma)
    loggamma = method(loggamma)
    rademacher = method(rademacher)
    laplace = method(laplace)
    logistic = method(logistic)
    rayleigh = method(rayleigh)
    geometric = method(geometric)
    triangular = method(triangular)
    wald = method(wald)
    maxwell = method(maxwell)
    double_sided_maxwell = method(double_sided_maxwell)
    beta = method(beta)
    dirichlet = method(dirichlet)
    chisquare = method(chisquare)
    f = method(f)
    t = method(t)
    generalized_normal = method(generalized_normal)
    ball = method(ball)
    multivariate_normal = method(multivariate_normal)
    orthogonal = method(orthogonal)
