"""The unit tree: one subtree walk over parent links, for every layer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping


def children_of(parents: Mapping[int, int | None]) -> dict[int | None, list[int]]:
    """Each unit's direct children (``None`` holds the roots)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit, parent in parents.items():
        children[parent].append(unit)
    return children


def subtree(parents: Mapping[int, int | None], root: int) -> set[int]:
    """``root`` and every unit below it (safe on a cycle)."""
    children = children_of(parents)
    found, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found
