"""nbgitpuller links (``python -m tools classroom``): parsed back and checked field by field."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from tools import classroom
from tools.__main__ import main

REPO_ROOT = classroom.ROOT
REPO = "https://github.com/train-to-failure/course"


def _parse(link):
    """(scheme, host, path, {parameter: value}) of a link; each parameter must occur once."""
    parts = urlsplit(link)
    query = parse_qs(parts.query, strict_parsing=True)
    assert all(len(v) == 1 for v in query.values()), query
    return parts.scheme, parts.netloc, parts.path, {k: v[0] for k, v in query.items()}


def test_link_carries_repo_branch_and_urlpath_exactly():
    link = classroom.nbgitpuller_link("https://hub.example.org", REPO, "chapters/02_evidence", "main")
    scheme, host, path, query = _parse(link)
    assert (scheme, host, path) == ("https", "hub.example.org", "/hub/user-redirect/git-pull")
    assert query == {"repo": REPO, "branch": "main",
                     "urlpath": "lab/tree/course/chapters/02_evidence"}


def test_every_parameter_value_is_percent_encoded():
    link = classroom.nbgitpuller_link("https://hub.example.org", REPO, "exercises/learner", "main")
    raw = urlsplit(link).query
    assert "repo=https%3A%2F%2Fgithub.com%2Ftrain-to-failure%2Fcourse" in raw
    assert "urlpath=lab%2Ftree%2Fcourse%2Fexercises%2Flearner" in raw
    assert raw.count("&") == 2 and raw.count("?") == 0 and "/" not in raw


def test_characters_that_would_break_a_query_survive_the_round_trip():
    repo = "https://git.example.org/group/my course.git"  # a space and .git
    link = classroom.nbgitpuller_link("https://hub.example.org/", repo, "chapters/a&b=c", "feat/x+y")
    _, _, _, query = _parse(link)
    assert query == {"repo": repo, "branch": "feat/x+y", "urlpath": "lab/tree/my course/chapters/a&b=c"}


@pytest.mark.parametrize("hub, base", [
    ("https://hub.example.org", "https://hub.example.org/"),
    ("https://hub.example.org/", "https://hub.example.org/"),
    ("https://hub.example.org/hub/", "https://hub.example.org/"),
    ("https://hub.example.org/hub/home", "https://hub.example.org/"),
    ("https://uni.example.edu/jupyter", "https://uni.example.edu/jupyter/"),
    ("http://localhost:8000", "http://localhost:8000/"),
])
def test_hub_base_url_forms(hub, base):
    assert classroom.hub_base(hub) == base
    path = urlsplit(classroom.nbgitpuller_link(hub, REPO, "chapters")).path
    assert path == urlsplit(base).path + "hub/user-redirect/git-pull"


def test_links_cover_every_chapter_folder_of_the_toc_and_the_learner_copies():
    toc = yaml.safe_load((REPO_ROOT / "_toc.yml").read_text())
    chapters = [e["file"].rsplit("/", 1)[0] for part in toc["parts"] for e in part["chapters"]
                if e["file"].startswith("chapters/") and e.get("sections")]
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"]
    found = classroom.links("https://hub.example.org", branch="main")
    assert list(found) == chapters + ["exercises/learner"] and len(chapters) == 4
    name = repo.rstrip("/").rsplit("/", 1)[-1]
    for folder, link in found.items():
        assert (REPO_ROOT / folder).is_dir()
        _, _, _, query = _parse(link)
        assert query == {"repo": repo, "branch": "main", "urlpath": f"lab/tree/{name}/{folder}"}


@pytest.mark.parametrize("hub", ["", "hub.example.org", "ftp://hub.example.org",
                                 "https://", "https://hub.example.org/?next=x", None])
def test_bad_hub_address_is_a_clear_error(hub):
    with pytest.raises(ValueError, match="hub"):
        classroom.hub_base(hub)


@pytest.mark.parametrize("branch", ["", "two words", "a..b", "-x", "x/", "x.lock", "a:b"])
def test_bad_branch_is_a_clear_error(branch):
    with pytest.raises(ValueError, match="branch"):
        classroom.nbgitpuller_link("https://hub.example.org", REPO, "chapters", branch)


@pytest.mark.parametrize("repo", ["git@github.com:a/b.git", "https://github.com/", 3])
def test_bad_repository_is_a_clear_error(repo):
    with pytest.raises(ValueError, match="repository"):
        classroom.nbgitpuller_link("https://hub.example.org", repo, "chapters")


@pytest.mark.parametrize("folder", ["", "/", "../outside", "chapters/../../x"])
def test_folder_outside_the_repository_is_refused(folder):
    with pytest.raises(ValueError, match="folder"):
        classroom.nbgitpuller_link("https://hub.example.org", REPO, folder)


def test_command_prints_one_link_per_folder(capsys):
    assert main(["classroom", "--hub", "https://hub.example.org", "--branch", "main"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert all("/hub/user-redirect/git-pull?repo=" in line for line in lines)


def test_command_reports_a_bad_hub_without_a_traceback(capsys):
    assert main(["classroom", "--hub", "hub.example.org"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("classroom: ") and "https://" in err and "Traceback" not in err
