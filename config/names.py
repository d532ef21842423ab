"""Names used more than once, found in one pass: the one duplicate finder of the configuration checks
(`config.loading.repeats`) and of the constructs' props (FlinkProps, SparkProps, NodePoolsChart).

Each name is looked up in a dict once, so the cost grows with the number of names, not with its square (a list's
`count` per name took 1.9 s for 10,000 names). Imports nothing of the project, so every layer may use it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import TypeVar

W = TypeVar("W")
N = TypeVar("N", bound=Hashable)


def repetitions(named: Iterable[tuple[W, N]]) -> Iterator[tuple[W, N, W]]:
    """(where, name, where before) for each (where, name) of `named` whose name was seen before, in the order of
    `named`; `where before` is the latest earlier item of that name. A name given k times yields k - 1 times.

    `where` is anything that places an item (a config path such as `jobs[3]`, an index); it is passed through.
    """
    latest: dict[N, W] = {}
    for where, name in named:
        if name in latest:
            yield where, name, latest[name]
        latest[name] = where


def used_twice(names: Iterable[N]) -> list[N]:
    """The names given more than once in `names`, each once, sorted (names must be orderable).

    >>> used_twice(["b", "a", "b", "c", "a", "b"])
    ['a', 'b']
    """
    return sorted({name for _, name, _ in repetitions(enumerate(names))})  # type: ignore[type-var]
