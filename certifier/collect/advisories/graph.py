"""Dev/prod reachability over a lockfile's dependency graph (yarn and pnpm v9 record no `dev` flag).

A package is a dev dependency when only the dev roots reach it; a package no root reaches (an orphan
entry) counts as production, the conservative choice for an audit.
"""

from __future__ import annotations

from collections import deque
from typing import Callable, Hashable, Iterable, TypeVar

K = TypeVar("K", bound=Hashable)


def reachable(roots: Iterable[K], edges: Callable[[K], Iterable[K]]) -> set[K]:
    seen: set[K] = set()
    queue = deque(r for r in roots)
    while queue:
        node = queue.popleft()
        if node in seen:
            continue
        seen.add(node)
        queue.extend(n for n in edges(node) if n not in seen)
    return seen


def dev_only(prod_roots: Iterable[K], dev_roots: Iterable[K], edges: Callable[[K], Iterable[K]]) -> set[K]:
    """Nodes reached from the dev roots and not from the production roots."""
    prod = reachable(prod_roots, edges)
    return reachable(dev_roots, edges) - prod
