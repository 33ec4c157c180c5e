"""Command-line tools of the course: ``python -m tools <command>``.

Each command lives in its own module exposing ``register(subparsers)``; ``__main__`` wires
them together.
"""
