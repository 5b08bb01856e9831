"""Inert text, truncation and bounded evidence."""

from __future__ import annotations

import json

from certifier.report.escape import bounded_json, inert, safe_text, truncate


def test_inert_replaces_controls_bidi_and_invisibles_but_keeps_newline_and_tab():
    assert inert("a\u202eb\u2066c\u200bd\x00e\x1bf\ufeffg") == (
        "a\u27e8U+202E\u27e9b\u27e8U+2066\u27e9c\u27e8U+200B\u27e9d\u27e8U+0000\u27e9e\u27e8U+001B\u27e9f"
        "\u27e8U+FEFF\u27e9g"
    )
    assert inert("line\r\nnext\tcol") == "line\nnext\tcol"
    assert inert("\udcff") == "\u27e8U+DCFF\u27e9"
    assert inert("Größe ☃ 日本") == "Größe ☃ 日本"


def test_truncate_says_how_much_was_cut():
    assert truncate("abc", 5) == "abc"
    assert truncate("abcdefgh", 3) == "abc\u2026 [5 more characters]"


def test_safe_text_bounds_before_scanning():
    assert safe_text("\u202e" * 50, limit=2) == "\u27e8U+202E\u27e9" * 2 + "\u2026 [48 more characters]"


def test_bounded_json_bounds_strings_items_depth_and_total():
    deep: dict = {}
    cursor = deep
    for _ in range(20):
        cursor["d"] = {}
        cursor = cursor["d"]
    value = {"long": "x" * 5000, "many": list(range(500)), "keys": {str(n): n for n in range(200)}, "deep": deep,
             "nan": float("nan"), "obj": object()}
    text = bounded_json(value, max_str=100, max_items=10, max_depth=4)
    data = json.loads(text)
    assert data["long"].startswith("x" * 100) and "4900 more characters" in data["long"]
    assert data["many"][:10] == list(range(10)) and data["many"][10] == "\u2026 490 more items"
    assert len(data["keys"]) == 11 and data["keys"]["\u2026"] == "190 more keys"
    assert "nested too deep" in text and data["nan"] == "nan" and data["obj"].startswith("<object")
    assert len(bounded_json({"k": "y" * 50_000}, max_str=100_000, max_total=1000)) < 1100
