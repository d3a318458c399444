"""unirand: one functional random-number API whose streams agree across NumPy, PyTorch and JAX.

``unirand.key(seed)`` is a JAX-compatible Threefry-2x32 key; its ``bits`` and ``uniform``
streams equal ``jax.random``'s bit for bit on every backend.  Importing unirand imports neither
torch nor jax.  The layout of the package is docs/architecture.md.
"""

# unirand.distributed: shards of a global draw (a submodule, imports no framework)
from . import distributed as distributed
from ._version import __version__ as __version__
from .engine.compiled import engine_info as engine_info
from .keys.as_key import as_key as as_key
from .keys.operations import (
    PRNGKey as PRNGKey,
    clone as clone,
    fold_in as fold_in,
    key as key,
    key_data as key_data,
    key_impl as key_impl,
    split as split,
    wrap_key_data as wrap_key_data,
)
from .keys.protocol import Key as Key
from .keys.reuse import KeyReuseError as KeyReuseError, debug_key_reuse as debug_key_reuse
from .keys.serialize import key_from_json as key_from_json
from .samplers.bernoulli import bernoulli as bernoulli
from .samplers.bits import bits as bits
from .samplers.categorical import categorical as categorical
from .samplers.choice import choice as choice
from .samplers.dirichlet import dirichlet as dirichlet
from .samplers.discrete import (
    binomial as binomial,
    multinomial as multinomial,
    poisson as poisson,
)
from .samplers.exponential import exponential as exponential
from .samplers.gamma import gamma as gamma, loggamma as loggamma
from .samplers.gamma_family import (
    beta as beta,
    chisquare as chisquare,
    f as f,
    t as t,
)
from .samplers.generalized_normal import ball as ball, generalized_normal as generalized_normal
from .samplers.gumbel import gumbel as gumbel
from .samplers.linalg import multivariate_normal as multivariate_normal, orthogonal as orthogonal
from .samplers.normal import normal as normal
from .samplers.normal_transforms import (
    double_sided_maxwell as double_sided_maxwell,
    maxwell as maxwell,
    wald as wald,
)
from .samplers.permutation import permutation as permutation, shuffle as shuffle
from .samplers.randint import randint as randint
from .samplers.truncated_normal import truncated_normal as truncated_normal
from .samplers.uniform import uniform as uniform
from .samplers.uniform_transforms import (
    geometric as geometric,
    laplace as laplace,
    logistic as logistic,
    rademacher as rademacher,
    rayleigh as rayleigh,
    triangular as triangular,
)
from .samplers.xla_transforms import (
    cauchy as cauchy,
    lognormal as lognormal,
    pareto as pareto,
    weibull_min as weibull_min,
)
from .threefry_key import ThreefryKey as ThreefryKey

#: The version of the portable streams: 1 is the jax.random 0.10 specification of every sampler
#: (docs/compatibility.md).  Frozen: a change of any value would be a new version beside this one,
#: never a silent change; conformance/vectors/checksums.v1.json pins one value per sampler.
STREAM_VERSION = 1

__all__ = [
    "STREAM_VERSION",
    "engine_info",
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
    "poisson",
    "binomial",
    "multinomial",
    "split",
    "uniform",
    "cauchy",
    "pareto",
    "lognormal",
    "weibull_min",
    "gamma",
    "loggamma",
    "rademacher",
    "laplace",
    "logistic",
    "rayleigh",
    "geometric",
    "triangular",
    "wald",
    "maxwell",
    "double_sided_maxwell",
    "beta",
    "dirichlet",
    "chisquare",
    "f",
    "t",
    "generalized_normal",
    "ball",
    "multivariate_normal",
    "orthogonal",
    "PRNGKey",
    "key_impl",
    "clone",
    "wrap_key_data",
]
