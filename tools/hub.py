"""``loadtest``: a real JupyterHub on 127.0.0.1, and a class of simulated students using it.

``python -m tools loadtest --students 30`` (``make loadtest STUDENTS=30``) starts the course's test
hub (``deploy/hub/jupyterhub_config.py``: JupyterHub + configurable-http-proxy from
``deploy/hub/package-lock.json``, the test-only DummyAuthenticator and SimpleLocalProcessSpawner,
this environment as every user's server) and a local git repository made from this one's HEAD.
Then every student, all at once (threads of plain HTTP, as a browser would send it):

1. logs in on the hub's login page and follows the course's nbgitpuller link
   (``tools/classroom.py``) -- the hub starts the student's server, and nbgitpuller clones the
   course into the student's home (``git-pull/api``, the event stream nbgitpuller's page reads);
2. opens chapter 1.1 (a session through the Jupyter server API), runs every code cell over the
   kernel websocket, and moves the explorer's control in the kernel
   (``explorer.update(effort=60)``);
3. saves an answer into their learner copy of exercises 1 (the contents API).

The instructor then commits to the course repository, and every student follows the link again:
their answer must survive nbgitpuller's merge, and the instructor's new file must arrive. A
sample of students (``--browser``) also opens 1.1 in JupyterLab in headless Chromium, runs all
cells there and moves the explorer's slider (its ``.fl-explorer`` view).

Measured: success rate, time to a running server and run-all time (p50/p95), memory per user
server (RSS and PSS of the single-user process tree: server + kernel, right after run-all), CPU
seconds per student and of the hub + proxy, errors. ``--output`` writes them as JSON (``make
loadtest`` writes ``book/_data/class_load.json``, shown on the status page and in the instructor
guide). Everything binds to 127.0.0.1, every wait has a deadline, and every process started is
stopped at the end, also after a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from .classroom import nbgitpuller_link
from .course import ROOT

DEPLOY = ROOT / "deploy" / "hub"
CONFIG = DEPLOY / "jupyterhub_config.py"
PROXY_DIR = ROOT / "_build" / "hub-proxy"
REPORT = ROOT / "book" / "_data" / "class_load.json"
NOTEBOOK = "chapters/01_mechanism/01_size_principle.ipynb"
LEARNER_NB = "exercises/learner/01_mechanism.ipynb"
EXPLORER_CHANGE = ("explorer.update(effort=60)\nprint('EXPLORER:', explorer.readout)", "at 60 % of maximal force")
START_S = 180  # the hub answering after start
STEP_S = 900  # any one student step on a loaded machine (spawn, pull, run-all)
POLL_S = 0.5
MAX_STUDENTS = 200


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentiles(values) -> dict:
    """p50, p95 and max of a list of numbers (nearest-rank p95), rounded; {} if empty."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return {}
    rank = max(0, min(len(values) - 1, -(-95 * len(values) // 100) - 1))
    return {"p50": round(statistics.median(values), 2), "p95": round(values[rank], 2),
            "max": round(values[-1], 2), "n": len(values)}


# ---------------------------------------------------------------------------------------------
# The proxy and the course repository
# ---------------------------------------------------------------------------------------------
def ensure_proxy(folder: Path = PROXY_DIR) -> Path:
    """configurable-http-proxy installed by ``npm ci`` from deploy/hub's lock (once per lock)."""
    binary = folder / "node_modules" / ".bin" / "configurable-http-proxy"
    lock = (DEPLOY / "package-lock.json").read_text()
    stamp = folder / ".lock-installed"
    if binary.exists() and stamp.is_file() and stamp.read_text() == lock:
        return binary
    if shutil.which("npm") is None:
        raise RuntimeError("npm is not installed (Debian: apt-get install nodejs npm); the hub "
                           "needs it for configurable-http-proxy")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(DEPLOY / name, folder / name)
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=folder,
                   check=True, capture_output=True, timeout=600)
    stamp.write_text(lock)
    return binary


def _git(*args, cwd=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Instructor", "GIT_AUTHOR_EMAIL": "instructor@example.org",
           "GIT_COMMITTER_NAME": "Instructor", "GIT_COMMITTER_EMAIL": "instructor@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env=env, timeout=300).stdout.strip()


def course_origin(folder: Path, source=ROOT) -> tuple[str, str]:
    """A bare git repository ``folder/course.git`` holding this repository's HEAD on branch
    ``main``; (its file:// URL, the branch)."""
    bare = folder / "course.git"
    _git("clone", "--quiet", "--bare", "--no-local", "--single-branch", str(source), str(bare))
    head = _git("-C", str(source), "rev-parse", "HEAD")
    _git("-C", str(bare), "update-ref", "refs/heads/main", head)
    _git("-C", str(bare), "symbolic-ref", "HEAD", "refs/heads/main")
    return bare.as_uri(), "main"


def instructor_commit(origin: str, work: Path, path: str, text: str) -> None:
    """The instructor adds ``path`` with ``text`` to the course repository (a clone, commit, push)."""
    clone = work / "instructor"
    if not clone.is_dir():
        _git("clone", "--quiet", origin, str(clone))
    target = clone / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    _git("add", path, cwd=clone)
    _git("commit", "--quiet", "-m", f"Instructor: {path}", cwd=clone)
    _git("push", "--quiet", "origin", "HEAD:main", cwd=clone)


# ---------------------------------------------------------------------------------------------
# The hub
# ---------------------------------------------------------------------------------------------
class Hub:
    """The test hub in ``workdir`` (a context manager). ``base`` is its public URL."""

    def __init__(self, workdir: Path):
        self.dir = Path(workdir)
        self.run_id = uuid.uuid4().hex
        self.password = secrets.token_urlsafe(16)  # for this run only; never written to the repo
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.log_path = self.dir / "jupyterhub.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def _env(self, proxy: Path) -> dict:
        return {**os.environ, "FL_HUB_DIR": str(self.dir), "FL_HUB_VENV_BIN": str(Path(sys.executable).parent),
                "FL_HUB_PORT": str(self.port), "FL_HUB_HUB_PORT": str(free_port()),
                "FL_HUB_PROXY_API_PORT": str(free_port()), "FL_HUB_PROXY": str(proxy),
                "FL_HUB_PASSWORD": self.password, "FAILURELAB_HUB_RUN": self.run_id,
                "PYTHONUNBUFFERED": "1"}

    def start(self):
        import requests

        proxy = ensure_proxy()
        (self.dir / "home").mkdir(parents=True, exist_ok=True)
        secret = self.dir / "jupyterhub_cookie_secret"
        secret.write_bytes(secrets.token_hex(32).encode())
        secret.chmod(0o600)
        for _attempt in range(3):  # a free port can be taken between probing and binding
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen([_bin("jupyterhub"), "-f", str(CONFIG)], cwd=self.dir,
                                             env=self._env(proxy), stdout=log, stderr=subprocess.STDOUT,
                                             start_new_session=True)
            deadline = time.monotonic() + START_S
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    if requests.get(f"{self.base}/hub/api", timeout=5).status_code == 200:
                        return
                except requests.RequestException:
                    pass
                time.sleep(POLL_S)
            if self.proc.poll() is None:
                raise RuntimeError(f"the hub did not answer within {START_S} s:\n{self.log_tail()}")
            self._kill_marked()
        raise RuntimeError(f"the hub exited at start-up (3 attempts):\n{self.log_tail()}")

    def log_tail(self, lines=40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def processes(self):
        """Every live process of this run (the hub, the proxy, user servers and their kernels)."""
        import psutil

        found = []
        for proc in psutil.process_iter(["pid"]):
            try:
                if proc.environ().get("FAILURELAB_HUB_RUN") == self.run_id:
                    found.append(proc)
            except (psutil.Error, OSError):
                continue
        return found

    def user_tree(self, name: str):
        """The single-user server of ``name`` and its children (the kernels)."""
        import psutil

        for proc in self.processes():
            try:
                if proc.environ().get("JUPYTERHUB_USER") == name and \
                        proc.parent() is not None and proc.parent().environ().get("JUPYTERHUB_USER") != name:
                    return [proc] + proc.children(recursive=True)
            except (psutil.Error, OSError):
                continue
        return []

    def stop(self):
        """Stop the hub (it stops the servers and the proxy), then anything of this run left over."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        self._kill_marked()

    def _kill_marked(self):
        import psutil

        procs = self.processes()
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                proc.terminate()
        _, alive = psutil.wait_procs(procs, timeout=15)
        for proc in alive:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        psutil.wait_procs(alive, timeout=15)


# ---------------------------------------------------------------------------------------------
# One student
# ---------------------------------------------------------------------------------------------
@dataclass
class StudentResult:
    name: str
    ok: bool = False
    step: str = "login"
    error: str = ""
    time_to_server_s: float | None = None
    pull_s: float | None = None
    run_all_s: float | None = None
    cells: int = 0
    cell_errors: list = field(default_factory=list)
    explorer_ok: bool = False
    rss_mib: float | None = None
    pss_mib: float | None = None
    server_rss_mib: float | None = None  # the single-user server alone
    kernel_rss_mib: float | None = None  # its kernel(s): what each further open notebook adds
    cpu_s: float | None = None
    second_pull_s: float | None = None
    edit_survived: bool | None = None
    update_arrived: bool | None = None


class Student:
    """A simulated student: a requests session with the hub's cookies, and the kernel protocol."""

    def __init__(self, hub: Hub, name: str, link: str, repo: str, branch: str):
        import requests

        self.hub, self.name, self.link, self.repo, self.branch = hub, name, link, repo, branch
        self.http = requests.Session()
        self.user = f"{hub.base}/user/{name}"
        self.result = StudentResult(name)

    # -- hub --------------------------------------------------------------------------------
    def login(self):
        page = self.http.get(f"{self.hub.base}/hub/login", timeout=60)
        page.raise_for_status()
        xsrf = self.http.cookies.get("_xsrf", "")
        r = self.http.post(f"{self.hub.base}/hub/login", timeout=STEP_S,
                           data={"username": self.name, "password": self.hub.password, "_xsrf": xsrf})
        r.raise_for_status()
        if "/hub/login" in urlsplit(r.url).path:
            raise RuntimeError("the hub refused the login")

    def follow_link(self) -> float:
        """Follow the nbgitpuller link until this student's server answers it; seconds taken."""
        start = time.monotonic()
        target = f"/user/{self.name}/git-pull"
        r = self.http.get(self.link, timeout=STEP_S)  # the hub starts the server, shows a wait page
        git_pull_page = f"{self.user}/git-pull?{urlsplit(self.link).query}"  # where the link leads
        while not (urlsplit(r.url).path.startswith(target) and r.status_code == 200):
            if time.monotonic() - start > STEP_S:
                raise TimeoutError(f"no running server after {STEP_S} s (last page {r.url})")
            if r.status_code >= 500:
                raise RuntimeError(f"HTTP {r.status_code} from {r.url}")
            time.sleep(POLL_S)  # poll the condition: the server answers the link's page
            r = self.http.get(git_pull_page, timeout=STEP_S)
        return time.monotonic() - start

    def pull(self, targetpath="course") -> float:
        """What nbgitpuller's page does: read its event stream until the pull has finished."""
        start = time.monotonic()
        params = {"repo": self.repo, "branch": self.branch, "targetpath": targetpath}
        with self.http.get(f"{self.user}/git-pull/api", params=params, stream=True, timeout=STEP_S) as r:
            r.raise_for_status()
            last = []
            for line in r.iter_lines(decode_unicode=True):
                if not line or not line.startswith("data:"):
                    continue
                event = json.loads(line[5:])
                if event.get("phase") == "finished":
                    return time.monotonic() - start
                if event.get("phase") == "error":
                    raise RuntimeError(f"nbgitpuller: {event.get('message', '')[-300:]}")
                last = (last + [str(event.get("output", ""))])[-5:]
        raise RuntimeError(f"nbgitpuller's stream ended before the pull finished: {''.join(last)[-300:]}")

    # -- Jupyter server API -------------------------------------------------------------------
    def _xsrf(self) -> str:
        token = self.http.cookies.get("_xsrf", path=f"/user/{self.name}/")
        if not token:
            self.http.get(f"{self.user}/lab/tree/course/{NOTEBOOK}", timeout=STEP_S).raise_for_status()
            token = self.http.cookies.get("_xsrf", path=f"/user/{self.name}/")
        if not token:
            raise RuntimeError("the single-user server set no _xsrf cookie")
        return token

    def api(self, method, path, **kwargs):
        headers = {"X-XSRFToken": self._xsrf()}
        r = self.http.request(method, f"{self.user}/api/{path}", headers=headers, timeout=STEP_S, **kwargs)
        r.raise_for_status()
        return r.json() if r.content else None

    def open_notebook(self, path=NOTEBOOK):
        session = self.api("POST", "sessions", json={"path": f"course/{path}", "type": "notebook",
                                                      "name": Path(path).name, "kernel": {"name": "python3"}})
        nb = self.api("GET", f"contents/course/{path}", params={"content": "1"})["content"]
        return session, nb

    def kernel(self, kernel_id) -> Kernel:
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        ws_url = (f"ws://127.0.0.1:{self.hub.port}/user/{self.name}/api/kernels/{kernel_id}/channels"
                  f"?session_id={uuid.uuid4().hex}")
        return Kernel(ws_url, {"Cookie": cookies, "X-XSRFToken": self._xsrf()},
                      origin=self.hub.base)

    def run_all(self, nb, kernel) -> float:
        start = time.monotonic()
        for cell in nb["cells"]:
            if cell["cell_type"] != "code" or not "".join(cell["source"]).strip():
                continue
            outputs = kernel.execute("".join(cell["source"]))
            self.result.cells += 1
            for out in outputs:
                if out.get("output_type") == "error":
                    self.result.cell_errors.append(f"{out.get('ename')}: {out.get('evalue', '')[:120]}")
        return time.monotonic() - start

    def save_answer(self):
        """The student writes an answer into their learner copy of exercises 1 and saves it."""
        path = f"course/{LEARNER_NB}"
        model = self.api("GET", f"contents/{path}", params={"content": "1"})
        nb = model["content"]
        cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and 'check("1.3"' in "".join(c["source"]))
        cell["source"] = self.answer_line() + "\n" + 'check("1.3", last_unit_fraction)'
        self.api("PUT", f"contents/{path}", json={"type": "notebook", "format": "json", "content": nb})

    def answer_line(self) -> str:
        return f"last_unit_fraction = pool.thresholds[-1] / pool.max_excitation  # {self.name}'s answer"

    def edit_kept(self) -> bool:
        nb = self.api("GET", f"contents/course/{LEARNER_NB}", params={"content": "1"})["content"]
        return any(self.answer_line() in "".join(c["source"]) for c in nb["cells"])

    def has_file(self, path) -> bool:
        try:
            self.api("GET", f"contents/course/{path}", params={"content": "0"})
            return True
        except Exception:  # noqa: BLE001 -- 404: not pulled
            return False

    def measure(self):
        import psutil

        tree = self.hub.user_tree(self.name)
        rss = pss = cpu = server = 0.0
        for i, proc in enumerate(tree):
            try:
                mem = proc.memory_full_info()
                rss += mem.rss
                pss += getattr(mem, "pss", mem.rss)
                server += mem.rss if i == 0 else 0
                t = proc.cpu_times()
                cpu += t.user + t.system
            except psutil.Error:
                continue
        if tree:
            r = self.result
            r.rss_mib, r.pss_mib = round(rss / 2**20, 1), round(pss / 2**20, 1)
            r.server_rss_mib, r.kernel_rss_mib = round(server / 2**20, 1), round((rss - server) / 2**20, 1)
            r.cpu_s = round(cpu, 2)

    # -- the whole first visit ------------------------------------------------------------------
    def first_visit(self):
        r = self.result
        try:
            self.login()
            r.step = "server"
            r.time_to_server_s = round(self.follow_link(), 2)
            r.step = "pull"
            r.pull_s = round(self.pull(), 2)
            r.step = "open 1.1"
            session, nb = self.open_notebook()
            with self.kernel(session["kernel"]["id"]) as kernel:
                r.step = "run all"
                r.run_all_s = round(self.run_all(nb, kernel), 2)
                r.step = "explorer"
                text = "".join(o.get("text", "") for o in kernel.execute(EXPLORER_CHANGE[0]))
                r.explorer_ok = EXPLORER_CHANGE[1] in text.replace("\xa0", " ")
                self.measure()
            self.api("DELETE", f"sessions/{session['id']}")  # closes the notebook: kernel shut down
            r.step = "save answer"
            self.save_answer()
            r.step = "done"
            r.ok = not r.cell_errors and r.explorer_ok
            if not r.ok:
                r.error = "; ".join(r.cell_errors[:3]) or "the explorer did not answer the change"
        except Exception as exc:  # noqa: BLE001 -- one student's failure is a result, not a crash
            r.ok, r.error = False, f"{r.step}: {type(exc).__name__}: {str(exc)[:300]}"
        return r

    def second_visit(self, new_file):
        r = self.result
        if not r.ok:
            return r
        try:
            r.step = "second pull"
            r.second_pull_s = round(self.pull(), 2)
            r.edit_survived = self.edit_kept()
            r.update_arrived = self.has_file(new_file)
            r.step = "done"
            if not (r.edit_survived and r.update_arrived):
                r.ok = False
                r.error = ("the student's answer was lost in the second pull" if not r.edit_survived
                           else "the instructor's new file did not arrive")
        except Exception as exc:  # noqa: BLE001
            r.ok, r.error = False, f"{r.step}: {type(exc).__name__}: {str(exc)[:300]}"
        return r


class Kernel:
    """Execute code on a remote kernel over the Jupyter server's websocket (JSON messages)."""

    def __init__(self, url, headers, origin):
        self.url, self.headers, self.origin = url, headers, origin
        self.ws = None

    def __enter__(self):
        import websocket

        deadline = time.monotonic() + STEP_S
        while True:
            try:
                self.ws = websocket.create_connection(
                    self.url, header=[f"{k}: {v}" for k, v in self.headers.items()], origin=self.origin,
                    timeout=STEP_S)
                break
            except (websocket.WebSocketException, OSError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(POLL_S)
        self._request("kernel_info_request", {}, "kernel_info_reply")
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(Exception):
            self.ws.close()

    def _send(self, msg_type, content, channel="shell"):
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({"header": {"msg_id": msg_id, "msg_type": msg_type, "username": "student",
                                            "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
                                 "parent_header": {}, "metadata": {}, "content": content,
                                 "channel": channel, "buffers": []}))
        return msg_id

    def _request(self, msg_type, content, reply_type):
        deadline = time.monotonic() + STEP_S
        while True:  # the kernel may still be starting: ask until it answers
            msg_id = self._send(msg_type, content)
            self.ws.settimeout(10)
            try:
                while True:
                    msg = json.loads(self.ws.recv())
                    if msg.get("parent_header", {}).get("msg_id") == msg_id and msg["msg_type"] == reply_type:
                        return msg
            except Exception:  # noqa: BLE001 -- websocket timeout: ask again
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the kernel did not answer {msg_type} within {STEP_S} s") from None
            finally:
                self.ws.settimeout(STEP_S)

    def execute(self, code) -> list:
        """Run ``code``; its outputs as notebook output dicts (stream, results, errors)."""
        msg_id = self._send("execute_request", {"code": code, "silent": False, "store_history": True,
                                                "user_expressions": {}, "allow_stdin": False,
                                                "stop_on_error": True})
        outputs, idle, replied = [], False, False
        while not (idle and replied):
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                idle = True
            elif kind == "execute_reply":
                replied = True
            elif kind == "stream":
                outputs.append({"output_type": "stream", "text": content["text"]})
            elif kind in ("execute_result", "display_data"):
                outputs.append({"output_type": kind, "text": content["data"].get("text/plain", "")})
            elif kind == "error":
                outputs.append({"output_type": "error", "ename": content["ename"], "evalue": content["evalue"]})
        return outputs


# ---------------------------------------------------------------------------------------------
# The browser sample
# ---------------------------------------------------------------------------------------------
BROWSER_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync"]
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str | None:
    return next((c for c in CHROMIUM if os.access(c, os.X_OK)), None)


BROWSER_STEP_MS = 180_000  # one page step (load JupyterLab, run all) on a loaded machine
BROWSER_DEADLINE_S = 480  # one student in the browser, whatever happens


def browser_sample(hub: Hub, names, screenshots: Path | None = None) -> list[dict]:
    """Each student in ``names`` opens 1.1 in JupyterLab, runs all cells and moves the explorer's
    control; one dict per student (ok, ms from the change to the new sentence, error). Each gets
    a browser of its own, killed if it is still busy after BROWSER_DEADLINE_S."""
    from playwright.sync_api import sync_playwright

    results = []
    marker = f"--failurelab-hub-run={hub.run_id}"  # an unknown switch chromium ignores: finds it
    with sync_playwright() as p:
        for name in names:
            watchdog = threading.Timer(BROWSER_DEADLINE_S, _kill_by_cmdline, args=(marker,))
            watchdog.start()
            try:
                browser = p.chromium.launch(executable_path=chromium_path(), args=[*BROWSER_ARGS, marker])
                try:
                    results.append(_browser_student(browser, hub, name, screenshots))
                finally:
                    with contextlib.suppress(Exception):
                        browser.close()
            finally:
                watchdog.cancel()
                _kill_by_cmdline(marker)
    return results


def _kill_by_cmdline(marker: str):
    import psutil

    for proc in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            if marker in (proc.info["cmdline"] or []):
                proc.kill()


KERNEL_STATUS_JS = ("document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
                    ".jp-Notebook-ExecutionIndicator')?.dataset.status")
RECORD_KERNEL_STATUS_JS = """
window.__kernelStatuses = [];
new MutationObserver(records => {
    for (const r of records) {
        if (r.target.classList?.contains('jp-Notebook-ExecutionIndicator')) {
            window.__kernelStatuses.push(r.target.dataset.status);
        }
    }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-status']});
"""
EXPLORER_READY_JS = "document.querySelector('.jp-NotebookPanel .fl-explorer')?.failurelab !== undefined"
NO_CELL_RUNNING_JS = ("![...document.querySelectorAll('.jp-NotebookPanel .jp-InputPrompt')]"
                      ".some(p => p.textContent.includes('*'))")


def _browser_student(browser, hub, name, screenshots) -> dict:
    out = {"name": name, "ok": False, "error": "", "update_ms": None, "run_all_s": None, "step": "login"}
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(RECORD_KERNEL_STATUS_JS)
    page = context.new_page()
    offsite = []
    page.on("request", lambda r: urlsplit(r.url).hostname not in ("127.0.0.1", None, "")
            and not r.url.startswith(("data:", "blob:")) and offsite.append(r.url))
    try:
        page.goto(f"{hub.base}/hub/login", timeout=120_000)
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", hub.password)
        page.click("[type=submit]")
        page.wait_for_url(re.compile(r"/(hub|user)/"), timeout=BROWSER_STEP_MS)
        out["step"] = "open 1.1 in JupyterLab"
        page.goto(f"{hub.base}/user/{name}/lab/tree/course/{NOTEBOOK}", timeout=BROWSER_STEP_MS)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=BROWSER_STEP_MS)
        # The indicator reads "idle" before any kernel exists, then "starting", ... "idle": wait
        # for an idle that follows another status (as tests/test_lab.py does).
        page.wait_for_function("js => window.__kernelStatuses.some(s => s !== 'idle') && eval(js) === 'idle'",
                               arg=KERNEL_STATUS_JS, timeout=BROWSER_STEP_MS)
        out["step"] = "run all"
        start = time.monotonic()
        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click(timeout=60_000)
        page.locator(".lm-Menu [data-command='runmenu:run-all']").click(timeout=60_000)
        dialog = page.locator(".jp-Dialog")
        with contextlib.suppress(Exception):  # e.g. "Select Kernel": a student presses the default
            dialog.wait_for(timeout=3_000)
            dialog.locator(".jp-mod-accept").click(timeout=10_000)
        page.wait_for_function(EXPLORER_READY_JS, timeout=BROWSER_STEP_MS)
        page.wait_for_function(NO_CELL_RUNNING_JS, timeout=BROWSER_STEP_MS)
        out["run_all_s"] = round(time.monotonic() - start, 2)
        out["step"] = "move the explorer"
        view = page.locator(".jp-NotebookPanel .fl-explorer").first
        before = view.evaluate("el => el.failurelab.sentence()")
        t = time.monotonic()
        view.evaluate("el => el.failurelab.set({effort: 60})")
        page.wait_for_function("s => document.querySelector('.jp-NotebookPanel .fl-explorer')"
                               ".failurelab.sentence() !== s", arg=before, timeout=60_000)
        out["update_ms"] = round((time.monotonic() - t) * 1000, 1)
        after = view.evaluate("el => el.failurelab.sentence()").replace("\xa0", " ")
        out["ok"] = EXPLORER_CHANGE[1] in after and not offsite
        if not out["ok"]:
            out["error"] = f"off-machine requests {offsite[:3]}" if offsite else f"sentence after the change: {after[:160]}"
        out["step"] = "screenshot"
        if screenshots is not None:
            screenshots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshots / f"hub-{name}.png"))
    except Exception as exc:  # noqa: BLE001 -- a failed sample is a result
        out["error"] = f"{out['step']}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    finally:
        context.close()
    return out


# ---------------------------------------------------------------------------------------------
# The class
# ---------------------------------------------------------------------------------------------
def _cpu_of(procs) -> float:
    import psutil

    total = 0.0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


def run_class(students: int = 30, browser: int = 2, workdir: Path | None = None,
              screenshots: Path | None = None, progress=print) -> dict:
    """Start the hub, run the class, stop everything; the report (see the module docstring)."""
    import psutil

    if not 1 <= students <= MAX_STUDENTS:  # one machine: each server + kernel is ~350 MiB
        raise ValueError(f"students must be between 1 and {MAX_STUDENTS}, got {students}")
    if browser and chromium_path() is None:
        raise RuntimeError("Debian chromium not found (apt-get install chromium) for the browser sample")
    own = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="failurelab-hub-")) if own else Path(workdir)
    wall = time.monotonic()
    previous = _exit_on_sigterm()
    try:
        origin, branch = course_origin(workdir)
        with Hub(workdir / "hub") as hub:
            link = nbgitpuller_link(hub.base, origin, "chapters/01_mechanism", branch)
            progress(f"hub up at {hub.base}; {students} students log in and follow {link}")
            names = [f"student{i:03d}" for i in range(1, students + 1)]
            class_ = [Student(hub, n, link, origin, branch) for n in names]
            machine_cpu0 = psutil.cpu_times()
            t0 = time.monotonic()
            with ThreadPoolExecutor(max_workers=students) as pool:
                first = list(pool.map(Student.first_visit, class_))
            first_visit_s = time.monotonic() - t0
            ok = sum(r.ok for r in first)
            progress(f"first visit: {ok} of {students} ok in {first_visit_s:.0f} s")
            listening = listening_addresses(hub.processes())
            sampled = [r.name for r in first if r.ok][:browser]
            browser_results = browser_sample(hub, sampled, screenshots) if sampled else []
            new_file = "NEWS.md"
            instructor_commit(origin, workdir, new_file, "# News\n\nSlides for session 2 are up.\n")
            with ThreadPoolExecutor(max_workers=students) as pool:
                final = list(pool.map(lambda s: s.second_visit(new_file), class_))
            hub_cpu = _cpu_of([p for p in hub.processes() if "JUPYTERHUB_USER" not in _environ(p)])
            machine_cpu1 = psutil.cpu_times()
            log_tail = hub.log_tail(15)
        rep = report(final, browser_results, students, time.monotonic() - wall, first_visit_s,
                     hub_cpu, machine_cpu0, machine_cpu1, log_tail)
        rep["listening_on"], rep["run_id"] = listening, hub.run_id
        return rep
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if own:
            shutil.rmtree(workdir, ignore_errors=True)


def _exit_on_sigterm():
    """SIGTERM (a CI timeout, `kill`) raises SystemExit, so the hub and its servers are stopped;
    the previous handler, or None off the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    return signal.signal(signal.SIGTERM, stop)


def listening_addresses(procs) -> list[str]:
    """The IP addresses the run's processes listen on (TCP), e.g. ["127.0.0.1"]."""
    import psutil

    found = set()
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            for conn in proc.net_connections(kind="inet"):
                if conn.status == psutil.CONN_LISTEN:
                    found.add(conn.laddr.ip)
    return sorted(found)


def _environ(proc) -> dict:
    try:
        return proc.environ()
    except Exception:  # noqa: BLE001
        return {}


def report(results, browser_results, students, wall_s, first_visit_s, hub_cpu, cpu0, cpu1, log_tail) -> dict:
    ok = [r for r in results if r.ok]
    busy = sum(getattr(cpu1, f) - getattr(cpu0, f) for f in ("user", "system", "nice"))
    student_cpu = [r.cpu_s for r in ok]
    return {
        "students": students,
        "succeeded": len(ok),
        "success_rate": round(len(ok) / students, 4),
        "date": date.today().isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "memory_gib": round(_total_memory() / 2**30, 1)},
        "time_to_server_s": percentiles(r.time_to_server_s for r in results),
        "pull_s": percentiles(r.pull_s for r in results),
        "run_all_s": percentiles(r.run_all_s for r in results),
        "second_pull_s": percentiles(r.second_pull_s for r in results),
        "memory_per_user_mib": {"rss": percentiles(r.rss_mib for r in results),
                                "pss": percentiles(r.pss_mib for r in results),
                                "server_rss": percentiles(r.server_rss_mib for r in results),
                                "kernel_rss": percentiles(r.kernel_rss_mib for r in results)},
        "cpu": {"per_student_s": percentiles(student_cpu),
                "hub_and_proxy_s": round(hub_cpu, 1),
                "class_s": round(sum(c for c in student_cpu if c) + hub_cpu, 1),
                "machine_busy_cores": round(busy / max(wall_s, 1e-9), 2)},
        "wall_s": round(wall_s, 1),
        "first_visit_wall_s": round(first_visit_s, 1),
        "cells_per_run": max((r.cells for r in results), default=0),
        "edits_survived": sum(bool(r.edit_survived) for r in results),
        "updates_arrived": sum(bool(r.update_arrived) for r in results),
        "browser": {"sampled": len(browser_results), "succeeded": sum(b["ok"] for b in browser_results),
                    "update_ms": percentiles(b["update_ms"] for b in browser_results),
                    "run_all_s": percentiles(b["run_all_s"] for b in browser_results),
                    "errors": [f"{b['name']}: {b['error']}" for b in browser_results if b["error"]]},
        "errors": [f"{r.name}: {r.error}" for r in results if not r.ok],
        "students_detail": [asdict(r) for r in results],
        "hub_log_tail": log_tail if len(ok) < students else "",
    }


def _total_memory() -> int:
    import psutil

    return psutil.virtual_memory().total


def summary_lines(rep: dict) -> list[str]:
    t, a, m = rep["time_to_server_s"], rep["run_all_s"], rep["memory_per_user_mib"]
    b = rep["browser"]
    return [
        f"students: {rep['succeeded']} of {rep['students']} succeeded ({rep['success_rate']:.0%})",
        f"time to a running server: p50 {t.get('p50')} s, p95 {t.get('p95')} s",
        f"run all of 1.1 ({rep['cells_per_run']} cells): p50 {a.get('p50')} s, p95 {a.get('p95')} s",
        (f"memory per user server: RSS p50 {m['rss'].get('p50')} MiB (max {m['rss'].get('max')}), "
        f"PSS p50 {m['pss'].get('p50')} MiB"),
        (f"CPU: {rep['cpu']['per_student_s'].get('p50')} s per student (p50), hub + proxy "
        f"{rep['cpu']['hub_and_proxy_s']} s; machine busy {rep['cpu']['machine_busy_cores']} cores "
        f"over {rep['wall_s']} s"),
        (f"edits kept after the second pull: {rep['edits_survived']} of {rep['students']}; "
        f"instructor's update arrived for {rep['updates_arrived']}"),
        (f"browser sample: {b['succeeded']} of {b['sampled']} moved the explorer "
        f"(update p50 {b['update_ms'].get('p50')} ms)"),
    ] + [f"error: {e}" for e in rep["errors"][:10] + b["errors"][:5]]


GUIDE = ROOT / "book" / "instructor" / "running_a_class.md"
GUIDE_START, GUIDE_END = "<!-- class-load:start (python -m tools loadtest writes this table) -->", "<!-- class-load:end -->"


def figures_table(rep: dict) -> list[str]:
    """The measured figures as a Markdown table (the status page and the instructor guide)."""
    t, a, m, c, b = (rep["time_to_server_s"], rep["run_all_s"], rep["memory_per_user_mib"], rep["cpu"],
                     rep["browser"])
    return [
        (f"Measured by `make loadtest STUDENTS={rep['students']}` on {rep['date']}: one machine with "
        f"{rep['machine']['cpus']} cores and {rep['machine']['memory_gib']} GiB (shared with other work), "
        f"{rep['students']} students starting at the same moment."),
        "",
        "| Measure | p50 | p95 | max |",
        "|---|---|---|---|",
        f"| Time to a running server (login → nbgitpuller link → server up), s | {t['p50']} | {t['p95']} | {t['max']} |",
        f"| nbgitpuller: first pull of the course, s | {rep['pull_s']['p50']} | {rep['pull_s']['p95']} | {rep['pull_s']['max']} |",
        f"| Run all of 1.1 ({rep['cells_per_run']} code cells, over the kernel websocket), s | {a['p50']} | {a['p95']} | {a['max']} |",
        f"| Memory per user server with 1.1 running (server + kernel, RSS), MiB | {m['rss']['p50']} | {m['rss']['p95']} | {m['rss']['max']} |",
        f"| … of which the kernel (what each further open notebook adds), MiB | {m['kernel_rss']['p50']} | {m['kernel_rss']['p95']} | {m['kernel_rss']['max']} |",
        f"| … shared pages counted once (PSS), MiB | {m['pss']['p50']} | {m['pss']['p95']} | {m['pss']['max']} |",
        f"| CPU per student (server start, pull, run all), CPU-seconds | {c['per_student_s']['p50']} | {c['per_student_s']['p95']} | {c['per_student_s']['max']} |",
        "",
        (f"Success: {rep['succeeded']} of {rep['students']} students ({rep['success_rate']:.0%}); "
        f"every answer kept by the second pull: {rep['edits_survived']} of {rep['students']}; "
        f"hub + proxy: {c['hub_and_proxy_s']} CPU-seconds; the machine was busy "
        f"{c['machine_busy_cores']} cores on average over the {rep['wall_s']} s run. In Chromium, "
        f"{b['succeeded']} of {b['sampled']} sampled students ran 1.1 in JupyterLab and moved the "
        f"explorer (new sentence {b['update_ms'].get('p50')} ms after the change, p50). "
        f"Errors: {len(rep['errors']) + len(b['errors'])}."),
    ]


def guide_block(rep: dict) -> str:
    return "\n".join([GUIDE_START, *figures_table(rep), GUIDE_END])


def write_guide(rep: dict, guide: Path = GUIDE) -> None:
    """Replace the marked table in the instructor guide with ``rep``'s figures."""
    text = guide.read_text(encoding="utf-8")
    start, end = text.find(GUIDE_START), text.find(GUIDE_END)
    if start < 0 or end < start:
        raise ValueError(f"{guide} has no {GUIDE_START} ... {GUIDE_END} block")
    guide.write_text(text[:start] + guide_block(rep) + text[end + len(GUIDE_END):], encoding="utf-8")


def register(sub):
    p = sub.add_parser("loadtest", help="a JupyterHub on 127.0.0.1 and a class of simulated students",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, default=30)
    p.add_argument("--browser", type=int, default=3, help="students sampled in headless Chromium")
    p.add_argument("--output", type=Path, default=None,
                   help=f"write the figures as JSON (make loadtest: {REPORT.relative_to(ROOT)})")
    p.set_defaults(func=_run)


def _run(args):
    try:
        rep = run_class(args.students, args.browser)
    except (RuntimeError, ValueError) as exc:
        print(f"loadtest: {exc}", file=sys.stderr)
        return 1
    for line in summary_lines(rep):
        print(line)
    if args.output:
        slim = {k: v for k, v in rep.items() if k not in ("students_detail", "hub_log_tail")}
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(slim, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.output}")
        if args.output.resolve() == REPORT.resolve():
            write_guide(slim)
            print(f"wrote the figures into {GUIDE.relative_to(ROOT)}; run `python -m tools status`")
    return 0 if rep["succeeded"] == rep["students"] and rep["browser"]["succeeded"] == rep["browser"]["sampled"] else 1
