"""``snclint graph``: the scan's graph as JSON, DOT, GraphML or Mermaid."""
from __future__ import annotations

import io
import json
from typing import Callable

import networkx as nx

from linter.rules.context import Context


def _plain(ctx: Context) -> nx.MultiDiGraph:
    """Node and edge attributes as strings, which every format can hold."""
    plain = nx.MultiDiGraph()
    for key, data in ctx.graph.nodes(data=True):
        node = data["node"]
        hosting = data.get("hosting")
        cls = ctx.classifications.get(key)
        state = ctx.sensitive.get(key)
        plain.add_node(key, address=node.address, type=node.type, kind=node.kind.value,
                       file=node.location.file, line=node.location.line,
                       classification=cls.level or cls.status if cls else "",
                       sensitive=state[0] if state else "",
                       qualification=hosting.qualification if hosting else "")
    for u, v, data in ctx.graph.edges(data=True):
        plain.add_edge(u, v, relation=data["relation"].value, file=data["location"].file,
                       line=data["location"].line)
    return plain


def to_json(ctx: Context) -> str:
    return json.dumps(nx.node_link_data(_plain(ctx), edges="edges"), indent=2, ensure_ascii=False) + "\n"


def to_graphml(ctx: Context) -> str:
    buffer = io.BytesIO()
    nx.write_graphml(_plain(ctx), buffer)
    return buffer.getvalue().decode("utf-8")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(ctx: Context) -> str:
    plain = _plain(ctx)
    lines = ["digraph snclint {", "  rankdir=LR;"]
    for key, data in plain.nodes(data=True):
        label = f"{data['address']}\\n{data['kind']}" + (f" [{data['sensitive']}]" if data["sensitive"] else "")
        lines.append(f"  {_quote(key)} [label={_quote(label)}];")
    for u, v, data in plain.edges(data=True):
        lines.append(f"  {_quote(u)} -> {_quote(v)} [label={_quote(data['relation'])}];")
    return "\n".join(lines + ["}"]) + "\n"


def to_mermaid(ctx: Context) -> str:
    plain = _plain(ctx)
    ids = {key: f"n{i}" for i, key in enumerate(sorted(plain.nodes))}
    lines = ["flowchart LR"]
    for key in sorted(plain.nodes):
        label = plain.nodes[key]["address"].replace('"', "'")
        lines.append(f'  {ids[key]}["{label}"]')
    for u, v, data in plain.edges(data=True):
        lines.append(f"  {ids[u]} -->|{data['relation']}| {ids[v]}")
    return "\n".join(lines) + "\n"


EXPORTERS: dict[str, Callable[[Context], str]] = {
    "json": to_json, "dot": to_dot, "graphml": to_graphml, "mermaid": to_mermaid,
}
