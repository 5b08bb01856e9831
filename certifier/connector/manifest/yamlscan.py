"""A streaming pass over the YAML events of connect.yaml, run before anything is built from it.

ruamel's composer and constructor recurse once per nesting level and expand nothing lazily, so
hostile input is refused here first, in one iterative pass that stops at the first limit:
nesting depth, node count, alias count and alias expansion ("billion laughs"). The same pass finds
every duplicate mapping key (ruamel stops at the first) and every merge key (`<<`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ruamel.yaml import YAML
from ruamel.yaml import events as ev

from certifier.connector.manifest.rulesdata import ManifestLimits


@dataclass(frozen=True)
class ScanProblem:
    rule: str
    message: str
    line: int  # 1-based
    column: int  # 1-based
    fatal: bool = True  # False: worth a warning, the document can still be built


@dataclass
class _Frame:
    is_map: bool
    anchor: str | None
    size: int = 1
    expect_key: bool = True
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)


class _LimitExceeded(Exception):
    def __init__(self, problem: ScanProblem):
        self.problem = problem


def _at(event: ev.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Scanner:
    def __init__(self, limits: ManifestLimits):
        self.limits = limits
        self.frames: list[_Frame] = []
        self.anchors: dict[str, int] = {}  # anchor -> expanded node count
        self.nodes = 0
        self.aliases = 0
        self.documents = 0
        self.root_size = 0
        self.here = (1, 1)  # position of the event being fed
        self.problems: list[ScanProblem] = []

    def feed(self, event: ev.Event) -> None:
        self.here = _at(event)
        if isinstance(event, ev.DocumentStartEvent):
            self._document(event)
        elif isinstance(event, (ev.ScalarEvent, ev.AliasEvent, ev.MappingStartEvent, ev.SequenceStartEvent)):
            self._node(event)
        elif isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
            self._close()

    def _document(self, event: ev.Event) -> None:
        self.documents += 1
        if self.documents > 1:
            line, column = _at(event)
            raise _LimitExceeded(ScanProblem(
                "multiple-documents",
                f"connect.yaml holds more than one YAML document (a second document starts at line {line}, "
                f"column {column}); the official parser accepts exactly one", line, column))

    def _node(self, event: ev.Event) -> None:
        self._count(event)
        self._track_key(event)
        if isinstance(event, ev.AliasEvent):
            self._refuse_recursive(event)
            self._add(self.anchors.get(event.anchor, 1))
        elif isinstance(event, ev.ScalarEvent):
            if event.anchor:
                self.anchors[event.anchor] = 1
            self._add(1)
        else:
            self._open(event)

    def _count(self, event: ev.Event) -> None:
        self.nodes += 1
        line, column = _at(event)
        if self.nodes > self.limits.max_nodes:
            raise _LimitExceeded(ScanProblem(
                "too-many-nodes", f"connect.yaml has more than {self.limits.max_nodes} YAML nodes "
                f"(limit reached at line {line}, column {column}); a connector manifest needs far fewer",
                line, column))
        if isinstance(event, ev.AliasEvent):
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                raise _LimitExceeded(ScanProblem(
                    "too-many-aliases", f"connect.yaml uses more than {self.limits.max_aliases} YAML aliases "
                    f"(limit reached at line {line}, column {column}); write the values out instead of "
                    "referencing anchors", line, column))

    def _track_key(self, event: ev.Event) -> None:
        if not self.frames or not self.frames[-1].is_map:
            return
        frame = self.frames[-1]
        is_key, frame.expect_key = frame.expect_key, not frame.expect_key
        if not is_key or not isinstance(event, ev.ScalarEvent):
            return
        line, column = _at(event)
        if event.value == "<<" and event.style is None:
            self.problems.append(ScanProblem(
                "merge-key", f"YAML merge key '<<' at line {line}, column {column}: YAML 1.2 has no merge keys "
                "and the official parser may read '<<' as an ordinary (unrecognized) key; write the values "
                "out instead", line, column, fatal=False))
        first = frame.keys.get(event.value)
        if first is None:
            frame.keys[event.value] = (line, column)
            return
        self.problems.append(ScanProblem(
            "duplicate-key", f"Map keys must be unique at line {line}, column {column}: "
            f"{event.value!r} is already defined at line {first[0]}, column {first[1]}", line, column))

    def _refuse_recursive(self, event: ev.AliasEvent) -> None:
        if any(frame.anchor == event.anchor for frame in self.frames):
            line, column = self.here
            raise _LimitExceeded(ScanProblem(
                "recursive-alias", f"YAML alias *{event.anchor} at line {line}, column {column} refers to a "
                "collection that contains it: a recursive structure cannot be a connector manifest",
                line, column))

    def _open(self, event: ev.Event) -> None:
        if len(self.frames) >= self.limits.max_depth:
            line, column = _at(event)
            raise _LimitExceeded(ScanProblem(
                "too-deep", f"connect.yaml nests collections more than {self.limits.max_depth} levels deep "
                f"(at line {line}, column {column}); a connector manifest needs about 5", line, column))
        self.frames.append(_Frame(isinstance(event, ev.MappingStartEvent), event.anchor))

    def _close(self) -> None:
        frame = self.frames.pop()
        if frame.anchor:
            self.anchors[frame.anchor] = frame.size
        self._add(frame.size)

    def _add(self, size: int) -> None:
        if self.frames:
            self.frames[-1].size += size
        else:
            self.root_size += size
        # each open frame holds itself and its closed descendants: together, everything seen so far
        total = self.root_size + sum(frame.size for frame in self.frames)
        if total > self.limits.max_expanded_nodes:
            line, column = self.here
            raise _LimitExceeded(ScanProblem(
                "alias-expansion", f"connect.yaml expands to more than {self.limits.max_expanded_nodes} nodes "
                f"through YAML aliases (at line {line}, column {column}): refused as an alias bomb",
                line, column))


def scan(text: str, limits: ManifestLimits) -> list[ScanProblem]:
    """Problems found in `text`. YAML syntax errors propagate as ruamel's MarkedYAMLError."""
    scanner = _Scanner(limits)
    try:
        for event in YAML(typ="rt").parse(text):  # a fresh instance: ruamel keeps parser state per instance
            scanner.feed(event)
    except _LimitExceeded as stop:
        return [*scanner.problems, stop.problem]
    return scanner.problems
