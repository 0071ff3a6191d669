from __future__ import annotations

from dataclasses import replace
from datetime import date

from helpers import context, hosting, node, rules

from linter.model import OPAQUE_MODULE, Edge, Location, NodeKind, Relation, Severity, Suppression, Tag, Unknown
from linter.rules.engine import run_rules
from linter.rules.selection import selected


def _run(ctx, strict: bool = False):  # type: ignore[no-untyped-def]
    return [(f.rule_id, f.address, f.location.line, f.severity, f.suppressed_by is not None)
            for f in run_rules(ctx, rules(), strict=strict)]


def test_sensitive_on_unqualified_hosting_is_snc001() -> None:
    db = node("aws_db_instance.p", line=11, tags={"sensitivity": "particuliere"})
    ok = node("aws_db_instance.q", line=20, tags={"sensitivity": "particuliere"})
    ctx = context([db, ok], hostings={db.key: hosting(False), ok.key: hosting(True, "s3ns")})
    assert _run(ctx) == [("SNC001", "aws_db_instance.p", 11, Severity.ERROR, False)]


def test_flow_destination_is_snc002_and_tagged_destination_snc001_only() -> None:
    loc = Location("main.tf", 30)
    src = node("a.src", line=1, tags={"sensitivity": "particuliere"})
    dst = node("a.dst", line=10)
    tagged = node("a.tagged", line=20, tags={"sensitivity": "particuliere"})
    ctx = context([src, dst, tagged], [
        Edge(source=src.key, target=dst.key, relation=Relation.REPLICATES_TO, location=loc),
        Edge(source=src.key, target=tagged.key, relation=Relation.BACKS_UP_TO, location=loc),
    ], hostings={src.key: hosting(True, "s3ns"), dst.key: hosting(False), tagged.key: hosting(False)})
    found = run_rules(ctx, rules())
    assert [(f.rule_id, f.address) for f in found] == [("SNC002", "a.dst"), ("SNC001", "a.tagged")]
    chain = [(e.address, e.relation) for e in found[0].evidence]
    assert chain[:2] == [("a.src", "classified"), ("a.src", "replicates_to")]


def test_unknown_hosting_of_sensitive_is_snc006() -> None:
    db = node("x_db.p", line=3, tags={"sensitivity": "particuliere"})
    assert _run(context([db])) == [("SNC006", "x_db.p", 3, Severity.ERROR, False)]


def test_classification_problems() -> None:
    typo = node("a.typo", line=1, tags={"sensitivity": "particuliare"})
    unknown = node("a.unknown", line=5, tags={"sensitivity": Unknown("var.level has no value")})
    bare = node("a.bare", line=9)
    vm = node("a.vm", line=12, kind=NodeKind.COMPUTE)
    ctx = context([typo, unknown, bare, vm])
    assert _run(ctx) == [
        ("SNC005", "a.typo", 1, Severity.ERROR, False),
        ("SNC004", "a.unknown", 5, Severity.WARNING, False),
        ("SNC003", "a.bare", 9, Severity.WARNING, False),
    ]
    assert ("SNC004", "a.unknown", 5, Severity.ERROR, False) in _run(ctx, strict=True)


def test_suppression_with_reason_silences_and_expired_one_is_reported() -> None:
    loc = Location("main.tf", 4)
    live = Suppression(rules=("SNC001",), reason="moving", until=date(2099, 1, 1), location=loc)
    dead = Suppression(rules=("SNC001",), reason="moving", until=date(2020, 1, 1), location=Location("main.tf", 14))
    a = replace(node("a.live", line=5, tags={"sensitivity": "particuliere"}), suppressions=(live,))
    b = replace(node("a.dead", line=15, tags={"sensitivity": "particuliere"}), suppressions=(dead,))
    ctx = context([a, b], hostings={a.key: hosting(False), b.key: hosting(False)})
    assert _run(ctx) == [
        ("SNC001", "a.live", 5, Severity.ERROR, True),
        ("SNC007", "a.dead", 14, Severity.WARNING, False),
        ("SNC001", "a.dead", 15, Severity.ERROR, False),
    ]


def test_fingerprints_ignore_lines_and_are_unique() -> None:
    a = node("a.x", line=5, tags={"sensitivity": "particuliere"})
    b = node("a.y", line=6, tags={"sensitivity": "particuliere"})
    first = run_rules(context([a, b], hostings={a.key: hosting(False), b.key: hosting(False)}), rules())
    moved = replace(a, location=Location("main.tf", 50))
    second = run_rules(context([moved, b], hostings={a.key: hosting(False), b.key: hosting(False)}), rules())
    assert {f.fingerprint for f in first} == {f.fingerprint for f in second}
    assert len({f.fingerprint for f in first}) == 2


def test_two_roots_sharing_a_module_file_give_two_findings() -> None:
    """One address in one file, evaluated in two roots: two findings, each naming its root."""
    prod = replace(node("module.db.a.x", line=5, tags={"sensitivity": "particuliere"}),
                   key="envs/prod::module.db.a.x", scope="envs/prod", root="envs/prod")
    staging = replace(prod, key="envs/staging::module.db.a.x", scope="envs/staging", root="envs/staging")
    found = run_rules(context([prod, staging], hostings={prod.key: hosting(False), staging.key: hosting(False)}),
                      rules())
    assert sorted((f.root, f.location.file) for f in found) == [("envs/prod", "main.tf"), ("envs/staging", "main.tf")]
    assert len({f.fingerprint for f in found}) == 2


def test_select_and_ignore_take_prefixes() -> None:
    ids = [r.id for r in selected(rules(), ("SNC00",), ("SNC003", "SNC007"))]
    assert ids == ["SNC000", "SNC001", "SNC002", "SNC004", "SNC005", "SNC006", "SNC008", "SNC009"]


def test_sensitive_resource_of_unknown_type_is_snc009_besides_its_hosting_verdict() -> None:
    unknown = node("aws_newservice_store.p", kind=NodeKind.OTHER, line=3, tags={"sensitivity": "particuliere"})
    qualified = node("outscale_newthing.q", kind=NodeKind.OTHER, line=8, tags={"sensitivity": "particuliere"})
    standard = node("aws_newservice_store.s", kind=NodeKind.OTHER, line=12, tags={"sensitivity": "standard"})
    known = node("aws_db_instance.k", line=16, tags={"sensitivity": "particuliere"})
    inherited = replace(node("aws_iam_role.r", kind=NodeKind.OTHER, line=20),
                        tags=(Tag(key="sensitivity", value="particuliere", location=Location("main.tf", 1),
                                  source="default_tags"),))
    nodes = [unknown, qualified, standard, known, inherited]
    hostings = {unknown.key: hosting(False), qualified.key: hosting(True, "outscale"), standard.key: hosting(False),
                known.key: hosting(True, "s3ns"), inherited.key: hosting(True, "s3ns")}
    ctx = context(nodes, hostings=hostings)
    assert _run(ctx) == [
        ("SNC001", "aws_newservice_store.p", 3, Severity.ERROR, False),
        ("SNC009", "aws_newservice_store.p", 3, Severity.WARNING, False),
        ("SNC009", "outscale_newthing.q", 8, Severity.WARNING, False),
    ]
    assert ("SNC009", "outscale_newthing.q", 8, Severity.ERROR, False) in _run(ctx, strict=True)


def test_snc009_names_the_source_of_an_opaque_module() -> None:
    mod = replace(node("module.mystery", kind=NodeKind.OTHER, line=6, tags={"sensitivity": "particuliere"}),
                  type=OPAQUE_MODULE, attributes={"source": "git::https://example.org/mystery.git"})
    found = [f for f in run_rules(context([mod], hostings={mod.key: hosting(True, "s3ns")}), rules())]
    assert [(f.rule_id, f.address) for f in found] == [("SNC009", "module.mystery")]
    assert "module source git::https://example.org/mystery.git" in found[0].message
