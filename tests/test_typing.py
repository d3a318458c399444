"""Type checkers see every key method with its exact signature (where mypy is installed).

``ThreefryKey``'s sampler methods are bound from the samplers' single definitions
(``unirand/threefry_key.py``); this checks that mypy reads them as methods without the key
parameter, and that keys made by ``split``/``fold_in``/indexing keep the public type.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

PROBE = textwrap.dedent(
    """
    import unirand

    k = unirand.key(0)
    reveal_type(k.normal)
    reveal_type(k.split(2)[0])
    reveal_type(unirand.fold_in(k, 3))
    k.choice(5, (2,), mode="high", xp="numpy")
    k.normal((3,), bogus=1)
    """
)


def test_mypy_sees_the_bound_methods(tmp_path, monkeypatch):
    api = pytest.importorskip("mypy.api")
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    monkeypatch.setenv("MYPYPATH", str(Path(__file__).resolve().parents[1]))  # this checkout
    out, err, status = api.run(
        [
            "--follow-imports=silent",
            "--ignore-missing-imports",
            "--no-incremental",
            "--cache-dir=/dev/null",
            str(probe),
        ]
    )
    lines = [line.split(": ", 1)[1] for line in out.splitlines() if ": " in line]
    assert (
        'note: Revealed type is "def (shape: Any =, dtype: Any =, *, xp: Any =, device: Any =, '
        'index: Any =, offset: Any =) -> Any"' in lines
    ), out
    assert lines.count('note: Revealed type is "unirand.threefry_key.ThreefryKey"') == 2, out
    assert 'error: Unexpected keyword argument "bogus"  [call-arg]' in lines, out
    assert sum("error" in line for line in lines) == 1, out
    assert status == 1, err
