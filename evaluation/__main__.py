"""``python -m evaluation``: the command line (see :mod:`evaluation.cli`)."""

from evaluation.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
