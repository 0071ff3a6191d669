"""``snclint graph``: the scan's graph as JSON, DOT, GraphML or Mermaid."""
from __future__ import annotations

import io
import json
from typing import Callable, Mapping, Protocol

import networkx as nx

from linter.graph.chains import hosting_chain
from linter.graph.sensitivity import Classification, Step


class Context(Protocol):
    """What the export shows of a scan: the graph, with each node's classification and
    sensitivity (the rules' context is one; the graph stage does not import it)."""

    @property
    def graph(self) -> nx.MultiDiGraph: ...

    @property
    def classifications(self) -> Mapping[str, Classification]: ...

    @property
    def sensitive(self) -> Mapping[str, tuple[str, list[Step]]]: ...


def _plain(ctx: Context, only_sensitive: bool = False) -> nx.MultiDiGraph:
    """Node and edge attributes as strings, which every format can hold; ``only_sensitive`` keeps
    the sensitive nodes, what they are hosted on, and the edges between those."""
    keep = _sensitive_chains(ctx) if only_sensitive else set(ctx.graph.nodes)
    plain = nx.MultiDiGraph()
    for key, data in ctx.graph.nodes(data=True):
        if key not in keep:
            continue
        node = data["node"]
        hosting = data.get("hosting")
        cls = ctx.classifications.get(key)
        state = ctx.sensitive.get(key)
        plain.add_node(key, address=node.address, type=node.type, kind=node.kind.value,
                       file=node.location.file, line=node.location.line,
                       root=node.root or "", cluster=node.cluster or "",
                       classification=cls.level or cls.status if cls else "",
                       sensitive=state[0] if state else "",
                       qualification=hosting.qualification if hosting else "")
    for u, v, data in ctx.graph.edges(data=True):
        if u in keep and v in keep:
            plain.add_edge(u, v, relation=data["relation"].value, file=data["location"].file,
                           line=data["location"].line)
    return plain


def _sensitive_chains(ctx: Context) -> set[str]:
    keep = set(ctx.sensitive)
    for key in ctx.sensitive:
        hops, _ = hosting_chain(ctx.graph, key)
        keep.update(k for k, _ in hops)
    return keep


def to_json(ctx: Context, only_sensitive: bool = False) -> str:
    return json.dumps(nx.node_link_data(_plain(ctx, only_sensitive), edges="edges"), indent=2,
                      ensure_ascii=False) + "\n"


def to_graphml(ctx: Context, only_sensitive: bool = False) -> str:
    buffer = io.BytesIO()
    nx.write_graphml(_plain(ctx, only_sensitive), buffer)
    return buffer.getvalue().decode("utf-8")


# fill by what a node holds, border by where it runs: the picture reads as the rules do
_SENSITIVE_FILL = "#f8d7da"
_OTHER_FILL = "#ffffff"
_QUALIFICATION_COLOUR = {"qualified": "#1e7e34", "not-qualified": "#c82333"}
_UNKNOWN_COLOUR = "#e0a800"
_SHAPE = {"datastore": "cylinder", "cluster": "box3d", "hosting": "house", "workload": "component"}


def _dot_label(*lines: str) -> str:
    """A quoted DOT label whose lines are separate (``\\n`` is Graphviz's line break; the text of
    each line is escaped, so a hostile address cannot add lines or close the quote)."""
    return '"' + "\\n".join(_escape(line) for line in lines) + '"'


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")


def _quote(text: str) -> str:
    return '"' + _escape(text) + '"'


def _dot_node(key: str, data: dict[str, object]) -> str:
    lines = [str(data["address"]), str(data["kind"])]
    if data["sensitive"]:
        lines.append(f"sensitive: {data['sensitive']}")
    if data["qualification"]:
        lines.append(str(data["qualification"]))
    colour = _QUALIFICATION_COLOUR.get(str(data["qualification"]), _UNKNOWN_COLOUR if data["qualification"]
                                       else "#6c757d")
    fill = _SENSITIVE_FILL if data["sensitive"] else _OTHER_FILL
    width = "2.5" if data["sensitive"] else "1"
    return (f"    {_quote(key)} [label={_dot_label(*lines)}, shape={_SHAPE.get(str(data['kind']), 'box')}, "
            f'style="filled", fillcolor="{fill}", color="{colour}", penwidth={width}];')


def to_dot(ctx: Context, only_sensitive: bool = False) -> str:
    """Graphviz: a cluster box per root module and per Kubernetes cluster; hosting nodes apart."""
    plain = _plain(ctx, only_sensitive)
    lines = ["digraph snclint {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=9, color="#495057"];']
    groups: dict[str, list[str]] = {}
    for key, data in sorted(plain.nodes(data=True)):
        group = f"cluster {data['cluster']}" if data["cluster"] else f"root {data['root']}" if data["root"] else ""
        groups.setdefault(group, []).append(_dot_node(key, data))
    for index, (group, members) in enumerate(sorted(groups.items())):
        if not group:
            lines.extend(m[2:] for m in members)
            continue
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f'    label={_quote(group)}; style="rounded"; color="#adb5bd";')
        lines.extend(members)
        lines.append("  }")
    for u, v, data in plain.edges(data=True):
        style = ', style="dashed"' if data["relation"] in ("hosted_on", "references") else ""
        lines.append(f"  {_quote(u)} -> {_quote(v)} [label={_quote(data['relation'])}{style}];")
    return "\n".join(lines + ["}"]) + "\n"


def to_mermaid(ctx: Context, only_sensitive: bool = False) -> str:
    plain = _plain(ctx, only_sensitive)
    ids = {key: f"n{i}" for i, key in enumerate(sorted(plain.nodes))}
    lines = ["flowchart LR"]
    for key in sorted(plain.nodes):
        label = plain.nodes[key]["address"].replace('"', "'")
        lines.append(f'  {ids[key]}["{label}"]')
    for u, v, data in plain.edges(data=True):
        lines.append(f"  {ids[u]} -->|{data['relation']}| {ids[v]}")
    return "\n".join(lines) + "\n"


EXPORTERS: dict[str, Callable[[Context, bool], str]] = {
    "json": to_json, "dot": to_dot, "graphml": to_graphml, "mermaid": to_mermaid,
}
