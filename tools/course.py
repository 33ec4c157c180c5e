"""The course manifest: where the repository is, what ``_toc.yml`` lists, what is pinned.

Every command reads these facts from here, so each is written once: the repository root, the
notebooks (all sources, and those of ``_toc.yml`` in reading order), the chapters, the public
repository address and the release the Colab bootstrap installs (``repository.url`` and
``course_release`` in ``_config.yml``), and the package pins (``requirements.txt`` and the lite
build's own). This module imports no other module of ``tools``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("book/*.ipynb", "chapters/*/*.ipynb", "exercises/*.ipynb", "exercises/nocode/*.ipynb")
# The JupyterLite build tools, installed into their own venv by `python -m tools lite`.
LITE_PACKAGES = ("jupyterlite-core==0.8.6", "jupyterlite-pyodide-kernel==0.8.6")
_PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)")
_RELEASE = re.compile(r"v\d+\.\d+\.\d+(?:[.-]?\w+)?|[0-9a-f]{40}")


@dataclass(frozen=True)
class Chapter:
    """A chapter of ``_toc.yml``: its folder name, title and notebooks in reading order."""

    name: str
    title: str
    notebooks: tuple[Path, ...]


def course_notebooks(root=ROOT):
    """The course's source notebooks (the answer page, chapters, exercises), in a stable order."""
    return sorted(p for pattern in SOURCES for p in Path(root).glob(pattern))


def toc_notebooks(root=ROOT):
    """Notebook paths listed in ``_toc.yml`` (the root page first), in reading order."""
    found = []

    def walk(entries):
        for entry in entries:
            path = Path(root) / f"{entry.get('file', '')}.ipynb"
            if "file" in entry and path.is_file():
                found.append(path)
            walk(entry.get("sections", []) + entry.get("chapters", []))

    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text())
    walk([{"file": toc["root"]}, *toc["parts"]])
    return found


def chapters_from_toc(toc=ROOT / "_toc.yml") -> list[Chapter]:
    """The chapters of ``_toc.yml`` (entries under ``chapters/``) that list notebooks."""
    toc = Path(toc)
    if not toc.is_file():
        raise ValueError(f"table of contents not found: {toc}")
    root = toc.parent
    data = yaml.safe_load(toc.read_text()) or {}
    entries = [c for part in data.get("parts", []) for c in part.get("chapters", [])]
    entries += data.get("chapters", [])
    chapters = []
    for entry in entries:
        file = entry.get("file", "")
        if not file.startswith("chapters/"):
            continue
        notebooks = tuple(root / f"{s['file']}.ipynb" for s in entry.get("sections", [])
                          if (root / f"{s['file']}.ipynb").is_file())
        if notebooks:
            chapters.append(Chapter(Path(file).parent.name, _title(root / f"{file}.md"), notebooks))
    return chapters


def _title(markdown: Path) -> str:
    if markdown.is_file():
        for line in markdown.read_text().splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return markdown.parent.name


def _config(root=ROOT) -> dict:
    return yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8")) or {}


def repository_url(root=ROOT) -> str:
    """``repository.url`` from ``_config.yml``: the launch buttons, Colab and nbgitpuller use it."""
    url = (_config(root).get("repository") or {}).get("url", "")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise ValueError(f"_config.yml: repository.url must be an https:// address, got {url!r}")
    return url


def course_release(root=ROOT) -> str:
    """``course_release`` from ``_config.yml``: the tag (``v0.1.0``) or 40-hex commit Colab installs."""
    release = str(_config(root).get("course_release", ""))
    if not _RELEASE.fullmatch(release):
        raise ValueError("_config.yml: course_release must be a release tag such as v0.1.0 or a "
                         f"40-hex commit, got {release!r}")
    return release


def pinned_versions(root=ROOT, names=None) -> dict[str, str]:
    """``{package: version}`` as pinned in ``requirements.txt`` (every pin, or only ``names``)."""
    pins = {}
    for line in (Path(root) / "requirements.txt").read_text().splitlines():
        m = _PIN.match(line.strip())
        if m:
            pins[m[1].lower().replace("_", "-")] = m[2]
    return pins if names is None else {name: pins[name] for name in names if name in pins}
