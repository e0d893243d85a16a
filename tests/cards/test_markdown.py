"""User text in the card's Markdown renders as exactly what it holds (markdown-it, the
CommonMark parser rich and Textual use, with GFM tables) and never changes the document's
structure: no heading, list, code, link, HTML or extra table cell comes out of it."""

from __future__ import annotations

import html
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from registry_tui.cards.markdown import code_block, inline, json_block, prose, table
from registry_tui.escapes import visible

MD = MarkdownIt("commonmark").enable("table")

HOSTILE_TEXT = [
    "# heading", "## two", "gpt|small", "`tick` ``double``", "```fence", "<b>bold</b>",
    "<script>alert(1)</script>", "&amp; &#35;", "1. ordered", "2) also", "- bullet",
    "+ plus", "* star", "*em* **strong** _u_ __uu__", "[link](http://x)", "![img](x.png)",
    "    four spaces", "  two", "trailing  ", "line\nbreak", "---", "===", "> quote",
    "$x^2$ $$y$$", "~~strike~~", "back\\slash\\", "a\\|b", "\\*", "<http://auto>",
    "1.1.0", "1.", "12)", "-", "--", "-x", "+", "=", "= =", "\u3000wide space\u3000",
    "模型🚀", "\x1b[31mred\x1b[0m", "\u202eevil", "{curly}", "[^note]", "trailing \\",
]  # fmt: skip


def _text(rendered: str) -> str:
    """The characters a reader sees: tags dropped, entities decoded, no-break spaces plain."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace("\xa0", " ")


@pytest.mark.parametrize("value", HOSTILE_TEXT)
def test_inline_text_renders_literally_in_one_paragraph(value: str) -> None:
    """Each piece of hostile text is one paragraph showing exactly ``visible(value)``."""
    tokens = MD.parse("Name: " + inline(value))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert [c.type for c in tokens[1].children or []] in (["text"], ["text", "text"], ["text"] * 3)
    assert _text(MD.render("Name: " + inline(value))).strip() == ("Name: " + visible(value)).strip()


@pytest.mark.parametrize("value", HOSTILE_TEXT)
def test_a_cell_stays_one_cell(value: str) -> None:
    """In a table, hostile text fills its own cell: the row keeps its three cells."""
    rendered = MD.render(table(["A", "B", "C"], [["x", inline(value), "y"]]))
    cells = re.findall(r"<td>(.*?)</td>", rendered, re.S)
    assert len(cells) == 3 and _text(cells[1]).strip() == visible(value).strip()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text())
def test_any_text_renders_as_it_reads(value: str) -> None:
    """Any text at all, at the start of a line or in a cell, renders as ``visible(value)``."""
    expected = visible(value).replace("\xa0", " ").strip(" ")
    assert _text(MD.render(inline(value))).strip("\n").strip(" ") == expected
    cells = re.findall(r"<td>(.*?)</td>", MD.render(table(["A"], [[inline(value)]])), re.S)
    assert len(cells) == 1 and _text(cells[0]).strip(" ") == expected


def test_prose_keeps_its_lines_and_paragraphs() -> None:
    """Author prose keeps paragraphs and line breaks; Markdown in it stays literal."""
    rendered = MD.render(prose("# not a heading\n- not a list\n\n    not code\n<i>x</i>"))
    assert "<h1>" not in rendered and "<li>" not in rendered and "<code>" not in rendered
    assert rendered.count("<p>") == 2 and "<br />" in rendered
    assert "# not a heading" in _text(rendered) and "<i>x</i>" in _text(rendered)


def test_json_blocks_are_exact_json_that_no_backticks_close() -> None:
    """A config holding backtick fences and controls is one code block, valid JSON equal to
    the config once read back, with no raw control character in it."""
    config = {"a```b": "````", "esc": "\x1b[2J", "nested": {"k": ["\u202e", "\x85"]}}
    block = json_block(config)
    tokens = [t for t in MD.parse(block) if t.type == "fence"]
    assert len(tokens) == 1 and json.loads(tokens[0].content) == config
    assert visible(block) == block.replace("\n", "\\n")
    assert code_block("x").startswith("```\n")
