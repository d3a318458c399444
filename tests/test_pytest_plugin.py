"""The ``unirand_key`` fixture and the pytest-randomly seeder (``unirand/_pytest_plugin.py``).

What users rely on: a test's key depends on its node id and the base seed only, so it is the same
in every run, order and selection, and differs between tests; ``--unirand-seed`` and
pytest-randomly's ``--randomly-seed`` change it.  Each claim is checked in a pytester session
(in-process: the installed plugin is loaded from its ``pytest11`` entry point, as in users'
sessions).  This project's own suite runs with ``-p no:randomly`` (pyproject ``addopts``), so
pytest-randomly, when installed, is exercised only here.
"""

from __future__ import annotations

import importlib.metadata
import re

import pytest

import unirand
from unirand import _pytest_plugin

pytest_plugins = ["pytester"]

INNER = """
import pytest
import unirand


def _show(request, key):
    data = unirand.key_data(key)
    print(f"KEY {request.node.nodeid} {int(data[0])}:{int(data[1])}")


def test_one(request, unirand_key):
    _show(request, unirand_key)


def test_two(request, unirand_key):
    _show(request, unirand_key)


@pytest.mark.parametrize("n", [0, 1, 2])
def test_param(request, unirand_key, n):
    _show(request, unirand_key)
"""


def _keys(pytester: pytest.Pytester, *args: str) -> dict[str, str]:
    """Run the inner tests with ``args``; the key data each test printed, by node id."""
    result = pytester.runpytest("-s", "-q", "-p", "no:cacheprovider", *args)
    assert result.ret == 0, result.stdout.str()
    found = dict(re.findall(r"KEY (\S+) (\d+:\d+)$", result.stdout.str(), re.M))
    assert found, result.stdout.str()
    return found


def _expected(base_seed: int, nodeids) -> dict[str, str]:
    out = {}
    for nodeid in nodeids:
        data = unirand.key_data(_pytest_plugin.node_key(base_seed, nodeid))
        out[nodeid] = f"{int(data[0])}:{int(data[1])}"
    return out


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_inner=INNER)
    return pytester


def test_key_is_the_node_id_digest_and_stable_across_runs_and_selections(inner):
    first = _keys(inner, "-p", "no:randomly")
    assert len(first) == 5
    assert first == _expected(0, first)
    assert _keys(inner, "-p", "no:randomly") == first
    # selected alone, or after the others: the same key
    alone = _keys(inner, "-p", "no:randomly", "-k", "test_param and 2")
    assert alone == {"test_inner.py::test_param[2]": first["test_inner.py::test_param[2]"]}
    reordered = _keys(inner, "-p", "no:randomly", "test_inner.py::test_two", "test_inner.py")
    assert reordered == first


def test_keys_differ_between_tests(inner):
    keys = _keys(inner, "-p", "no:randomly")
    assert len(set(keys.values())) == len(keys) == 5


def test_unirand_seed_option_reseeds(inner):
    base = _keys(inner, "-p", "no:randomly")
    seeded = _keys(inner, "-p", "no:randomly", "--unirand-seed=5")
    assert seeded == _expected(5, base)
    assert set(seeded.values()).isdisjoint(base.values())


def test_seeder_records_the_seed_it_is_given():
    saved = _pytest_plugin._randomly_seed
    try:
        _pytest_plugin.reseed(1234)
        assert _pytest_plugin._randomly_seed == 1234
    finally:
        _pytest_plugin._randomly_seed = saved


def test_seeder_is_registered_for_pytest_randomly():
    try:
        dist = importlib.metadata.distribution("unirand")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("unirand is not installed (entry points come from the installed metadata)")
    eps = [e for e in dist.entry_points if e.group == "pytest_randomly.random_seeder"]
    assert [e.value for e in eps] == ["unirand._pytest_plugin:reseed"], (
        "stale metadata? reinstall: pip install -e ."
    )
    assert eps[0].load() is _pytest_plugin.reseed


def test_randomly_seed_reseeds_the_key(inner):
    """With pytest-randomly active: its seed is the base seed, whatever the shuffled order and
    its per-test reseeding; a run with the same seed gives the same keys, another seed others."""
    pytest.importorskip("pytest_randomly")
    first = _keys(inner, "-p", "randomly", "--randomly-seed=123")
    assert first == _expected(123, first)
    assert _keys(inner, "-p", "randomly", "--randomly-seed=123") == first
    other = _keys(inner, "-p", "randomly", "--randomly-seed=124")
    assert other == _expected(124, first)
    assert set(other.values()).isdisjoint(first.values())
    # --unirand-seed, given explicitly, wins over pytest-randomly's seed
    assert _keys(inner, "-p", "randomly", "--randomly-seed=123", "--unirand-seed=5") == (
        _expected(5, first)
    )
