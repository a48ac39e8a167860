"""`python -m cleannews` is the `cleannews` command."""

from cleannews.cli import main

# The guard matters: `-j N` worker processes are spawned and import this module as
# `__mp_main__`; they must not run the command again.
if __name__ == "__main__":
    raise SystemExit(main())
