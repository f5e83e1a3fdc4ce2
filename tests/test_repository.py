"""The repository stands on its own and stays readable: no module longer than a newcomer can hold
in mind (400 lines), and no text that sends the reader to a file the repository does not have."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ("admin", "bot", "storage", "flows", "bench", "tests")
LONGEST = 400
SKIPPED = {".venv", "vendor", "__pycache__", ".git", "node_modules"}
PROSE = ("README.md", "SECURITY.md", "docs")
PATH_IN_PROSE = re.compile(
    r"(?:`|\]\()([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.*-]+)*\.(?:py|md|toml|ini|js|png|cfg))[`)]"
)
"""A file named in backticks or as a link target: ``bot/cli.py``, ``[x](docs/flow.md)``."""
MODULE_IN_TEXT = re.compile(r"`((?:admin|bot|storage|flows|tests|bench)(?:\.[A-Za-z_]\w*)+)(?:\(\))?`")
"""A module (or a name in one) in backticks: ``bot.routing``, ``flows.lifecycle.Move``."""


def sources() -> list[Path]:
    found = []
    for package in CODE:
        for path in (ROOT / package).rglob("*.py"):
            if not SKIPPED & set(path.relative_to(ROOT).parts):
                found.append(path)
    return sorted(found)


def texts() -> list[Path]:
    found = [ROOT / name for name in PROSE if (ROOT / name).is_file()]
    found += sorted((ROOT / "docs").rglob("*.md"))
    return [*found, *sources(), ROOT / "pyproject.toml", ROOT / "Makefile"]


def test_no_module_is_longer_than_400_lines() -> None:
    assert len(sources()) > 100, "the walk found the code"
    long = {
        str(path.relative_to(ROOT)): lines
        for path in sources()
        if (lines := len(path.read_text().splitlines())) > LONGEST
    }
    assert not long, f"split these modules (at most {LONGEST} lines each): {long}"


def test_no_text_cites_the_design_brief_kept_outside() -> None:
    brief = "DESIGN" + ".md"  # spelled apart so this file does not cite it either
    citing = [str(p.relative_to(ROOT)) for p in texts() if brief in p.read_text()]
    assert brief not in Path(__file__).read_text()
    assert not citing


def test_every_file_the_documentation_names_exists() -> None:
    named: dict[str, str] = {}
    for document in texts():
        if document.suffix != ".md":
            continue
        for match in PATH_IN_PROSE.finditer(document.read_text()):
            named.setdefault(match.group(1), str(document.relative_to(ROOT)))
    assert "docs/flow.md" in named, "the pattern finds the files the README names"
    base = {name: where for name, where in named.items() if "*" not in name}
    missing = {
        name: where
        for name, where in base.items()
        if not (ROOT / name).exists() and not (ROOT / where).parent.joinpath(name).exists()
    }
    assert not missing, f"named but not in the repository: {missing}"


def test_every_module_the_text_names_exists() -> None:
    named: dict[str, str] = {}
    for document in texts():
        for match in MODULE_IN_TEXT.finditer(document.read_text()):
            named.setdefault(match.group(1), str(document.relative_to(ROOT)))
    assert "flows.lifecycle" in named, "the pattern finds the modules the text names"

    def exists(dotted: str) -> bool:
        package, module = dotted.split(".")[:2]
        path = ROOT / package / module
        return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()

    assert {name: where for name, where in named.items() if not exists(name)} == {}
