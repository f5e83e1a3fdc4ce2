"""Imports go one way, admin → bot → storage → flows, and flows does no I/O: read from the source
of every module (function-level imports included), so a shortcut cannot hide in a function."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("admin", "bot", "storage", "flows")
"""Outermost first: a package may import those after it, never those before it."""
IO_MODULES = frozenset(
    {
        "aiohttp",
        "aiosqlite",
        "asyncio",
        "asyncpg",
        "glob",
        "http",
        "httpx",
        "io",
        "os",
        "pathlib",
        "py_vapid",
        "pywebpush",
        "redis",
        "requests",
        "shutil",
        "socket",
        "sqlalchemy",
        "sqlite3",
        "ssl",
        "starlette",
        "subprocess",
        "telegram",
        "tempfile",
        "urllib",
        "uvicorn",
    }
)
"""Network, database and filesystem libraries: the pure domain uses none of them."""


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def opens_files(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(), str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("open", "__import__")
    ]


def offences(package: str) -> list[str]:
    outer = LAYERS[: LAYERS.index(package)]
    found = []
    for path in modules(package):
        for line, name in imported(path):
            top = name.split(".")[0]
            if top in outer:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
            elif package == "flows" and top in IO_MODULES:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name} (I/O)")
        if package == "flows":
            found += [f"{path.relative_to(ROOT)}:{line} opens a file" for line in opens_files(path)]
    return found


@pytest.mark.parametrize("package", LAYERS[1:])
def test_no_package_imports_one_outside_it(package: str) -> None:
    assert offences(package) == []


def test_the_check_sees_a_forbidden_import_even_inside_a_function(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def later():\n    from admin.web import Console\n    import httpx\n    open('x')\n")
    assert [name for _, name in imported(sneaky)] == ["admin.web", "httpx"]
    assert opens_files(sneaky) == [4]


def test_every_package_is_checked() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages == set(LAYERS)
    assert all(modules(package) for package in LAYERS)
