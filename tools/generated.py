"""Generated pages (data sources, status): write them, or check that the committed copy is current."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(path, text, command, check=False):
    """Write ``text`` to ``path``; with ``check``, write nothing and return 1 if the file differs.

    ``command`` is what regenerates the page, named in the message. Returns the exit code.
    """
    path = Path(path)
    if check:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            print(f"{path} is stale or missing: run `{command}`", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0
