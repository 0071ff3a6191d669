from __future__ import annotations

from helpers import VOCABULARY, context, node

from linter.graph.sensitivity import bare_key, classify
from linter.knowledge import normalise
from linter.model import Edge, Location, NodeKind, Relation, Tag, Unknown


def test_values_are_case_and_accent_insensitive() -> None:
    assert normalise(" Particulière ") == "particuliere"
    assert classify(node("a.b", tags={"sensibilite": "PARTICULIÈRE"}), VOCABULARY).level == "particuliere"


def test_any_key_prefix_counts() -> None:
    assert bare_key("example.gouv.fr/Sensibilite") == "sensibilite"
    cls = classify(node("a.b", tags={"example.org/data-sensitivity": "dsp"}), VOCABULARY)
    assert (cls.status, cls.level) == ("classified", "particuliere")


def test_typo_is_invalid_never_unclassified() -> None:
    cls = classify(node("a.b", tags={"data_sensitivity": "particuliare"}), VOCABULARY)
    assert cls.status == "invalid"
    assert "particuliare" in cls.detail


def test_unknown_value_is_unknown() -> None:
    cls = classify(node("a.b", tags={"data_sensitivity": Unknown("var.level has no value")}), VOCABULARY)
    assert cls.status == "unknown"
    assert "var.level has no value" in cls.detail


def test_wholly_unknown_tags_are_unknown() -> None:
    assert classify(node("a.b", tags={"*": Unknown("var.tags")}), VOCABULARY).status == "unknown"
    assert classify(node("a.b", tags={"Name": "x"}), VOCABULARY).status == "unclassified"


def test_own_tag_beats_default_tags_and_namespace() -> None:
    loc = Location("main.tf", 1)
    n = node("a.b")
    tags = (Tag(key="sensitivity", value="particuliere", location=loc, source="default_tags"),
            Tag(key="sensitivity", value="standard", location=loc, source="tags"),
            Tag(key="sensitivity", value="particuliere", location=loc, source="namespace health"))
    from dataclasses import replace
    assert classify(replace(n, tags=tags), VOCABULARY).level == "standard"
    inherited = (tags[0], tags[2])
    assert classify(replace(n, tags=inherited), VOCABULARY).level == "particuliere"


def test_sensitivity_flows_along_data_flows_and_to_workloads() -> None:
    loc = Location("main.tf", 9)
    db = node("aws_db_instance.main", tags={"sensitivity": "particuliere"})
    replica = node("aws_db_instance.replica")
    snap = node("aws_db_snapshot.s")
    app = node("aws_instance.app", kind=NodeKind.COMPUTE)
    other = node("aws_s3_bucket.x")
    ctx = context([db, replica, snap, app, other], [
        Edge(source=db.key, target=replica.key, relation=Relation.REPLICATES_TO, location=loc),
        Edge(source=replica.key, target=snap.key, relation=Relation.BACKS_UP_TO, location=loc),
        Edge(source=app.key, target=db.key, relation=Relation.USES, location=loc),
        Edge(source=other.key, target=db.key, relation=Relation.REFERENCES, location=loc),
    ])
    assert set(ctx.sensitive) == {db.key, replica.key, snap.key, app.key}
    level, steps = ctx.sensitive[snap.key]
    assert level == "particuliere"
    assert [(s.source, s.relation) for s in steps] == [(db.key, Relation.REPLICATES_TO),
                                                       (replica.key, Relation.BACKS_UP_TO)]


def test_a_datastore_using_another_does_not_inherit() -> None:
    loc = Location("main.tf", 1)
    db = node("a.db", tags={"sensitivity": "particuliere"})
    store = node("a.store")
    ctx = context([db, store], [Edge(source=store.key, target=db.key, relation=Relation.USES, location=loc)])
    assert store.key not in ctx.sensitive


def test_unknown_own_tags_may_override_an_inherited_level() -> None:
    loc = Location("main.tf", 1)
    n = node("a.b")
    from dataclasses import replace
    unknown = Tag(key="*", value=Unknown("var.tags has no value"), location=loc, source="tags")
    standard = Tag(key="sensitivity", value="standard", location=loc, source="default_tags")
    sensitive = Tag(key="sensitivity", value="particuliere", location=loc, source="default_tags")
    assert classify(replace(n, tags=(unknown, standard)), VOCABULARY).status == "unknown"
    kept = classify(replace(n, tags=(unknown, sensitive)), VOCABULARY)
    assert (kept.status, kept.level) == ("classified", "particuliere")
