"""Live options of the online book: Binder, Colab and JupyterLite, checked as far as this machine allows.

- Every course notebook starts with the bootstrap cell (``tools/bootstrap.py``).
- Colab: the cell's Colab branch, run in a clean venv with a clone of this repository, installs a
  working package (slow: it downloads the dependencies from PyPI; runs when ``CI`` is set).
- Binder: repo2docker reads the repository as it is (Python from runtime.txt, requirements.txt).
- JupyterLite: ``python -m tools lite`` builds a site with every course notebook, the
  data and the failurelab wheel, and serves them.
- The built book's launch buttons point at those three targets for the page's own notebook.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import pytest
import tomllib
import yaml
from helpers import serve_directory

from tools import bootstrap, lite
from tools.course import course_notebooks, toc_notebooks

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO_URL = CONFIG["repository"]["url"]
ORG_REPO = REPO_URL.removeprefix("https://github.com/")
RELEASE = CONFIG["course_release"]
REPO2DOCKER = "jupyter-repo2docker==2026.4.0"
SAMPLE = "chapters/01_mechanism/01_size_principle"


def _slow(reason):
    """Run only when CI is set (or FAILURELAB_SLOW=1): these tests download from PyPI."""
    if not (os.environ.get("CI") or os.environ.get("FAILURELAB_SLOW")):
        pytest.skip(f"{reason}; runs when CI or FAILURELAB_SLOW is set")


# ---------------------------------------------------------------------------------------------
# The bootstrap cell
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", course_notebooks() + sorted((ROOT / "exercises/learner").glob("*.ipynb")),
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_starts_with_the_current_bootstrap_cell(path):
    nb = nbformat.read(path, as_version=4)
    assert bootstrap.is_current(nb, bootstrap.cell_source()), (
        f"{path.name}: run `python -m tools bootstrap` (then `learner`)")


def test_bootstrap_cell_names_the_configured_repository_and_is_idempotent():
    source = bootstrap.cell_source()
    assert f'"{REPO_URL}"' in source
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"),
                                         nbformat.v4.new_code_cell("x = 1")])
    once = bootstrap.apply(nb, source)
    twice = bootstrap.apply(once, source)
    assert [c.cell_type for c in twice.cells] == ["markdown", "code", "code"]
    assert twice.cells[1].source == source and twice.cells[2].source == "x = 1"
    assert bootstrap.is_current(twice, source)
    twice.cells[1].source += "\n# edited"
    assert not bootstrap.is_current(twice, source)
    twice.cells[1].execution_count = 1  # as executed in the notebook's one top-to-bottom run
    assert bootstrap.apply(twice, source).cells[1].execution_count == 1


def test_bootstrap_cell_installs_the_pinned_release_and_says_what_it_installs():
    """Colab fetches the tag or commit of _config.yml (course_release), never the default branch."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert RELEASE == f"v{version}" or re.fullmatch(r"[0-9a-f]{40}", RELEASE), RELEASE
    source = bootstrap.cell_source()
    assert f'COURSE_RELEASE = "{RELEASE}"' in source
    assert f"release {RELEASE} of {REPO_URL}" in source.splitlines()[1]  # the cell says what
    fetch = next(line for line in source.splitlines() if '"fetch"' in line)
    assert "COURSE_REPO, COURSE_RELEASE" in fetch and "clone" not in source


@pytest.mark.parametrize("release", ["", "main", "latest", "v1", "abc123"])
def test_an_unpinned_course_release_is_refused(tmp_path, release):
    config = dict(CONFIG, course_release=release)
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    with pytest.raises(ValueError, match="course_release must be a release tag"):
        bootstrap.cell_source(tmp_path)


def test_the_wheel_holds_the_package_and_no_build_tools(tmp_path):
    """pyproject.toml packages only failurelab: the repository's tools/ stay out of the wheel."""
    source = tmp_path / "source"  # a copy, as `lite` builds it: setuptools writes into its source
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in ("failurelab", "tools"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(tmp_path / "wheels"), str(source)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "wheels").glob("failurelab-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert {n.split("/")[0] for n in names if ".dist-info/" not in n} == {"failurelab"}
    assert "failurelab/data.py" in names
    assert not [n for n in names if n.startswith(("tools/", "failurelab/tools/"))]


COLAB_PROBE = r'''
import ast, asyncio, json, sys, types
cell = open(sys.argv[1]).read()
sys.modules["google.colab"] = types.ModuleType("google.colab")  # what Colab has loaded
code = compile(cell, "<bootstrap cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
result = eval(code, {"__name__": "__main__"})
if asyncio.iscoroutine(result):
    asyncio.run(result)
from failurelab import data
from failurelab.motor_units import MotorUnitPool
print(json.dumps({"file": data.__file__, "max_excitation": MotorUnitPool().max_excitation,
                  "meta_rows": len(data.load("meta_analyses"))}))
'''


def test_colab_install_cell_installs_a_working_package_in_a_clean_venv(tmp_path):
    _slow("the Colab check installs numpy, scipy, pandas, matplotlib, statsmodels from PyPI")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    course = tmp_path / "content" / "course"
    # this checkout at its current commit stands in for the published tag (a commit pin works too)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()
    cell = (bootstrap.cell_source().replace(REPO_URL, ROOT.as_uri())
            .replace(f'"{RELEASE}"', f'"{head}"').replace("/content/course", str(course)))
    (tmp_path / "cell.py").write_text(cell)
    (tmp_path / "probe.py").write_text(COLAB_PROBE)
    proc = subprocess.run([str(venv / "bin" / "python"), "probe.py", "cell.py"], check=False, cwd=tmp_path,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    from failurelab import data
    from failurelab.motor_units import MotorUnitPool

    assert Path(got["file"]).is_relative_to(course)  # the clone, not this checkout
    assert got["max_excitation"] == pytest.approx(MotorUnitPool().max_excitation, rel=1e-12)
    assert got["meta_rows"] == len(data.load("meta_analyses"))


# ---------------------------------------------------------------------------------------------
# Binder (repo2docker)
# ---------------------------------------------------------------------------------------------
def test_binder_files_pin_a_python_the_requirements_support():
    runtime = (ROOT / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert required == ">=3.10" and int(runtime.split(".")[1]) >= 11  # numpy 2.4 needs 3.11+
    lines = [ln.strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    local = [ln for ln in lines if ln.startswith(("-e", ".", "/", "file:"))]
    assert local == ["-e ."], "repo2docker installs requirements.txt; only the package itself is local"
    assert not any((ROOT / name).exists() for name in ("binder", ".binder", "environment.yml"))



def test_the_lock_pins_every_direct_dependency_of_its_input_file():
    """requirements.txt is pip-compile's output for requirements.in: every package named there
    is pinned with ==, every pin says which input pulled it in, and nothing is pinned twice."""
    wanted = {re.split(r"[\[<>=!~ ]", ln.strip())[0].lower().replace("_", "-")
              for ln in (ROOT / "requirements.in").read_text().splitlines()
              if ln.strip() and not ln.lstrip().startswith(("#", "-"))}
    text = (ROOT / "requirements.txt").read_text()
    assert "make lock" in text.split("\n-e .")[0]
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)\n((?:\s+#.*\n)+)", text, flags=re.MULTILINE)
    names = [name.lower().replace("_", "-") for name, _, _ in pins]
    assert len(names) == len(set(names))
    assert wanted <= set(names), sorted(wanted - set(names))
    assert all("# via" in via for _, _, via in pins)
    bare = [ln for ln in text.splitlines() if ln and not ln.startswith((" ", "#", "-e ."))]
    assert len(bare) == len(pins)  # no line that is neither a pin nor its annotation

def test_repo2docker_reads_the_repository_as_it_is(tmp_path):
    _slow("repo2docker is installed from PyPI into a scratch venv")
    venv = tmp_path / "r2d"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check",
                    REPO2DOCKER], check=True, timeout=600)
    proc = subprocess.run([str(venv / "bin" / "repo2docker"), "--no-build", "--no-run", "--debug",
                           str(ROOT)], check=False, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    runtime = (ROOT / "runtime.txt").read_text().strip().removeprefix("python-")
    assert f"python={runtime}" in out and "Python version unspecified" not in out
    assert 'pip install --no-cache-dir -r "requirements.txt"' in out


# ---------------------------------------------------------------------------------------------
# JupyterLite
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lite_site(tmp_path_factory):
    _slow("the JupyterLite build tools get a venv of their own from PyPI")
    out = tmp_path_factory.mktemp("lite") / "site"
    lite.build(out)
    return out


def test_lite_site_holds_every_course_notebook_the_data_and_the_wheel(lite_site):
    files = lite_site / "files"
    for path in toc_notebooks():
        assert (files / path.relative_to(ROOT)).is_file(), path
    for learner_copy in (ROOT / "exercises/learner").glob("*.ipynb"):
        assert (files / "exercises/learner" / learner_copy.name).is_file()
    assert (files / "data/datapackage.json").read_bytes() == (ROOT / "data/datapackage.json").read_bytes()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    index = json.loads((lite_site / "pypi/all.json").read_text())
    (release,) = index["failurelab"]["releases"][version]
    with zipfile.ZipFile(lite_site / "pypi" / release["filename"]) as wheel:
        names = set(wheel.namelist())
    package = {p.relative_to(ROOT).as_posix() for p in (ROOT / "failurelab").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert package <= names, sorted(package - names)
    assert not {n for n in names if n.startswith("tools/")}
    config = json.loads((lite_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    piplite = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert any(url.split("?")[0] == "./pypi/all.json" for url in piplite["pipliteUrls"])


def test_lite_site_serves_the_app_and_the_notebooks(lite_site):
    with serve_directory(lite_site) as base:
        with urllib.request.urlopen(f"{base}/lab/index.html") as page:
            assert page.status == 200 and "jupyter-config-data" in page.read().decode()
        url = f"{base}/files/{SAMPLE}.ipynb"
        with urllib.request.urlopen(url) as page:
            nb = nbformat.reads(page.read().decode(), as_version=4)
    assert bootstrap.is_current(nb, bootstrap.cell_source())


# ---------------------------------------------------------------------------------------------
# The book's launch buttons
# ---------------------------------------------------------------------------------------------
def test_launch_buttons_open_the_pages_own_notebook(built_book):
    assert built_book.returncode == 0, "the book did not build"
    html = (built_book.html / f"{SAMPLE}.html").read_text()
    links = set(re.findall(r'href="([^"]+)"', html))
    lite_url = CONFIG["launch_buttons"]["jupyterlite_url"]
    expected = {
        f"https://mybinder.org/v2/gh/{ORG_REPO}/main?urlpath=lab/tree/{SAMPLE}.ipynb",
        f"https://colab.research.google.com/github/{ORG_REPO}/blob/main/{SAMPLE}.ipynb",
        f"{lite_url}?path={SAMPLE}.ipynb",
    }
    assert expected <= links, expected - links
    # GitHub Pages serves the project site under /<repository name>/, the lite site beside the book
    assert lite_url == f"/{ORG_REPO.split('/')[1]}/lite/lab/index.html"
