"""Writing a card file: all or nothing, and reading a template with one-line errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from registry_tui.cards import files
from registry_tui.errors import ValidationError


def test_a_failed_write_leaves_the_old_card_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the disk fails halfway (fsync raising), the existing card is untouched and the
    temporary file is gone: the card is replaced whole or not at all."""
    target = tmp_path / "README.md"
    target.write_text("old card\n", encoding="utf-8")

    def broken(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="No space left"):
        files.save_card(target, "new card\n" * 1000)
    assert target.read_text(encoding="utf-8") == "old card\n"
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_a_written_card_is_exactly_the_text(tmp_path: Path) -> None:
    """The file holds the text byte for byte as UTF-8 with LF line ends, any platform."""
    text = "---\ntags: []\n---\n\n# 模型 🚀\n"
    files.save_card(tmp_path / "README.md", text)
    assert (tmp_path / "README.md").read_bytes() == text.encode("utf-8")


def test_destinations_and_templates_refused_in_one_line(tmp_path: Path) -> None:
    """A directory or a missing parent as destination, a missing, directory or non-UTF-8
    template: each a ValidationError of one line naming the path."""
    (tmp_path / "bin.tpl").write_bytes(b"\xff\xfe$title")
    cases = [
        (lambda: files.check_destination(tmp_path), "is a directory"),
        (lambda: files.check_destination(tmp_path / "a" / "b.md"), "does not exist"),
        (lambda: files.read_template(tmp_path / "none.tpl"), "Card template not found"),
        (lambda: files.read_template(tmp_path), "is a directory"),
        (lambda: files.read_template(tmp_path / "bin.tpl"), "not UTF-8 text"),
    ]
    for call, message in cases:
        with pytest.raises(ValidationError, match=message) as caught:
            call()
        assert "\n" not in str(caught.value) and str(tmp_path) in str(caught.value)
