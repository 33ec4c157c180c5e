"""``classroom``: nbgitpuller links that open the course on a JupyterHub.

``python -m tools classroom --hub https://hub.example.org`` prints one link per chapter
folder and one for ``exercises/learner``. Clicking a link makes the hub clone the course repository
(``repository.url`` in ``_config.yml``, or ``--repo``) into the student's home folder on the first
click, or merge in the instructor's new commits on later clicks, then open the folder in JupyterLab.

The links are the ones nbgitpuller's own link generator builds, in its documented format
(https://nbgitpuller.readthedocs.io/en/latest/link.html; ``docs/_static/link_gen/link.js`` in
jupyterhub/nbgitpuller). This command adds the course's folder list and needs no network::

    <hub>/hub/user-redirect/git-pull?repo=<repo>&urlpath=lab/tree/<repo name>/<folder>&branch=<branch>

with every parameter URL-encoded. ``urlpath`` includes the clone's folder name (the last part of
the repository URL), because it is relative to the student's home folder. nbgitpuller never
overwrites a student's edits: where a student and the instructor changed the same lines, the
student's version is kept (nbgitpuller docs, "Automatic Merging Behavior").
"""

from __future__ import annotations

import re
import sys
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from failurelab.validation import fail

from .course import ROOT, chapters_from_toc, repository_url

LEARNER_FOLDER = "exercises/learner"
PULL_PATH = "hub/user-redirect/git-pull"
# git check-ref-format, simplified: no spaces, "..", "~^:?*[\\", and no leading "-" or "/"
_BAD_BRANCH = re.compile(r"(\s|\.\.|[~^:?*\[\\]|^[-/]|/$|\.lock$|^$)")


def hub_base(hub: str) -> str:
    """The hub's base URL, ending in "/" (a trailing ``hub/`` or ``hub/home`` is dropped)."""
    if not isinstance(hub, str) or not hub.strip():
        raise ValueError("give the JupyterHub address, e.g. --hub https://hub.example.org")
    parts = urlsplit(hub.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the hub address must start with https:// (or http://), got {hub!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"give the hub's base address without '?' or '#' parts, got {hub!r}")
    path = parts.path.rstrip("/")
    for suffix in ("/hub/home", "/hub/login", "/hub"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    return urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))


def repo_folder(repo: str) -> str:
    """The folder ``git clone <repo>`` creates: the URL's last part without ``.git``."""
    if not isinstance(repo, str):
        fail("the repository must be a URL string")
    name = urlsplit(repo).path.rstrip("/").rsplit("/", 1)[-1]
    name = name.removesuffix(".git")
    if not repo.startswith(("https://", "file://")) or not name:  # file://: the test hub's local repo
        raise ValueError(f"the repository must be an https:// URL ending in its name, got {repo!r}")
    return name


def check_branch(branch: str) -> str:
    """``branch`` if it is a plausible git branch name, else ValueError."""
    if not isinstance(branch, str) or _BAD_BRANCH.search(branch):
        raise ValueError(f"not a git branch name: {branch!r}")
    return branch


def nbgitpuller_link(hub: str, repo: str, folder: str, branch: str = "main") -> str:
    """A link that pulls ``repo`` (``branch``) onto ``hub`` and opens ``folder`` in JupyterLab."""
    folder = str(PurePosixPath(folder)).strip("/")
    if not folder or folder == "." or ".." in PurePosixPath(folder).parts:
        raise ValueError(f"the folder must be a path inside the repository, got {folder!r}")
    urlpath = f"lab/tree/{repo_folder(repo)}/{folder}"
    query = urlencode({"repo": repo, "urlpath": urlpath, "branch": check_branch(branch)},
                      quote_via=quote, safe="")
    return f"{hub_base(hub)}{PULL_PATH}?{query}"


def course_folders(root=ROOT) -> list[str]:
    """The folders students open: each chapter folder in ``_toc.yml`` order, then the learner copies."""
    root = Path(root)
    chapters = [c.notebooks[0].parent.relative_to(root).as_posix()
                for c in chapters_from_toc(root / "_toc.yml")]
    return chapters + [LEARNER_FOLDER]


def links(hub: str, branch: str = "main", repo: str | None = None, root=ROOT) -> dict[str, str]:
    """{folder: nbgitpuller link} for every course folder."""
    repo = repo or repository_url(root)
    return {folder: nbgitpuller_link(hub, repo, folder, branch) for folder in course_folders(root)}


def register(sub):
    p = sub.add_parser("classroom", help="print nbgitpuller links that open the course on a JupyterHub",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("--hub", required=True, help="the JupyterHub's address, e.g. https://hub.example.org")
    p.add_argument("--branch", default="main", help="branch students get (default: %(default)s)")
    p.add_argument("--repo", default=None,
                   help="repository to pull (default: repository.url in _config.yml)")
    p.set_defaults(func=_run)


def _run(args):
    try:
        found = links(args.hub, args.branch, args.repo)
    except ValueError as exc:
        print(f"classroom: {exc}", file=sys.stderr)
        return 1
    width = max(map(len, found))
    for folder, link in found.items():
        print(f"{folder:<{width}}  {link}")
    return 0
