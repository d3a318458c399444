"""``import unirand`` imports no backend it does not need; the public names stay as documented."""

from __future__ import annotations

import subprocess
import sys

import unirand


def test_import_loads_neither_torch_nor_jax():
    code = (
        "import sys, unirand; k = unirand.key(1); unirand.uniform(k, (3,)); unirand.split(k);"
        "bad = [m for m in ('torch', 'jax', 'array_api_strict', 'cupy') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_names():
    assert sorted(unirand.__all__) == sorted(
        [
            "Key",
            "KeyReuseError",
            "STREAM_VERSION",
            "ThreefryKey",
            "__version__",
            "as_key",
            "bernoulli",
            "binomial",
            "bits",
            "categorical",
            "cauchy",
            "choice",
            "debug_key_reuse",
            "engine_info",
            "exponential",
            "fold_in",
            "gamma",
            "gumbel",
            "key",
            "key_data",
            "key_from_json",
            "loggamma",
            "lognormal",
            "multinomial",
            "normal",
            "pareto",
            "permutation",
            "poisson",
            "randint",
            "shuffle",
            "truncated_normal",
            "split",
            "uniform",
            "weibull_min",
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
    )
    for name in unirand.__all__:
        assert hasattr(unirand, name)


def test_py_typed_ships():
    from importlib.resources import files

    assert files("unirand").joinpath("py.typed").is_file()
