"""Grade one submission with otter-grader, inside the sandbox ``tools/assignments.py`` sets up.

    python tools/grade_one.py AUTOGRADER.zip SUBMISSION.ipynb RESULT.json [--cell-timeout S]
                              [--isolate]

A script on its own (it imports nothing from ``tools``): ``assignments grade`` starts it, as root
inside new mount, network and PID namespaces (``unshare --mount --net --pid --fork --kill-child``).
With ``--isolate`` it brings up the namespace's loopback interface (the kernel talks to the grader
over it; nothing else is reachable), makes every file system read-only except its own scratch
folder, and starts itself again through ``setpriv`` with no capabilities left (so nothing can
remount, reach another network or leave the namespaces). (Not as the user ``nobody``: the
interpreter may live where only root can read, e.g. under /root/.pyenv.) Then it sets resource
limits and runs otter's non-containerised grader (``otter run``'s ``otter.run.main``) with every
cell stopped (interrupted) after ``--cell-timeout`` seconds, so a loop costs its own task and the
next cells still run.

RESULT.json: ``{"questions": {name: {score, possible, message}}, "timed_out_tasks": [...],
"error_tasks": {task: "ZeroDivisionError"}}``, or ``{"error": reason}`` when otter refused
the submission (e.g. another assignment's notebook).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import resource
import shutil
import socket
import struct
import subprocess
import sys
from pathlib import Path

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
LIMITS = {  # per process; generous for the exercises, small enough to stop a runaway
    resource.RLIMIT_AS: 6 * 2**30,
    resource.RLIMIT_FSIZE: 256 * 2**20,
    resource.RLIMIT_CORE: 0,
}
_TASK = re.compile(r"""check\(\s*['"](\d+\.\d+)['"]""")


def loopback_up():
    """Bring up ``lo`` in this (new) network namespace."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifreq = struct.pack("16sh14x", b"lo", 0)
        flags = struct.unpack("16sh14x", fcntl.ioctl(s, SIOCGIFFLAGS, ifreq))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sh14x", b"lo", flags | IFF_UP))


def read_only_except(work: Path):
    """Remount every file system read-only in this (new) mount namespace, except ``work``."""
    work = str(work.resolve())
    subprocess.run(["mount", "--bind", work, work], check=True)
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        points = sorted({line.split()[4] for line in f})
    for point in points:
        if point == work or point.startswith(("/proc", "/sys", "/dev")):
            continue
        subprocess.run(["mount", "-o", "remount,bind,ro", point], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    probe = Path("/usr/.failurelab-sandbox-probe")
    try:
        probe.touch()
    except OSError:
        return
    probe.unlink()
    raise SystemExit("sandbox: the file system is still writable; not grading")


def drop_capabilities(argv):
    """Start this script again with no capabilities (root's uid stays; nothing it may change)."""
    setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
    os.execv(setpriv, [setpriv, "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs",
                       sys.executable, os.path.abspath(__file__), *argv])


def limit_resources():
    for which, value in LIMITS.items():
        _soft, hard = resource.getrlimit(which)
        cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (cap, cap))


def with_cell_timeout(seconds: int):
    """Make otter's ExecutePreprocessor stop (interrupt) a cell after ``seconds``, then go on."""
    import otter.execute
    from traitlets.config import Config

    class TimedConfig(Config):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.ExecutePreprocessor.timeout = seconds
            self.ExecutePreprocessor.interrupt_on_timeout = True
            self.ExecutePreprocessor.error_on_timeout = {
                "ename": "CellTimeoutError", "evalue": f"stopped after {seconds} s", "traceback": []}

    otter.execute.Config = TimedConfig  # otter builds its config with Config() at grading time


def summarise(results) -> dict:
    questions = {}
    for name, test_file in results.results.items():
        messages = [r.message for r in test_file.test_case_results]
        questions[name] = {"score": test_file.score, "possible": test_file.possible,
                           "message": "\n".join(messages)}
    timed_out, errors = [], {}
    for cell in (results.notebook.cells if results.notebook is not None else []):
        if cell.get("cell_type") != "code":
            continue
        m = _TASK.search(cell.source)
        if not m:
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                if out.get("ename") in ("KeyboardInterrupt", "CellTimeoutError"):
                    timed_out.append(m[1])
                else:
                    errors[m[1]] = out.get("ename", "an error")
    return {"questions": questions, "timed_out_tasks": timed_out, "error_tasks": errors}


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("autograder", type=Path)
    p.add_argument("submission", type=Path)
    p.add_argument("result", type=Path)
    p.add_argument("--cell-timeout", type=int, default=60)
    p.add_argument("--isolate", action="store_true")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = p.parse_args(argv)
    if args.isolate:
        loopback_up()
        read_only_except(args.submission.parent)
        drop_capabilities([a for a in argv if a != "--isolate"])
    limit_resources()
    for d in ("HOME", "MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        if d in os.environ:
            Path(os.environ[d]).mkdir(parents=True, exist_ok=True)
    with_cell_timeout(args.cell_timeout)
    from otter.run import main as otter_run

    try:
        results = otter_run(str(args.submission), autograder=str(args.autograder),
                            output_dir=None, no_logo=True)
        summary = summarise(results)
    except Exception as exc:  # noqa: BLE001 -- otter refused the submission: say why
        summary = {"error": f"otter could not grade it: {type(exc).__name__}: {exc}"[:500]}
    args.result.write_text(json.dumps(summary), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
