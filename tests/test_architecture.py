"""The layers of DESIGN.md, kept by import-linter: a broken contract fails the build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "domain", "db", "locales")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_of_the_tree(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("handlers/flow.py", "import sqlalchemy", "handlers is not allowed to import sqlalchemy"),
        ("handlers/flow.py", "import bot.config", "handlers.flow -> bot.config"),
        ("domain/arabic.py", "import db.models", "domain.arabic -> db.models"),
        ("db/models.py", "import handlers.messages", "db.models -> handlers.messages"),
    ],
)
def test_a_broken_contract_is_caught(copy_of_the_tree, module, line, broken):
    with (copy_of_the_tree / module).open("a", encoding="utf-8") as source:
        source.write(f"\n{line}  # noqa\n")
    result = lint_imports(copy_of_the_tree)
    assert result.returncode != 0
    assert broken in result.stdout
