"""``coachcard``: write the course's coach card, ``book/coach_card/coach-card.pdf`` (one A4 page,
for print) and ``book/coach_card/coach-card.png`` (1080 x 1920 px, for a phone).

The card is drawn by :func:`failurelab.advice.coach_card` from the decision aid and ``data/``:
the bottom line, the decision aid as a table and the eight numbers that matter. Neither file
carries a date or a producer in its metadata, so the same sources give the same bytes.
``--check`` writes nothing and exits 1 when a committed file differs from what would be written
(or is missing).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .course import ROOT

DEFAULT_DIR = ROOT / "book" / "coach_card"
FILES = {"coach-card.pdf": "card_pdf_bytes", "coach-card.png": "card_png_bytes"}
COMMAND = "python -m tools coachcard"


def render():
    """{file name: bytes} of the card, as the current sources draw it."""
    from failurelab import advice

    return {name: getattr(advice, function)() for name, function in FILES.items()}


def run(args):
    """Write the card's files into ``args.output``, or with ``args.check`` compare (exit code)."""
    out = Path(args.output)
    files = render()
    if args.check:
        stale = [name for name, content in files.items()
                 if not (out / name).is_file() or (out / name).read_bytes() != content]
        if stale:
            print(f"{', '.join(str(out / n) for n in stale)} stale or missing: run `{COMMAND}`",
                  file=sys.stderr)
            return 1
        print(f"{out}: coach card up to date")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out / name).write_bytes(content)
        print(f"wrote {out / name} ({len(content) / 1e3:.0f} kB)")
    return 0


def register(subparsers):
    """Add the ``coachcard`` sub-command."""
    p = subparsers.add_parser("coachcard", help="write the coach card (PDF and phone PNG)",
                              description=__doc__)
    p.add_argument("--check", action="store_true",
                   help="exit 1 if the committed files differ from what would be written")
    p.add_argument("--output", type=Path, default=DEFAULT_DIR,
                   help=f"folder to write or check (default: {DEFAULT_DIR})")
    p.set_defaults(func=run)


def main(argv=None):
    """Run this command alone: ``python -m tools.coachcard [--check]``."""
    parser = argparse.ArgumentParser(prog="coachcard", description=__doc__)
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["coachcard", *(argv if argv is not None else sys.argv[1:])])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
