"""`python -m cleannews` is the `cleannews` command."""

from cleannews.cli import main

raise SystemExit(main())
