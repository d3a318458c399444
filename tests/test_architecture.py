"""docs/architecture.md matches the tree: every module is named there, every path named exists.

"The tree" section has one bullet per package (its first backticked path, ``unirand/<pkg>/``),
naming each module of the package by its path relative to it (``numpy/chunks.py`` under
``unirand/backends/``); a subpackage with a bullet of its own is left to that bullet.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "architecture.md").read_text()
PACKAGE = ROOT / "unirand"


def _tree_bullets() -> list[str]:
    section = DOC.split("## The tree", 1)[1].split("\n## ", 1)[0]
    bullets = re.split(r"\n- ", "\n" + section)
    return [" ".join(b.split()) for b in bullets if b.strip().startswith("`unirand/")]


def _ticked(text: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", text))


def test_every_module_is_named_in_its_packages_bullet():
    bullets = {}
    for bullet in _tree_bullets():
        first = re.match(r"`(unirand/[^`]*)`", bullet).group(1)
        bullets[first] = bullet
    covered = {Path(p.rstrip("/")) for p in bullets if p.endswith("/")}
    missing = []
    for module in sorted(PACKAGE.rglob("*.py")):
        rel = module.relative_to(ROOT)
        if module.name == "__init__.py":  # packages re-export; their modules are the content
            continue
        owners = [d for d in covered if d in rel.parents]
        if not owners:  # a module at the top of unirand/: named by its full path
            if not any(f"`{rel.as_posix()}`" in b for b in bullets.values()):
                missing.append(rel.as_posix())
            continue
        owner = max(owners, key=lambda d: len(d.parts))
        inner = rel.relative_to(owner).as_posix()
        if inner not in _ticked(bullets[f"{owner.as_posix()}/"]):
            missing.append(rel.as_posix())
    assert not missing, f"modules not named in docs/architecture.md: {missing}"


def test_every_path_named_exists():
    named = {t for t in _ticked(DOC) if t.startswith(("unirand/", "tests/", "docs/", ".ci/"))}
    absent = sorted(t for t in named if not (ROOT / t.split(" ")[0]).exists())
    assert not absent, f"docs/architecture.md names paths that do not exist: {absent}"


def test_the_layers_are_the_contract():
    pyproject = (ROOT / "pyproject.toml").read_text()
    layers = re.search(r"layers = \[(.*?)\]", pyproject, re.S).group(1)
    names = re.findall(r'"([^"]+)"', layers)
    for layer in names:
        for name in layer.split(" | "):
            assert f"{name}" in DOC, name
    assert "```mermaid" in DOC
