"""The terminal app (Textual): ``registry-tui`` / ``registry-tui tui`` / ``registry-tui demo``."""
