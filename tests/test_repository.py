"""The repository speaks of the course alone, and its tests stay independent of each other.

Text, comments and tests cite papers and the repository's own files, never documents the
repository does not contain or how the course came to be; the claims chapter presents the
text it checks as "a typical evidence summary".
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".py", ".md", ".ipynb", ".csv", ".json", ".bib", ".yml", ".yaml", ".cff", ".txt",
                 ".in", ".toml", ".cfg", ""}
# Documents outside the repository, and words about where the course came from.
FORBIDDEN = re.compile(
    r"fact[-_ ]check[.]md|models[.]md|DESIGN[.]md|toolchain[-_ ]notes|shared/(sources|reviews)/"
    r"|commission|\bthe (course )?brief\b|\bcourse brief\b",
    re.IGNORECASE,
)


def tracked_text_files():
    listed = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    skip = ("book/_vendor/", "tests/_vendor/", "tests/test_repository.py")
    return [p for p in listed if Path(p).suffix in TEXT_SUFFIXES and not p.startswith(skip)
            and (REPO_ROOT / p).is_file()]


def test_no_text_points_outside_the_repository_or_at_the_course_s_origin():
    found = []
    for rel in tracked_text_files():
        text = (REPO_ROOT / rel).read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if FORBIDDEN.search(line):
                found.append(f"{rel}:{number}: {line.strip()[:120]}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("line, bad", [
    ("see shared/sources/fact-check.{}, section 6".format("md"), True),
    ("The brief says 0.34", True),
    ("Claims of the course brief", True),
    ("a typical evidence summary", False),
    ("a brief isometric contraction", False),
])
def test_the_pattern_catches_what_it_should(line, bad):
    assert bool(FORBIDDEN.search(line)) is bad


def test_no_test_module_imports_another():
    tests = {p.stem for p in (REPO_ROOT / "tests").glob("test_*.py")} | {"conftest"}
    found = []
    for path in sorted((REPO_ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{path.name} imports {n}" for n in names if n.split(".")[0] in tests]
    assert not found, found
