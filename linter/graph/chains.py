"""Walking the graph: the ``hosted_on`` chain from a resource to its hosting."""
from __future__ import annotations

import networkx as nx

from linter.model import Hosting, Location, Relation


def hosting_chain(graph: nx.MultiDiGraph, key: str,
                  limit: int = 16) -> tuple[list[tuple[str, Location]], Hosting | None]:
    """Follow ``hosted_on`` from ``key`` (resource → cluster → … → hosting): the hops and the
    hosting reached, None when the chain ends without one."""
    hops: list[tuple[str, Location]] = []
    seen = {key}
    current = key
    for _ in range(limit):
        hosting = graph.nodes[current].get("hosting")
        if hosting is not None:
            return hops, hosting
        nxt = next(((v, d["location"]) for _, v, d in graph.out_edges(current, data=True)
                    if d["relation"] == Relation.HOSTED_ON and v not in seen), None)
        if nxt is None:
            return hops, None
        hops.append(nxt)
        seen.add(nxt[0])
        current = nxt[0]
    return hops, None
