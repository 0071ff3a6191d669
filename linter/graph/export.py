"""``snclint graph``: the scan's graph as JSON, DOT, GraphML or Mermaid, written as a stream.

Each writer reads the scan's own graph and writes one node or edge at a time: no second graph,
no whole document in memory, so exporting costs about what the scan's graph already costs (an
estate of 30,000 resources gives a 35 MB JSON document). The output is the same for the same
scan: nodes in the graph's order (JSON, GraphML) or sorted by key (DOT, Mermaid), edges in the
graph's order.
"""
from __future__ import annotations

import re
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, Protocol
from xml.sax.saxutils import quoteattr

from linter.graph.chains import hosting_chain

if TYPE_CHECKING:
    import networkx as nx

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


class Out(Protocol):
    """Where a document is written, one piece at a time (a text file, standard output, a copy)."""

    def write(self, text: str, /) -> object: ...


Value = str | int
# Every format holds these, in this order: strings, but the line numbers.
NODE_FIELDS = ("address", "type", "kind", "file", "line", "root", "cluster", "classification", "sensitive",
               "qualification")
EDGE_FIELDS = ("relation", "file", "line")


class _Selection:
    """The nodes shown (all, or the sensitive ones and their hosting chains), read one at a time."""

    def __init__(self, ctx: Context, only_sensitive: bool) -> None:
        self.ctx = ctx
        self.keep: set[str] | None = _sensitive_chains(ctx) if only_sensitive else None

    def kept(self, key: str) -> bool:
        return self.keep is None or key in self.keep

    def keys(self) -> Iterator[str]:
        """Node keys in the graph's order."""
        return (key for key in self.ctx.graph if self.kept(key))

    def node_values(self, key: str) -> tuple[Value, ...]:
        """One node's values in ``NODE_FIELDS``' order: strings (and its line), which every format can hold."""
        data = self.ctx.graph.nodes[key]
        node = data["node"]
        hosting = data.get("hosting")
        cls = self.ctx.classifications.get(key)
        state = self.ctx.sensitive.get(key)
        return (node.address, node.type, node.kind.value, node.location.file, node.location.line,
                node.root or "", node.cluster or "", (cls.level or cls.status) if cls else "",
                state[0] if state else "", hosting.qualification if hosting else "")

    def edge_values(self) -> Iterator[tuple[str, str, int, tuple[Value, ...]]]:
        """Edges between kept nodes, by source in the graph's order, with their values in
        ``EDGE_FIELDS``' order; the number tells parallel edges of one pair apart (0, 1, …), as
        networkx's own writers number them."""
        for u, targets in self.ctx.graph.adjacency():
            if not self.kept(u):
                continue
            for v, parallel in targets.items():
                if not self.kept(v):
                    continue
                for number, data in enumerate(parallel.values()):
                    location = data["location"]
                    yield u, v, number, (data["relation"].value, location.file, location.line)


def _sensitive_chains(ctx: Context) -> set[str]:
    keep = set(ctx.sensitive)
    for key in ctx.sensitive:
        hops, _ = hosting_chain(ctx.graph, key)
        keep.update(k for k, _ in hops)
    return keep


# --- JSON: networkx's node-link layout (``nx.node_link_graph(data, edges="edges")`` reads it back) --

# a string's JSON text as ``json.dumps(text, ensure_ascii=False)`` writes it (the C encoder's own function)
_JSON_STRING = encode_basestring


def _json_template(names: tuple[str, ...]) -> str:
    """One list item's text, a ``%s`` for each value, laid out as ``json.dumps(…, indent=2)`` does."""
    return "    {\n" + ",\n".join(f'      "{name}": %s' for name in names) + "\n    }"


_NODE_JSON = _json_template((*NODE_FIELDS, "id"))
_EDGE_JSON = _json_template((*EDGE_FIELDS, "source", "target", "key"))


def _json_values(values: tuple[Value, ...]) -> list[str | int]:
    return [_JSON_STRING(value) if isinstance(value, str) else value for value in values]


def _json_list(out: Out, name: str, items: Iterator[str], last: bool) -> None:
    first = True
    for item in items:
        out.write((f'  "{name}": [\n' if first else ",\n") + item)
        first = False
    out.write(f'  "{name}": []' if first else "\n  ]")
    out.write("\n" if last else ",\n")


def write_json(ctx: Context, out: Out, only_sensitive: bool = False) -> None:
    shown = _Selection(ctx, only_sensitive)
    out.write('{\n  "directed": true,\n  "multigraph": true,\n  "graph": {},\n')
    _json_list(out, "nodes", (_NODE_JSON % (*_json_values(shown.node_values(key)), _JSON_STRING(key))
                              for key in shown.keys()), last=False)
    _json_list(out, "edges", (_EDGE_JSON % (*_json_values(values), _JSON_STRING(u), _JSON_STRING(v), number)
                              for u, v, number, values in shown.edge_values()), last=True)
    out.write("}\n")


class _Quoted(dict[str, str]):
    """Each node key as a format quotes it, made once: an edge names two nodes, a node many edges."""

    def __init__(self, quote: Callable[[str], str]) -> None:
        super().__init__()
        self.quote = quote

    def __missing__(self, key: str) -> str:
        quoted = self[key] = self.quote(key)
        return quoted


# --- GraphML ------------------------------------------------------------------------------------

# characters XML 1.0 cannot hold, even escaped: a hostile name would make the document unreadable
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NODE_KEYS = {name: f"d{i}" for i, name in enumerate(NODE_FIELDS)}
_EDGE_KEYS = {name: f"d{i + len(NODE_FIELDS)}" for i, name in enumerate(EDGE_FIELDS)}
_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')


def _xml_text(value: Value) -> str:
    if not isinstance(value, str):
        return str(value)
    if not value.isprintable():  # no character XML cannot hold is printable: most values skip the search
        value = _NOT_XML.sub("\ufffd", value)
    return value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")  # as saxutils.escape


def _xml_attribute(value: str) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", value))


def _graphml_keys(out: Out, kind: str, ids: dict[str, str]) -> None:
    for name, key in ids.items():
        kind_of = "long" if name == "line" else "string"
        out.write(f'  <key id="{key}" for="{kind}" attr.name="{name}" attr.type="{kind_of}"/>\n')


def _graphml_template(head: str, ids: dict[str, str], tail: str) -> str:
    """One node's or edge's element, ``%s`` for its attributes and each value, in ``ids``' order."""
    return head + "".join(f'    <data key="{key}">%s</data>\n' for key in ids.values()) + tail


_NODE_GRAPHML = _graphml_template("  <node id=%s>\n", _NODE_KEYS, "  </node>\n")
_EDGE_GRAPHML = _graphml_template('  <edge source=%s target=%s id="%s">\n', _EDGE_KEYS, "  </edge>\n")


def write_graphml(ctx: Context, out: Out, only_sensitive: bool = False) -> None:
    """GraphML as networkx writes it (``nx.read_graphml`` reads it back): node ids are the graph's
    keys, an edge's id tells parallel edges of one pair apart."""
    shown = _Selection(ctx, only_sensitive)
    ids = _Quoted(_xml_attribute)
    out.write(_GRAPHML_HEAD)
    _graphml_keys(out, "node", _NODE_KEYS)
    _graphml_keys(out, "edge", _EDGE_KEYS)
    out.write('  <graph edgedefault="directed">\n')
    for key in shown.keys():
        out.write(_NODE_GRAPHML % (ids[key], *map(_xml_text, shown.node_values(key))))
    for u, v, number, values in shown.edge_values():
        out.write(_EDGE_GRAPHML % (ids[u], ids[v], number, *map(_xml_text, values)))
    out.write("  </graph>\n</graphml>\n")


# --- DOT ----------------------------------------------------------------------------------------

# fill by what a node holds, border by where it runs: the picture reads as the rules do
_SENSITIVE_FILL = "#f8d7da"
_OTHER_FILL = "#ffffff"
_QUALIFICATION_COLOUR = {"qualified": "#1e7e34", "not-qualified": "#c82333"}
_UNKNOWN_COLOUR = "#e0a800"
_SHAPE = {"datastore": "cylinder", "cluster": "box3d", "hosting": "house", "workload": "component"}
_DOT_NODE = '%s%s [label=%s, shape=%s, style="filled", fillcolor="%s", color="%s", penwidth=%s];\n'
_DASHED = ("hosted_on", "references")


def _dot_label(*lines: str) -> str:
    """A quoted DOT label whose lines are separate (``\\n`` is Graphviz's line break; the text of
    each line is escaped, so a hostile address cannot add lines or close the quote)."""
    return '"' + "\\n".join(_escape(line) for line in lines) + '"'


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")


def _quote(text: str) -> str:
    return '"' + _escape(text) + '"'


def _dot_node(key: str, values: tuple[Value, ...], indent: str) -> str:
    """One node's line from ``_Selection.node_values``: its address, kind, sensitivity and
    qualification as the label's lines."""
    address, _, kind, _, _, _, _, _, sensitive, qualification = values
    lines = [str(address), str(kind)]
    if sensitive:
        lines.append(f"sensitive: {sensitive}")
    if qualification:
        lines.append(str(qualification))
    colour = _QUALIFICATION_COLOUR.get(str(qualification), _UNKNOWN_COLOUR if qualification else "#6c757d")
    return _DOT_NODE % (indent, _quote(key), _dot_label(*lines), _SHAPE.get(str(kind), "box"),
                        _SENSITIVE_FILL if sensitive else _OTHER_FILL, colour, "2.5" if sensitive else "1")


def _dot_edge(relation: str) -> str:
    """The line of an edge of ``relation``, ``%s`` for its two ends."""
    style = ', style="dashed"' if relation in _DASHED else ""
    return f"  %s -> %s [label={_quote(relation).replace('%', '%%')}{style}];\n"


def write_dot(ctx: Context, out: Out, only_sensitive: bool = False) -> None:
    """Graphviz: a cluster box per root module and per Kubernetes cluster; hosting nodes apart."""
    shown = _Selection(ctx, only_sensitive)
    out.write('digraph snclint {\n  rankdir=LR;\n  node [fontname="Helvetica", fontsize=10];\n'
              '  edge [fontname="Helvetica", fontsize=9, color="#495057"];\n')
    groups: dict[str, list[str]] = {}  # keys only: each node's line is made as it is written
    for key in shown.keys():
        node = ctx.graph.nodes[key]["node"]
        group = f"cluster {node.cluster}" if node.cluster else f"root {node.root}" if node.root else ""
        groups.setdefault(group, []).append(key)
    for index, group in enumerate(sorted(groups)):
        members = sorted(groups.pop(group))
        if not group:
            for key in members:
                out.write(_dot_node(key, shown.node_values(key), "  "))
            continue
        out.write(f'  subgraph cluster_{index} {{\n    label={_quote(group)}; style="rounded"; color="#adb5bd";\n')
        for key in members:
            out.write(_dot_node(key, shown.node_values(key), "    "))
        out.write("  }\n")
    ids = _Quoted(_quote)
    edge = _Quoted(_dot_edge)
    for u, v, _, (relation, _, _) in shown.edge_values():
        out.write(edge[str(relation)] % (ids[u], ids[v]))
    out.write("}\n")


# --- Mermaid ------------------------------------------------------------------------------------

def write_mermaid(ctx: Context, out: Out, only_sensitive: bool = False) -> None:
    shown = _Selection(ctx, only_sensitive)
    ids = {key: f"n{i}" for i, key in enumerate(sorted(shown.keys()))}
    out.write("flowchart LR\n")
    for key, name in ids.items():
        label = ctx.graph.nodes[key]["node"].address.replace('"', "'").replace("\n", " ").replace("\r", " ")
        out.write(f'  {name}["{label}"]\n')
    for u, v, _, (relation, _, _) in shown.edge_values():
        out.write(f"  {ids[u]} -->|{relation}| {ids[v]}\n")


WRITERS: dict[str, Callable[[Context, Out, bool], None]] = {
    "json": write_json, "dot": write_dot, "graphml": write_graphml, "mermaid": write_mermaid,
}
