"""Making untrusted text safe to show: inert control characters, bounded length, Markdown escaping.

Everything a connector controls (names, messages, paths, evidence) reaches humans through these
functions. HTML escaping itself is Jinja2's autoescape; what autoescape does not cover is here:
invisible and bidirectional control characters (which can make a path read differently from what it
is), terminal escape sequences (in the plain-text summary) and Markdown syntax.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# C0/C1 controls (except tab and newline), soft hyphen, Arabic letter mark, Mongolian vowel separator,
# zero-width and bidi controls, line/paragraph separators, invisible operators, BOM, interlinear
# annotation, lone surrogates (undecodable file names) and Unicode tag characters.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)

DEFAULT_TEXT_LIMIT = 10_000


def inert(text: str) -> str:
    """Replace invisible/control characters by a visible `<U+202E>`-style marker; keep tab and newline."""
    text = text.replace("\r\n", "\n")
    return _UNSAFE.sub(lambda m: f"\u27e8U+{ord(m.group()):04X}\u27e9", text)


def truncate(text: str, limit: int = DEFAULT_TEXT_LIMIT) -> str:
    """Bound a string; say how much was cut so a reader knows the text is incomplete."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\u2026 [{len(text) - limit} more characters]"


def safe_text(text: str, limit: int = DEFAULT_TEXT_LIMIT) -> str:
    """Truncate first (so the work is bounded), then make inert."""
    return inert(truncate(text, limit))


# Characters with a meaning in GitHub Markdown (CommonMark + GFM tables, strikethrough, math) or
# in the HTML GitHub accepts inside Markdown. Backslash escapes work for ASCII punctuation.
_MD_MAP = {
    "\\": "\\\\",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "\\|",
    "`": "\\`",
    "[": "\\[",
    "]": "\\]",
    "*": "\\*",
    "_": "\\_",
    "~": "\\~",
    "$": "\\$",
    "#": "\\#",
}
_MD_TABLE = str.maketrans(_MD_MAP)
_LEADING_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")  # an ordered-list marker


def md_escape(value: Any, limit: int = 500) -> str:
    """Escape text for one line of GitHub Markdown (table cell, list item, paragraph).

    Newlines and tabs become spaces (a cell cannot hold a line break), outer blanks are trimmed, every character with
    Markdown or HTML meaning is escaped, and a leading list/heading/setext marker is neutralised.
    Never put the result inside a code span: escapes are not interpreted there.
    """
    text = safe_text(str(value), limit)
    # Leading blanks would let a marker after them start a nested block, so they go too.
    text = re.sub(r"[\n\t]+", " ", text).strip().translate(_MD_TABLE)
    if text[:1] in ("-", "+", "="):
        text = "\\" + text
    return _LEADING_ORDERED.sub(r"\1\\\2", text)


# Absolute paths under the usual homes of checkouts, caches and workspaces: the job summary is published,
# and it must not tell the world how the machine that ran it is laid out.
_LOCAL_PATH = re.compile(r"(?<![\w.~-])/(?:tmp|root|home|Users|var|private|work|builds|github|runner|__w)"
                         r"/[^\s'\"`<>|)\]]*")
LOCAL_PATH_MARK = "<local path>"


def scrub_local_paths(text: str) -> str:
    """Replace absolute paths of the machine (/tmp/..., /root/..., /home/...) by a marker."""
    return _LOCAL_PATH.sub(LOCAL_PATH_MARK, text)


def public_source(source: str) -> str:
    """A repository URL as it is; a local path (which says nothing to a reader elsewhere) by its folder name."""
    if "://" in source or re.match(r"^[\w.-]+@[\w.-]+:", source):
        return source
    name = source.rstrip("/").rsplit("/", 1)[-1] or source
    return f"{name} (a local repository)"


def _bounded(value: Any, max_str: int, max_items: int, depth: int) -> Any:
    if isinstance(value, str):
        return truncate(value, max_str)
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if depth <= 0:
        return "\u2026 (nested too deep)"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        out = {str(k): _bounded(v, max_str, max_items, depth - 1) for k, v in items[:max_items]}
        if len(items) > max_items:
            out["\u2026"] = f"{len(items) - max_items} more keys"
        return out
    if isinstance(value, (list, tuple)):
        out_list = [_bounded(v, max_str, max_items, depth - 1) for v in value[:max_items]]
        if len(value) > max_items:
            out_list.append(f"\u2026 {len(value) - max_items} more items")
        return out_list
    return truncate(repr(value), max_str)


def bounded_json(value: Any, *, max_str: int = 1_000, max_items: int = 50, max_depth: int = 6,
                 max_total: int = 8_000) -> str:
    """Pretty JSON of evidence with every string, list, dict and the whole text bounded."""
    text = json.dumps(_bounded(value, max_str, max_items, max_depth), indent=2, sort_keys=True, ensure_ascii=False)
    return truncate(text, max_total)
