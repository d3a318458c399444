"""The conformance suite: the golden vectors and the NumPy cross-check as pytest tests.

Run it on any machine: ``pytest conformance/`` (every installed backend and device), narrowed
with ``--unirand-backends numpy,torch`` and ``--unirand-devices cuda:0``.  By default JAX, which
compiles per shape, replays the cases of a few shapes and runs its portable engine with x64
on only, as ``python -m unirand`` does; ``--unirand-full`` replays everything everywhere,
``--unirand-quick`` a few cases per column, ``--unirand-size N`` sets the cross-check size.
Expected deviations are listed with their reasons in ``xfails/<backend>.txt``; everything
else must be bitwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from unirand import _pytest_plugin
from unirand.report import cell as _cell, golden as _golden, plan as _plan
from unirand.report.targets import Target, discover, parse_names

XFAILS = Path(__file__).resolve().parent / "xfails"
#: what an xfail line may expect instead of bitwise equality (besides ``ulp<=N``)
EXCEPTIONS = {"TypeError": TypeError, "ValueError": ValueError}


@dataclass(frozen=True)
class Expectation:
    """One line of an xfail list: where it applies, what happens instead, and why."""

    backend: str  # the file's name
    column: str  # glob over report columns: */float16, normal/float64
    target: str  # glob over target ids: jax/*/x64-off, torch/*
    expect: str  # TypeError (the call raises it), ulp<=N or err<=X (a bounded difference)
    reason: str
    where: str  # file:line

    @property
    def max_ulp(self) -> int | None:
        return int(self.expect.removeprefix("ulp<=")) if self.expect.startswith("ulp<=") else None

    @property
    def max_err(self) -> float | None:
        """``err<=X`` (a float, or ``2**-N``): the error bound relative to max(1, |x|)."""
        if not self.expect.startswith("err<="):
            return None
        text = self.expect.removeprefix("err<=")
        if text.startswith("2**"):
            return 2.0 ** int(text.removeprefix("2**"))
        return float(text)

    @property
    def tolerance(self) -> tuple[int, float]:
        """What ``Diff.within`` accepts: (max ulp, max error)."""
        return (self.max_ulp or 0, self.max_err or 0.0)

    @property
    def raises(self) -> type[Exception] | None:
        return EXCEPTIONS.get(self.expect)

    def applies(self, target: Target, column: str) -> bool:
        return (
            target.backend == self.backend
            and fnmatchcase(column, self.column)
            and fnmatchcase(target.id, self.target)
        )


@cache
def read_xfails(folder: Path = XFAILS) -> tuple[Expectation, ...]:
    """Every line of ``folder/<backend>.txt``: ``COLUMN TARGET EXPECT REASON...``."""
    found = []
    for path in sorted(folder.glob("*.txt")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split(None, 3)
            e = (
                Expectation(path.stem, *fields, f"{path.name}:{number}")
                if len(fields) == 4
                else None
            )
            if e is None or (e.raises is None and e.max_ulp is None and e.max_err is None):
                raise ValueError(
                    f"{path.name}:{number}: want COLUMN TARGET EXPECT REASON, {line!r}"
                )
            found.append(e)
    return tuple(found)


def expectation(target: Target, column: str) -> Expectation | None:
    """The first xfail line that applies to a target and column; None: must be bitwise."""
    return next((e for e in read_xfails() if e.applies(target, column)), None)


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    registered = pluginmanager.has_plugin("unirand") or pluginmanager.is_registered(_pytest_plugin)
    if not registered:  # a source checkout, not pip-installed (no pytest11 entry point)
        pluginmanager.register(_pytest_plugin, "unirand")
    group = parser.getgroup("unirand")
    group.addoption("--unirand-full", action="store_true", help="every case on every JAX row")
    group.addoption("--unirand-quick", action="store_true", help="a few cases per column")
    group.addoption("--unirand-size", type=int, default=None, help="cross-check elements")


def options(config: pytest.Config) -> _plan.Options:
    return _plan.Options(
        backends=parse_names(config.getoption("--unirand-backends")),
        devices=parse_names(config.getoption("--unirand-devices")),
        quick=config.getoption("--unirand-quick"),
        full=config.getoption("--unirand-full"),
        size=config.getoption("--unirand-size"),
    )


_TARGETS = pytest.StashKey[list]()


def targets(config: pytest.Config) -> list[Target]:
    """The report's rows on this machine, found once per session."""
    if _TARGETS not in config.stash:
        opts = options(config)
        found, _ = discover(opts.backends, opts.devices, jax_variants=True)
        config.stash[_TARGETS] = [t for t in found if _plan.keep(t, opts)]
    return config.stash[_TARGETS]


def _param(target: Target, column: str, value: Any, ident: str) -> Any:
    """A test parameter with its xfail mark (an exception) or tolerance (ulp<=N, err<=X)."""
    e = expectation(target, column)
    marks = []
    if e is not None and e.raises is not None:
        reason = f"{e.reason} ({e.where})"
        marks.append(pytest.mark.xfail(raises=e.raises, strict=True, reason=reason))
    tolerance = e.tolerance if e is not None else (0, 0.0)
    return pytest.param(target, value, tolerance, id=ident, marks=marks)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``golden_case``: every selected case on every target; ``cross_check``: every column."""
    for name in ("golden_case", "cross_check"):
        if name not in metafunc.fixturenames:
            continue
        opts = options(metafunc.config)
        params = []
        for target in targets(metafunc.config):
            for column, cases in _plan.plan(_golden.load_all()[1]).items():
                if name == "golden_case":
                    params += [
                        _param(target, column, c, f"{target.id}|{c['name']}")
                        for c in _plan.select(target, cases, opts)
                    ]
                elif opts.cross_size > 0 and _cell.cross_checked(
                    target, column, _cell.template(cases)
                ):
                    check = (column, _cell.template(cases), opts.cross_size)
                    params.append(_param(target, column, check, f"{target.id}|{column}"))
        metafunc.parametrize(("target", name, "tolerance"), params)


@pytest.fixture
def xfail_lines() -> tuple[Expectation, ...]:
    """Every line of xfails/*.txt, parsed (a malformed line fails here)."""
    return read_xfails()


@pytest.fixture
def expectation_of() -> Any:
    """``expectation_of(target, column)``: the xfail line that applies, or None."""
    return expectation
