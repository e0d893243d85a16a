"""``python -m registry_tui``: the command line."""

from registry_tui.cli import main

raise SystemExit(main())
