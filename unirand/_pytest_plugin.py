"""unirand's pytest plugin: the ``unirand_backend`` and ``unirand_key`` fixtures.

Registered through the ``pytest11`` entry point, so pytest loads it in every session of anyone
who installs unirand: loading it imports unirand (and NumPy) but no other array library; those
are looked for only when a test asks for ``unirand_backend``.  Missing libraries are not an
error; they are simply not among the parameters.

``unirand_key`` is a portable key derived from the test's node id (the pytest-rng convention):
a test gets the same key in every run, whatever the order, the selection (``-k``, ``-x``,
xdist workers) or the other tests, and two tests get unrelated keys.  Its base seed is
``--unirand-seed``, else the seed pytest-randomly hands to ``reseed`` (the
``pytest_randomly.random_seeder`` entry point) at the start of the session, so that
``--randomly-seed=N`` (and ``last``) reseeds it together with ``random`` and NumPy; else 0.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from unirand.threefry_key import ThreefryKey

_TARGETS = pytest.StashKey[list[Any]]()
_BASE_SEED = pytest.StashKey[int]()

#: The last seed pytest-randomly passed to ``reseed`` in this session (None: none yet).  It calls
#: the seeder at session start with ``--randomly-seed`` and again around every test with per-test
#: offsets; only the first is the session's seed, so it is read once, at ``pytest_sessionstart``.
_randomly_seed: int | None = None


def reseed(seed: int) -> None:
    """pytest-randomly's ``random_seeder`` entry point: it calls every such function with its
    seed.  Recorded here; ``unirand_key`` takes the session's one as its base seed."""
    global _randomly_seed
    _randomly_seed = int(seed)


def node_key(base_seed: int, nodeid: str) -> ThreefryKey:
    """The key ``unirand_key`` gives the test ``nodeid``: ``unirand.key(base_seed)`` with the
    two halves of a 64-bit BLAKE2b digest of the node id folded in.  A digest, not ``hash()``,
    because ``hash`` of a string changes with every interpreter (``PYTHONHASHSEED``)."""
    import unirand

    digest = hashlib.blake2b(nodeid.encode(), digest_size=8, person=b"unirand.pytest").digest()
    key = unirand.key(base_seed % 2**64)
    for half in (digest[:4], digest[4:]):
        key = unirand.fold_in(key, int.from_bytes(half, "little"))
    return key


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
    group.addoption(
        "--unirand-seed",
        type=int,
        default=None,
        help="base seed of the unirand_key fixture (default: pytest-randomly's seed when it "
        "is active, else 0)",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _randomly_seed
    _randomly_seed = None  # a new session (pytester runs several in one process)
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


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """After pytest-randomly's own ``pytest_sessionstart`` (``tryfirst``), which calls
    ``reseed`` with the session's seed: that seed, unless ``--unirand-seed`` is given."""
    seed = session.config.getoption("--unirand-seed", None)
    if seed is None:
        seed = 0 if _randomly_seed is None else _randomly_seed
    session.config.stash[_BASE_SEED] = seed


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


@pytest.fixture
def unirand_key(request: pytest.FixtureRequest) -> ThreefryKey:
    """A portable key for this test, derived from its node id and the session's base seed
    (``--unirand-seed``, pytest-randomly's ``--randomly-seed``, else 0): the same in every run
    and order, different for every test."""
    return node_key(request.config.stash.get(_BASE_SEED, 0), request.node.nodeid)
