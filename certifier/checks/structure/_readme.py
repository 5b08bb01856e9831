"""The root README: which file it is, its text, and its headings (Markdown ATX/setext, reStructuredText)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from certifier.connector.files import TextFile, read_file
from certifier.connector.structure_rules import rule, text_limit
from certifier.collect.context import CheckContext

_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_UNDERLINE = re.compile(r"^\s{0,3}([=\-~^*+#`'\"])\1{2,}\s*$")
_HTML_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.IGNORECASE)
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")


@dataclass(frozen=True)
class Heading:
    line: int
    text: str


def find_readme(ctx: CheckContext) -> str | None:
    """The repo-relative name of the root README (first of rules' names, case-insensitive), if any."""
    names = [n.lower() for n in rule("readme", "names")]
    candidates = {p.lower(): p for p in (*ctx.checkout.files, *ctx.checkout.symlinks) if "/" not in p}
    for name in names:
        if name in candidates:
            return candidates[name]
    return None


def read_readme(ctx: CheckContext) -> TextFile | None:
    name = find_readme(ctx)
    return read_file(ctx.root, name, text_limit()) if name else None


def headings(text: str) -> list[Heading]:
    """Headings with their 1-based line; a **bold line** counts too (many READMEs use it as a heading)."""
    out: list[Heading] = []
    lines = text.splitlines()
    fenced = False
    for number, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        atx = _ATX.match(line)
        if atx:
            out.append(Heading(number + 1, atx.group(1)))
        elif number > 0 and _UNDERLINE.match(line) and lines[number - 1].strip():
            out.append(Heading(number, lines[number - 1].strip()))
        elif (bold := _BOLD_LINE.match(line)) is not None:
            out.append(Heading(number + 1, bold.group(1)))
        out.extend(Heading(number + 1, h) for h in _HTML_HEADING.findall(line))
    return out


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def heading_matches(heading: str, keywords: list[str]) -> bool:
    """True when one keyword (one or more words) appears as whole words in the heading."""
    words = " ".join(words_of(heading))
    return any(re.search(rf"(?<![a-z0-9]){re.escape(' '.join(words_of(k)))}(?![a-z0-9])", words) for k in keywords)
