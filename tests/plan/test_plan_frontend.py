from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.knowledge import Catalog, Knowledge, TypeInfo, Vocabulary
from linter.model import (
    Fragment,
    Location,
    Node,
    NodeKind,
    ProviderConfig,
    Reference,
    Suppression,
    Tag,
    Unknown,
)
from linter.terraform.plan.addresses import parse
from linter.terraform.plan.frontend import load_plans

REPO = Path(__file__).resolve().parents[2]
AWS = "registry.terraform.io/hashicorp/aws"
KNOWLEDGE = Knowledge(
    types={"aws_db_instance": TypeInfo(kind=NodeKind.DATASTORE, tag_paths=("tags",)),
           "aws_s3_bucket": TypeInfo(kind=NodeKind.DATASTORE, tag_paths=("tags",)),
           "aws_instance": TypeInfo(kind=NodeKind.COMPUTE, tag_paths=("tags",))},
    default_tag_paths=("tags", "labels"), flows=(), catalog=Catalog(providers={}),
    recognition={"terraform": {"registry_hosts": ["registry.terraform.io", "registry.opentofu.org"]}}, rules=(),
    vocabulary=Vocabulary(keys=("data_sensitivity",), levels={}, requires_secnumcloud=frozenset()))


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def provider_of(node: Node) -> ProviderConfig:
    assert node.hosting is not None and node.hosting.provider is not None
    return node.hosting.provider


def nodes_of(fragment: Fragment) -> dict[str, Node]:
    return {node.address: node for node in fragment.nodes}


MODULES = "fixtures/plans/modules-aws/plan.json"


def test_modules_plan_nodes_are_expanded_instances() -> None:
    fragment = load_plans([MODULES], knowledge=KNOWLEDGE, hcl=())
    assert [(n.key, n.kind, n.location.line) for n in fragment.nodes] == [
        ("fixtures/plans/modules-aws::aws_db_instance.main[0]", NodeKind.DATASTORE, 25),
        ("fixtures/plans/modules-aws::aws_db_instance.main[1]", NodeKind.DATASTORE, 52),
        ("fixtures/plans/modules-aws::aws_s3_bucket.exports", NodeKind.DATASTORE, 79),
        ('fixtures/plans/modules-aws::aws_s3_bucket.logs["eu"]', NodeKind.DATASTORE, 93),
        ('fixtures/plans/modules-aws::aws_s3_bucket.logs["us"]', NodeKind.DATASTORE, 112),
        ("fixtures/plans/modules-aws::terraform_data.level", NodeKind.OTHER, 131),
        ("fixtures/plans/modules-aws::module.archive.aws_s3_bucket.vault", NodeKind.DATASTORE, 149),
        ("fixtures/plans/modules-aws::module.db.aws_db_instance.replica", NodeKind.DATASTORE, 173),
        ('fixtures/plans/modules-aws::module.tenant["alpha"].aws_s3_bucket.data', NodeKind.DATASTORE, 194),
        ('fixtures/plans/modules-aws::module.tenant["beta"].aws_s3_bucket.data', NodeKind.DATASTORE, 221),
    ]
    assert {n.origin for n in fragment.nodes} == {"plan"}
    assert {n.scope for n in fragment.nodes} == {"fixtures/plans/modules-aws"}
    assert fragment.files == (MODULES,)
    assert (fragment.problems, fragment.notes, fragment.replaces) == ((), (), ())


def test_provider_configuration_is_resolved_per_instance() -> None:
    nodes = nodes_of(load_plans([MODULES], knowledge=KNOWLEDGE, hcl=()))
    root = provider_of(nodes["aws_db_instance.main[1]"])
    assert (root.address, root.name, root.alias, root.source) == ("provider.aws", "aws", None, "hashicorp/aws")
    assert root.attributes == {"region": "eu-west-3",
                               "default_tags": [{"tags": {"team": "payments", "data_sensitivity": "standard"}}]}
    assert root.location == Location(MODULES, 595)
    # module.db is passed aws.replica: Terraform wrote the root key "aws.replica" on its resource
    replica = provider_of(nodes["module.db.aws_db_instance.replica"])
    assert (replica.address, replica.alias, replica.location) == ("provider.aws.replica", "replica",
                                                                  Location(MODULES, 615))
    assert replica.attributes == {"region": Unknown(
        "set from var.replica_region ('eu-central-1' in this plan): a plan does not record the evaluated value")}
    # module.archive declares its own aliased configuration: key "module.archive:aws.vault"
    vault = provider_of(nodes["module.archive.aws_s3_bucket.vault"])
    assert (vault.address, vault.alias, vault.attributes) == (
        "module.archive.provider.aws.vault", "vault", {"region": "eu-west-1"})
    tenant = provider_of(nodes['module.tenant["beta"].aws_s3_bucket.data'])
    assert tenant == root
    builtin = nodes["terraform_data.level"]
    assert provider_of(builtin).location is None
    assert builtin.notes == ("provider configuration 'terraform' is not in the plan's configuration:"
                             " its settings are not known",)


def tags(node: Node) -> list[tuple[str, Any, str]]:
    return [(t.key, t.value, t.source) for t in node.tags]


def test_tags_come_from_planned_values_and_tags_all() -> None:
    nodes = nodes_of(load_plans([MODULES], knowledge=KNOWLEDGE, hcl=()))
    assert tags(nodes['aws_s3_bucket.logs["eu"]']) == [("team", "payments", "tags_all"),
                                                      ("data_sensitivity", "standard", "tags_all")]
    assert tags(nodes["aws_db_instance.main[0]"]) == [("data_sensitivity", "particuliere", "tags"),
                                                     ("team", "payments", "tags_all")]
    assert tags(nodes['module.tenant["alpha"].aws_s3_bucket.data']) == [
        ("data_sensitivity", "particuliere", "tags"), ("tenant", "alpha", "tags"), ("team", "payments", "tags_all")]
    after = Unknown("known after apply")
    assert tags(nodes["aws_s3_bucket.exports"]) == [("data_sensitivity", after, "tags"), ("*", after, "tags_all")]
    assert nodes["aws_s3_bucket.exports"].tags[0].location == Location(MODULES, 79)


def test_attributes_are_planned_values_with_unknowns() -> None:
    nodes = nodes_of(load_plans([MODULES], knowledge=KNOWLEDGE, hcl=()))
    replica = nodes["module.db.aws_db_instance.replica"].attributes
    # set in the configuration, known after apply: Unknown
    assert replica["replicate_source_db"] == Unknown("known after apply")
    # computed by the provider, not configured (availability_zone, arn): left out, as in HCL mode
    assert "availability_zone" not in replica and "arn" not in replica
    assert replica["instance_class"] == "db.t4g.medium"
    assert nodes["aws_s3_bucket.exports"].attributes == {"bucket": "payments-exports", "force_destroy": False,
                                                          "tags": {"data_sensitivity": Unknown("known after apply")}}


def test_references_are_rebuilt_across_modules() -> None:
    nodes = nodes_of(load_plans([MODULES], knowledge=KNOWLEDGE, hcl=()))
    where = Location(MODULES, 173)
    # var.source_arn → module "db" argument → aws_db_instance.main[0] only, not main[1]
    assert nodes["module.db.aws_db_instance.replica"].references == (
        Reference(attribute="replicate_source_db", target="fixtures/plans/modules-aws::aws_db_instance.main[0]",
                  location=where),)
    assert nodes["aws_s3_bucket.exports"].references == (
        Reference(attribute="tags", target="fixtures/plans/modules-aws::terraform_data.level",
                  location=Location(MODULES, 79)),)
    assert all(not nodes[a].references for a in ("aws_db_instance.main[0]", 'aws_s3_bucket.logs["eu"]'))


def test_sovereign_plan_providers() -> None:
    nodes = nodes_of(load_plans(["fixtures/plans/sovereign/plan.json"], knowledge=KNOWLEDGE, hcl=()))
    s3ns = provider_of(nodes["google_sql_database_instance.main"])
    assert (s3ns.address, s3ns.source, s3ns.attributes["universe_domain"]) == (
        "provider.google.trusted", "hashicorp/google", "s3nsapis.fr")
    us = provider_of(nodes["outscale_volume.us"])
    assert (us.address, us.source, us.attributes) == ("provider.outscale.us", "outscale/outscale",
                                                      {"api": [{"region": "us-east-2"}]})
    assert [n.location.line for n in nodes.values()] == [1] * 5
    assert tags(nodes["outscale_volume.gov[1]"]) == [("sensibilite", "particuliere", "tags")]
    assert tags(nodes["google_storage_bucket.analytics"]) == [
        ("sensibilite", "particuliere", "labels"), ("goog-terraform-provisioned", "true", "terraform_labels")]


DOUBLE = "fixtures/plans/double-scan"


def hcl_node(address: str, line: int, suppressions: tuple[Suppression, ...] = ()) -> Node:
    where = Location(f"{DOUBLE}/main.tf", line)
    return Node(key=f"{DOUBLE}::{address}", address=address, type=address.split(".")[0], kind=NodeKind.DATASTORE,
                origin="terraform", location=where, scope=DOUBLE, suppressions=suppressions,
                tags=(Tag(key="data_sensitivity", value="particuliere", location=where),))


def test_double_scan_replaces_the_terraform_nodes_and_keeps_their_suppressions() -> None:
    ignore = Suppression(rules=("SNC001",), reason="moving", until=date(2099, 12, 31),
                         location=Location(f"{DOUBLE}/main.tf", 22))
    terraform = Fragment(nodes=(
        hcl_node("aws_db_instance.orders", 13), hcl_node("aws_s3_bucket.invoices", 23, (ignore,)),
        hcl_node("aws_s3_bucket.scratch", 28), hcl_node("aws_s3_bucket.not_planned_yet", 40),
    ))
    # the same address in another root module is another resource: kept
    elsewhere = Fragment(nodes=(replace(hcl_node("aws_s3_bucket.scratch", 1), key="other::aws_s3_bucket.scratch",
                                        scope="other"),))
    fragment = load_plans([f"{DOUBLE}/plan.json"], knowledge=KNOWLEDGE, hcl=(terraform, elsewhere))
    assert fragment.replaces == (f"{DOUBLE}::aws_db_instance.orders", f"{DOUBLE}::aws_s3_bucket.invoices",
                                 f"{DOUBLE}::aws_s3_bucket.scratch")
    nodes = nodes_of(fragment)
    assert list(nodes) == ["aws_db_instance.orders[0]", "aws_db_instance.orders[1]", "aws_s3_bucket.invoices",
                           "aws_s3_bucket.scratch"]
    assert nodes["aws_s3_bucket.invoices"].suppressions == (ignore,)
    assert all(not nodes[a].suppressions for a in nodes if a != "aws_s3_bucket.invoices")
    assert fragment.notes == (f"{DOUBLE}/plan.json: the planned values replace 3 resource(s) of the Terraform"
                              f" files in {DOUBLE}",)


def test_double_scan_with_the_terraform_frontend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real Terraform frontend's nodes (unexpanded, with the inline suppression) are replaced."""
    from linter.terraform.modules.frontend import load_terraform

    monkeypatch.chdir(REPO / DOUBLE)
    terraform = load_terraform(["main.tf"], knowledge=KNOWLEDGE, boundary=REPO / DOUBLE)
    fragment = load_plans(["plan.json"], knowledge=KNOWLEDGE, hcl=(terraform,))
    assert fragment.replaces == tuple(sorted(n.key for n in terraform.nodes))
    assert set(fragment.replaces) == {".::aws_db_instance.orders", ".::aws_s3_bucket.invoices",
                                      ".::aws_s3_bucket.scratch"}
    invoices = nodes_of(fragment)["aws_s3_bucket.invoices"]
    assert [(s.rules, s.location) for s in invoices.suppressions] == [(("SNC001",), Location("main.tf", 22))]


def write(path: Path, doc: Any) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2))
    return path.as_posix()


def small_plan(address: str, key: str = "aws", providers: dict[str, Any] | None = None,
               type_: str = "aws_s3_bucket") -> dict[str, Any]:
    parsed = parse(address)
    assert parsed is not None
    name = parsed.base.split(".")[1]
    resource = {"address": address, "mode": "managed", "type": type_, "name": name,
                "provider_name": AWS, "values": {"tags": {"data_sensitivity": "particuliere"}}}
    config_resource = {"address": parsed.base, "mode": "managed", "type": type_, "name": name,
                       "provider_config_key": key, "expressions": {}}
    root: dict[str, Any] = {"resources": [config_resource]}
    for call, _ in reversed(parsed.module):
        root = {"module_calls": {call: {"source": f"./{call}", "module": root}}}
    return {"format_version": "1.1", "planned_values": {"root_module": {"resources": [resource]}},
            "configuration": {"provider_config": providers or {}, "root_module": root}}


def test_an_older_plan_with_a_module_key_finds_the_enclosing_configuration(tmp_path: Path) -> None:
    providers = {"aws": {"name": "aws", "full_name": AWS, "expressions": {"region": {"constant_value": "eu-west-3"}}}}
    path = write(tmp_path / "p" / "plan.json", small_plan("module.db.aws_s3_bucket.x", key="module.db:aws",
                                                          providers=providers))
    node = load_plans([path], knowledge=KNOWLEDGE, hcl=()).nodes[0]
    assert provider_of(node).address == "provider.aws"
    assert provider_of(node).attributes == {"region": "eu-west-3"}
    assert node.notes == ()


def test_an_unknown_provider_key_gives_an_empty_configuration_and_a_note(tmp_path: Path) -> None:
    path = write(tmp_path / "plan.json", small_plan("aws_s3_bucket.x", key="aws.gone"))
    node = load_plans([path], knowledge=KNOWLEDGE, hcl=()).nodes[0]
    provider = provider_of(node)
    assert (provider.address, provider.alias, provider.source, provider.attributes, provider.location) == (
        "provider.aws.gone", "gone", "hashicorp/aws", {}, None)
    assert node.notes == ("provider configuration 'aws.gone' is not in the plan's configuration:"
                          " its settings are not known",)


def test_several_plans_in_one_directory_are_separate_scopes(tmp_path: Path) -> None:
    for name in ("plans/prod.json", "plans/staging.json", "env/plan.json"):
        write(tmp_path / name, small_plan("aws_s3_bucket.x"))
    fragment = load_plans(["plans/prod.json", "plans/staging.json", "env/plan.json"], knowledge=KNOWLEDGE,
                          hcl=(), cwd=tmp_path)
    assert [n.key for n in fragment.nodes] == [
        "plans/prod.json::aws_s3_bucket.x", "plans/staging.json::aws_s3_bucket.x", "env::aws_s3_bucket.x"]
    assert [n.location.file for n in fragment.nodes] == ["plans/prod.json", "plans/staging.json", "env/plan.json"]


def test_data_sources_are_not_nodes(tmp_path: Path) -> None:
    doc = small_plan("aws_s3_bucket.x")
    doc["planned_values"]["root_module"]["resources"].append(
        {"address": "data.aws_region.here", "mode": "data", "type": "aws_region", "name": "here", "values": {}})
    path = write(tmp_path / "plan.json", doc)
    assert [n.address for n in load_plans([path], knowledge=KNOWLEDGE, hcl=()).nodes] == ["aws_s3_bucket.x"]


def test_bad_plans_are_problems_and_the_others_are_read(tmp_path: Path) -> None:
    broken = tmp_path / "a" / "plan.json"
    broken.parent.mkdir()
    broken.write_text('{"format_version": "1.2",\n"planned_values": [}')
    binary = tmp_path / "b" / "plan.json"
    binary.parent.mkdir()
    binary.write_bytes(b'{"format_version": "1.2",\n\n"x": "\xff"}')
    good = write(tmp_path / "c" / "plan.json", small_plan("aws_s3_bucket.x"))
    missing = (tmp_path / "d" / "plan.json").as_posix()
    fragment = load_plans([broken.as_posix(), binary.as_posix(), good, missing], knowledge=KNOWLEDGE, hcl=())
    assert [n.address for n in fragment.nodes] == ["aws_s3_bucket.x"]
    assert [(p.location.file, p.location.line, p.message) for p in fragment.problems] == [
        (broken.as_posix(), 2, "not valid JSON: Expecting value (column 20)"),
        (binary.as_posix(), 3, "not UTF-8 text (byte 33)"),
        (missing, 1, "cannot read the plan: No such file or directory"),
    ]


def test_a_state_gets_hosting_from_the_provider_name(tmp_path: Path) -> None:
    doc = {"format_version": "1.0", "values": {"root_module": {"resources": [
        {"address": "aws_s3_bucket.x", "mode": "managed", "type": "aws_s3_bucket", "name": "x",
         "provider_name": AWS, "values": {"region": "eu-west-3"}}]}}}
    path = write(tmp_path / "state.json", doc)
    fragment = load_plans([path], knowledge=KNOWLEDGE, hcl=())
    node = fragment.nodes[0]
    assert provider_of(node).source == "hashicorp/aws"
    assert node.attributes == {"region": "eu-west-3"}
    assert fragment.notes == (f"{path}: a Terraform state, not a plan: provider configurations are not known",)


shaped = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["address", "mode", "type", "name", "values", "resources", "child_modules", "module_calls", "module",
         "expressions", "references", "constant_value", "provider_config_key", "outputs", "expression",
         "aws", "module.a:aws", "tags", "tags_all", "region", "x"]), inner, max_size=4), max_leaves=30)
addresses = st.sampled_from(["aws_s3_bucket.a", "aws_s3_bucket.a[0]", 'module.m["k"].aws_s3_bucket.a',
                             "module.m.module.n.aws_db_instance.b", "data.x.y", "a", "module.m"])


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(address=addresses, values=shaped, provider_config=shaped, root=shaped,
       refs=st.lists(st.sampled_from(["var.x", "module.m.o", "module.m[0].o", "aws_s3_bucket.a",
                                      "aws_s3_bucket.a[0].id", "each.key", "module.m"]), max_size=4))
def test_load_plans_never_raises(tmp_path: Path, address: str, values: Any, provider_config: Any, root: Any,
                                 refs: list[str]) -> None:
    root = root if isinstance(root, dict) else {}
    root.setdefault("resources", [{"address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket",
                                   "name": "a", "provider_config_key": "module.m:aws",
                                   "expressions": {"x": {"references": refs}, "b": [{"y": {"references": refs}}]}}])
    root.setdefault("module_calls", {"m": {"expressions": {"x": {"references": refs}},
                                           "module": {"outputs": {"o": {"expression": {"references": refs}}},
                                                      "resources": root["resources"]}}})
    doc = {"format_version": "1.2",
           "planned_values": {"root_module": {"resources": [
               {"address": address, "mode": "managed", "type": "aws_s3_bucket", "name": "a", "values": values}]}},
           "configuration": {"provider_config": provider_config, "root_module": root}}
    path = write(tmp_path / "plan.json", doc)
    fragment = load_plans([path], knowledge=KNOWLEDGE, hcl=())
    assert isinstance(fragment, Fragment)
