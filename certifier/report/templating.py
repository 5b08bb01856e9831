"""Jinja2 environments for the report templates, one per output language.

Every `{{ expression }}` goes through a `finalize` hook before it is written: untrusted text is
bounded and its control characters made inert in every format; the HTML environment then
autoescapes (autoescape=True for every template, whatever its name), the Markdown environment
escapes Markdown (md_escape) unless a fragment is explicitly marked trusted with `MdSafe`.
"""

from __future__ import annotations

import enum
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from certifier.core.paths import templates_dir
from certifier.report.escape import bounded_json, md_escape, safe_text, scrub_local_paths, truncate
from certifier.report.problems import Link, Problem, plural
from certifier.report.view import OUTCOMES


class MdSafe(str):
    """Markdown written by the certifier itself (icons, fixed words): not escaped again."""


def _plain_value(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _finalize_text(value: Any) -> Any:
    value = _plain_value(value)
    if value is None:
        return ""
    return safe_text(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def _finalize_markdown(value: Any) -> Any:
    value = _plain_value(value)
    if value is None:
        return ""
    if isinstance(value, MdSafe):
        return value
    return md_escape(scrub_local_paths(value)) if isinstance(value, str) else value


def md_link(link: Link) -> MdSafe:
    """[text](url) for a URL certifier built (problems.SourceLinks, advisory_link); plain escaped text else."""
    text = md_escape(scrub_local_paths(link.text))
    return MdSafe(f"[{text}]({link.url})" if link.url else text)


def md_where(problem: Problem) -> MdSafe:
    """The main place of a problem, linked to the certified commit when the host is known."""
    if not problem.places:
        return MdSafe(md_escape(scrub_local_paths(problem.where())))
    first = problem.places[0]
    more = f" (+{len(problem.places) - 1} more)" if len(problem.places) > 1 else ""
    return MdSafe(md_link(Link(first.display(), first.url)) + more)


def md_advisories(problem: Problem) -> MdSafe:
    return MdSafe(", ".join(md_link(a.link) for a in problem.advisories))


def _short(value: Any, length: int = 12) -> str:
    return str(value or "")[:length]


def _seconds(value: Any) -> str:
    return f"{float(value or 0.0):.2f} s"


def _oneline(value: Any) -> str:
    return " ".join(str(value).split())


def _environment(*, autoescape: bool, finalize, keep_trailing_newline: bool = False) -> Environment:
    """A template environment over report_templates/ with the filters every format shares."""
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=autoescape,
        undefined=StrictUndefined,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )
    env.filters.update(short=_short, seconds=_seconds, evidence=bounded_json, truncate_text=truncate,
                       value=_plain_value, oneline=_oneline, plural=plural)
    env.globals.update(OUTCOMES=OUTCOMES)
    return env


@lru_cache(maxsize=1)
def html_env() -> Environment:
    # autoescape: every value from a connector is untrusted
    return _environment(autoescape=True, finalize=_finalize_text)


@lru_cache(maxsize=1)
def markdown_env() -> Environment:
    env = _environment(autoescape=False, finalize=_finalize_markdown, keep_trailing_newline=True)
    env.filters.update(md=md_escape, safe_md=MdSafe, md_where=md_where, md_advisories=md_advisories)
    return env


@lru_cache(maxsize=1)
def text_env() -> Environment:
    return _environment(autoescape=False, finalize=_finalize_text, keep_trailing_newline=True)
