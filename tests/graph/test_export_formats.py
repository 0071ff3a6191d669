"""``snclint graph``: every format holds the scan's graph exactly, is written as a stream, and
stays well-formed whatever the scanned names hold."""
from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import networkx as nx
import pytest
from lxml import etree

from linter.cli import ContextArgs, _context, _run, main
from linter.graph.export import WRITERS, Context
from linter.graph.sensitivity import Classification, Step
from linter.model import Location, Node, NodeKind, Relation

REPO = Path(__file__).resolve().parents[2]
FLOWS = "fixtures/flows"  # parallel edges (a resource flows to another in two ways), several roots


@pytest.fixture(scope="module")
def scanned() -> Context:
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        return _run(_context(ContextArgs(paths=(FLOWS,)))).context
    finally:
        os.chdir(cwd)


def _expected(ctx: Context, only_sensitive: bool) -> nx.MultiDiGraph:
    """The graph every format must hold, built with networkx as the export once did."""
    keep = set(ctx.graph.nodes)
    if only_sensitive:
        from linter.graph.chains import hosting_chain

        keep = set(ctx.sensitive) | {k for key in ctx.sensitive for k, _ in hosting_chain(ctx.graph, key)[0]}
    plain = nx.MultiDiGraph()
    for key, data in ctx.graph.nodes(data=True):
        if key in keep:
            node, hosting = data["node"], data.get("hosting")
            cls, state = ctx.classifications.get(key), ctx.sensitive.get(key)
            plain.add_node(key, address=node.address, type=node.type, kind=node.kind.value,
                           file=node.location.file, line=node.location.line, root=node.root or "",
                           cluster=node.cluster or "", classification=cls.level or cls.status if cls else "",
                           sensitive=state[0] if state else "",
                           qualification=hosting.qualification if hosting else "")
    for u, v, data in ctx.graph.edges(data=True):
        if u in keep and v in keep:
            plain.add_edge(u, v, relation=data["relation"].value, file=data["location"].file,
                           line=data["location"].line)
    return plain


def _export(ctx: Context, fmt: str, only_sensitive: bool = False) -> str:
    out = io.StringIO()
    WRITERS[fmt](ctx, out, only_sensitive)
    return out.getvalue()


def test_graph_shows_the_scans_graph_without_running_the_rules(scanned: Context,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import linter.rules.engine as engine
    import linter.scan as scan

    def no_rules(*args: object, **kwargs: object) -> None:
        pytest.fail("the rules ran for an export")

    monkeypatch.chdir(REPO)
    monkeypatch.setattr(engine, "run_rules", no_rules)
    given = _context(ContextArgs(paths=(FLOWS,)))
    shown = scan.graph_context(given.scan_options(), given.config, given.knowledge)
    for fmt in WRITERS:
        for only_sensitive in (False, True):
            assert _export(shown, fmt, only_sensitive) == _export(scanned, fmt, only_sensitive)


@pytest.mark.parametrize("only_sensitive", [False, True])
def test_json_is_networkx_node_link_data_byte_for_byte(scanned: Context, only_sensitive: bool) -> None:
    expected = _expected(scanned, only_sensitive)
    assert only_sensitive or any(len(keys) > 1 for _, targets in expected.adjacency() for keys in targets.values()), \
        "the fixture must hold parallel edges"
    text = _export(scanned, "json", only_sensitive)
    assert text == json.dumps(nx.node_link_data(expected, edges="edges"), indent=2, ensure_ascii=False) + "\n"
    back = nx.node_link_graph(json.loads(text), edges="edges")
    assert list(back.edges(keys=True, data=True)) == list(expected.edges(keys=True, data=True))


@pytest.mark.parametrize("only_sensitive", [False, True])
def test_graphml_reads_back_as_the_graph(scanned: Context, only_sensitive: bool) -> None:
    expected = _expected(scanned, only_sensitive)
    back = nx.read_graphml(io.BytesIO(_export(scanned, "graphml", only_sensitive).encode("utf-8")),
                           force_multigraph=True)
    assert list(back.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(back.edges(keys=True, data=True)) == list(expected.edges(keys=True, data=True))


def test_dot_and_mermaid_hold_every_node_and_edge(scanned: Context) -> None:
    expected = _expected(scanned, False)
    dot = _export(scanned, "dot")
    assert dot.startswith("digraph snclint {\n") and dot.endswith("}\n")
    assert dot.count(" -> ") == expected.number_of_edges()
    assert dot.count("[label=") == expected.number_of_nodes() + expected.number_of_edges()
    mermaid = _export(scanned, "mermaid").splitlines()
    assert mermaid[0] == "flowchart LR"
    assert sum('["' in line for line in mermaid) == expected.number_of_nodes()
    assert sum("-->|" in line for line in mermaid) == expected.number_of_edges()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pydot calls pyparsing's old names
def test_dot_parses_as_graphviz(scanned: Context) -> None:
    pydot = pytest.importorskip("pydot")
    expected = _expected(scanned, False)
    (graph,) = pydot.graph_from_dot_data(_export(scanned, "dot"))
    nodes = [n for sub in [graph, *graph.get_subgraphs()] for n in sub.get_nodes()
             if n.get_name() not in ("node", "edge")]
    assert len(nodes) == expected.number_of_nodes()
    assert len(graph.get_edges()) == expected.number_of_edges()
    assert {json.loads(n.get_name()) for n in nodes} == set(expected.nodes)


class _Chunks(io.StringIO):
    """Counts the writes and remembers the largest."""

    def __init__(self) -> None:
        super().__init__()
        self.writes, self.largest = 0, 0

    def write(self, text: str) -> int:
        self.writes += 1
        self.largest = max(self.largest, len(text))
        return super().write(text)


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_format_is_written_a_node_or_edge_at_a_time(scanned: Context, fmt: str) -> None:
    out = _Chunks()
    WRITERS[fmt](scanned, out, False)
    assert out.writes > scanned.graph.number_of_nodes()
    assert out.largest < 2_000, "no write holds the whole document"


@dataclass(frozen=True)
class _Scan:
    graph: nx.MultiDiGraph
    classifications: Mapping[str, Classification] = field(default_factory=dict)
    sensitive: Mapping[str, tuple[str, list[Step]]] = field(default_factory=dict)


HOSTILE = 'a"b<c>&d\'e\x01f\x1b\nline\r\ttab\\]] --> ;} \ud800 é'


def _hostile() -> _Scan:
    graph = nx.MultiDiGraph()
    for key in (f"r::{HOSTILE}", "r::plain"):
        address = key.split("::", 1)[1]
        graph.add_node(key, node=Node(key=key, address=address, type="aws_s3_bucket", kind=NodeKind.DATASTORE,
                                      origin="terraform", location=Location(f"{HOSTILE}.tf", 3), scope="r",
                                      root=HOSTILE))
    graph.add_edge(f"r::{HOSTILE}", "r::plain", relation=Relation.REPLICATES_TO, location=Location("x.tf", 9))
    return _Scan(graph=graph, sensitive={"r::plain": ("particuliere", [])})


def test_hostile_names_keep_every_format_well_formed() -> None:
    scan = _hostile()
    data = json.loads(_export(scan, "json"))
    assert data["nodes"][0]["address"] == HOSTILE and data["edges"][0]["source"] == f"r::{HOSTILE}"
    root = etree.fromstring(_export(scan, "graphml").encode("utf-8", "surrogatepass"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    ids = [n.get("id") for n in root.iterfind(".//g:node", ns)]
    assert ids[1] == "r::plain" and ids[0].startswith('r::a"b<c>&d\'e\ufffdf\ufffd')
    assert root.find(".//g:edge", ns).get("target") == "r::plain"
    dot = _export(scan, "dot")
    assert dot.count("\n") == dot.count(";\n") + dot.count("{\n") + dot.count("}\n"), "no line broken by a name"


def test_graph_writes_a_file_as_it_goes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "graph.json"
    assert main(["graph", str(REPO / FLOWS / "outscale-chain"), "-o", str(target), "--no-cache"]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["nodes"]
    assert main(["graph", str(REPO / FLOWS / "outscale-chain"), "-o", str(tmp_path / "no" / "x.json")]) == 2
    assert "cannot write" in capsys.readouterr().err
