"""Entry point: ``python -m tools <command> ...`` (``--help`` lists the commands)."""

import argparse
import importlib
import sys

COMMANDS = ("execute", "learner", "vendor", "bench", "datasources", "slides", "bootstrap", "lite",
            "status", "classroom", "alttext", "assignments", "hub", "coachcard", "citations",
            "questionbank")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"tools.{name}").register(sub)
    args = parser.parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
