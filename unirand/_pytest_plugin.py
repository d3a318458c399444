"""unirand's pytest plugin: the ``unirand_backend`` fixture and ``--unirand-backends``.

Registered through the ``pytest11`` entry point, so pytest loads it in every session of anyone
who installs unirand: loading it imports unirand (and NumPy) but no other array library; those
are looked for only when a test asks for ``unirand_backend``.  Missing libraries are not an
error; they are simply not among the parameters.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

_TARGETS = pytest.StashKey[list]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("unirand", "unirand: the same random streams on every backend")
    group.addoption(
        "--unirand-backends",
        default=None,
        help="comma-separated backends for unirand_backend and assert_same_stream: numpy, "
        "torch, jax, array_api_strict, cupy (default: all installed)",
    )
    group.addoption(
        "--unirand-devices",
        default=None,
        help="comma-separated devices or platforms, e.g. cpu or cuda:0 (default: all)",
    )


def pytest_configure(config: pytest.Config) -> None:
    backends = config.getoption("--unirand-backends", None)
    devices = config.getoption("--unirand-devices", None)
    if backends or devices:
        from unirand import testing
        from unirand.report import targets as _targets

        names = _targets.parse_names(backends)
        unknown = sorted(set(names or ()) - set(_targets.KNOWN))
        if unknown:
            raise pytest.UsageError(
                f"--unirand-backends: unknown {unknown}; known: {', '.join(_targets.KNOWN)}"
            )
        testing._selected.update(backends=names, devices=_targets.parse_names(devices))


def pytest_unconfigure(config: pytest.Config) -> None:
    if config.getoption("--unirand-backends", None) or config.getoption("--unirand-devices", None):
        from unirand import testing

        testing._selected.update(backends=None, devices=None)


def _targets(config: pytest.Config) -> list[Any]:
    """Installed targets, found once per session (this imports torch/jax when installed)."""
    if _TARGETS not in config.stash:
        from unirand.testing import targets

        config.stash[_TARGETS] = targets()
    return config.stash[_TARGETS]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "unirand_backend" in metafunc.fixturenames:
        found = _targets(metafunc.config)
        metafunc.parametrize("unirand_backend", found, ids=[t.id for t in found], indirect=True)


@pytest.fixture
def unirand_backend(request: pytest.FixtureRequest) -> Iterator[Any]:
    """One installed backend/device: ``.xp`` (namespace), ``.device``, ``.key(seed)``, ``.id``."""
    target = getattr(request, "param", None)
    if target is None:
        pytest.skip("unirand_backend is parametrized by unirand's plugin only for tests")
    with target.active():
        yield target
