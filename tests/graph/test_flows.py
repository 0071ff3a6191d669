"""References → data-flow edges (linter/graph/flows.py): each kind of flow rule on small hand-built
nodes, carriers and hops, unresolved destinations, and the shipped rules of each provider family."""
from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from helpers import node

from linter.graph.flows import UnresolvedFlow, add_reference_edges, index_flows
from linter.graph.sensitivity import propagate
from linter.knowledge import FlowRule
from linter.model import Location, Node, NodeKind, Reference, Relation
from linter.policy_files import load_knowledge

Edge = tuple[str, str, str, str, int]  # source address, target address, relation, attribute, line


def ref(attribute: str, target: str, line: int, file: str = "main.tf") -> Reference:
    return Reference(attribute=attribute, target=f".::{target}", location=Location(file, line))


def graph_of(*nodes: Node) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for n in nodes:
        graph.add_node(n.key, node=n)
    return graph


def edges(graph: nx.MultiDiGraph) -> set[Edge]:
    def address(key: str) -> str:
        return graph.nodes[key]["node"].address
    return {(address(s), address(t), d["relation"].value, d["attribute"], d["location"].line)
            for s, t, d in graph.edges(data=True)}


def run(rules: list[FlowRule], *nodes: Node) -> tuple[set[Edge], list[UnresolvedFlow]]:
    graph = graph_of(*nodes)
    unresolved = add_reference_edges(graph, index_flows(rules))
    return edges(graph), unresolved


def unresolved_of(found: list[UnresolvedFlow]) -> list[tuple[str, str, str, int]]:
    return [(u.source, u.relation.value, u.attribute, u.location.line) for u in found]


# --- direction ------------------------------------------------------------------------------------

def test_from_target_the_referenced_resource_is_the_source() -> None:
    rule = FlowRule(type="aws_db_instance", attribute="replicate_source_db", relation="replicates_to")
    primary = node("aws_db_instance.primary", line=1)
    replica = node("aws_db_instance.replica", line=10, attributes={"replicate_source_db": "x"},
                   references=(ref("replicate_source_db", "aws_db_instance.primary", 12),))
    found, unresolved = run([rule], primary, replica)
    assert found == {("aws_db_instance.primary", "aws_db_instance.replica", "replicates_to", "replicate_source_db", 12)}
    assert unresolved == []


def test_to_target_this_resource_sends_its_data() -> None:
    rule = FlowRule(type="aws_kinesis_firehose_delivery_stream", relation="exports_to", direction="to-target",
                    attribute="extended_s3_configuration.bucket_arn")
    stream = node("aws_kinesis_firehose_delivery_stream.s", kind=NodeKind.OTHER, references=(
        ref("extended_s3_configuration.bucket_arn", "aws_s3_bucket.b", 7),
        ref("extended_s3_configuration.role_arn", "aws_iam_role.r", 8)))
    found, _ = run([rule], stream, node("aws_s3_bucket.b"), node("aws_iam_role.r", kind=NodeKind.OTHER))
    assert found == {
        ("aws_kinesis_firehose_delivery_stream.s", "aws_s3_bucket.b", "exports_to",
         "extended_s3_configuration.bucket_arn", 7),
        # a sibling attribute of the same block is no flow
        ("aws_kinesis_firehose_delivery_stream.s", "aws_iam_role.r", "references",
         "extended_s3_configuration.role_arn", 8),
    }


def test_both_members_of_a_group_replicate_each_other() -> None:
    rule = FlowRule(type="aws_rds_cluster", attribute="global_cluster_identifier", relation="replicates_to",
                    direction="both")
    member = node("aws_rds_cluster.paris",
                  references=(ref("global_cluster_identifier", "aws_rds_global_cluster.g", 4),))
    found, _ = run([rule], member, node("aws_rds_global_cluster.g"))
    assert found == {
        ("aws_rds_cluster.paris", "aws_rds_global_cluster.g", "replicates_to", "global_cluster_identifier", 4),
        ("aws_rds_global_cluster.g", "aws_rds_cluster.paris", "replicates_to", "global_cluster_identifier", 4),
    }


def test_a_rule_covers_what_is_nested_below_its_attribute() -> None:
    rule = FlowRule(type="ovh_cloud_project_storage", attribute="replication", relation="replicates_to",
                    direction="to-target")
    source = node("ovh_cloud_project_storage.a", references=(ref("replication.rules.destination.name",
                                                                  "ovh_cloud_project_storage.b", 9),))
    found, _ = run([rule], source, node("ovh_cloud_project_storage.b"))
    assert found == {("ovh_cloud_project_storage.a", "ovh_cloud_project_storage.b", "replicates_to",
                      "replication.rules.destination.name", 9)}


def test_alternatives_in_one_step() -> None:
    rule = FlowRule(type="google_compute_disk", attribute="snapshot|source_disk", relation="copies_to")
    disk = node("google_compute_disk.d", references=(ref("snapshot", "google_compute_snapshot.s", 3),
                                                     ref("source_disk", "google_compute_disk.o", 4),
                                                     ref("source_diskette", "google_compute_disk.x", 5)))
    found, _ = run([rule], disk, node("google_compute_snapshot.s"), node("google_compute_disk.o"),
                   node("google_compute_disk.x"))
    assert found == {
        ("google_compute_snapshot.s", "google_compute_disk.d", "copies_to", "snapshot", 3),
        ("google_compute_disk.o", "google_compute_disk.d", "copies_to", "source_disk", 4),
        ("google_compute_disk.d", "google_compute_disk.x", "references", "source_diskette", 5),
    }


def test_other_references_stay_plain_and_self_references_are_dropped() -> None:
    vm = node("outscale_vm.a", kind=NodeKind.COMPUTE, references=(ref("subnet_id", "outscale_subnet.s", 3),
                                                                  ref("tags", "outscale_vm.a", 4)))
    found, _ = run([], vm, node("outscale_subnet.s", kind=NodeKind.OTHER))
    assert found == {("outscale_vm.a", "outscale_subnet.s", "references", "subnet_id", 3)}


# --- carriers and hops -----------------------------------------------------------------------------

REPLICATION = FlowRule(type="aws_s3_bucket_replication_configuration", from_attribute="bucket",
                       attribute="rule.destination.bucket", relation="replicates_to", direction="to-target")


def test_a_carrier_ties_its_two_ends_and_is_no_hop() -> None:
    carrier = node("aws_s3_bucket_replication_configuration.c", kind=NodeKind.OTHER, line=20, references=(
        ref("role", "aws_iam_role.r", 21), ref("bucket", "aws_s3_bucket.src", 22),
        ref("rule.destination.bucket", "aws_s3_bucket.dst", 27)))
    found, unresolved = run([REPLICATION], carrier, node("aws_s3_bucket.src"), node("aws_s3_bucket.dst"),
                            node("aws_iam_role.r", kind=NodeKind.OTHER))
    assert found == {
        ("aws_s3_bucket.src", "aws_s3_bucket.dst", "replicates_to", "rule.destination.bucket", 27),
        ("aws_s3_bucket_replication_configuration.c", "aws_iam_role.r", "references", "role", 21),
    }
    assert unresolved == []


BACKUP = [
    FlowRule(type="aws_backup_selection", from_attribute="resources", attribute="plan_id>rule.target_vault_name",
             relation="backs_up_to", direction="to-target"),
    FlowRule(type="aws_backup_plan", from_attribute="rule.target_vault_name",
             attribute="rule.copy_action.destination_vault_arn", relation="copies_to", direction="to-target"),
]


def backup_nodes(plan_attributes: dict[str, Any], plan_refs: tuple[Reference, ...]) -> list[Node]:
    selection = node("aws_backup_selection.s", kind=NodeKind.OTHER, line=30, references=(
        ref("plan_id", "aws_backup_plan.p", 32), ref("resources", "aws_db_instance.db", 33)))
    plan = node("aws_backup_plan.p", kind=NodeKind.OTHER, line=10, attributes=plan_attributes, references=plan_refs)
    return [selection, plan, node("aws_db_instance.db"), node("aws_backup_vault.main"), node("aws_backup_vault.dr")]


def test_a_hop_goes_through_the_plan_to_its_vaults() -> None:
    plan_refs = (ref("rule.target_vault_name", "aws_backup_vault.main", 14),
                 ref("rule.copy_action.destination_vault_arn", "aws_backup_vault.dr", 18))
    found, unresolved = run(BACKUP, *backup_nodes({}, plan_refs))
    assert found == {
        # the edge sits where the selection names the plan: the plan itself is no hop
        ("aws_db_instance.db", "aws_backup_vault.main", "backs_up_to", "plan_id", 32),
        ("aws_backup_vault.main", "aws_backup_vault.dr", "copies_to", "rule.copy_action.destination_vault_arn", 18),
    }
    assert unresolved == []


def test_a_hop_that_lands_on_a_literal_is_unresolved() -> None:
    attributes = {"rule": [{"target_vault_name": "vault-of-another-team"}]}
    found, unresolved = run(BACKUP, *backup_nodes(attributes, ()))
    assert found == set()
    assert unresolved_of(unresolved) == [(".::aws_db_instance.db", "backs_up_to", "plan_id>rule.target_vault_name", 30)]


def test_a_hop_on_each_end_of_a_carrier() -> None:
    rule = FlowRule(type="aws_dms_replication_task", relation="replicates_to", direction="to-target",
                    from_attribute="source_endpoint_arn>server_name|bucket_name",
                    attribute="target_endpoint_arn>server_name|bucket_name")
    task = node("aws_dms_replication_task.t", kind=NodeKind.OTHER, line=40, references=(
        ref("source_endpoint_arn", "aws_dms_endpoint.src", 41),
        ref("target_endpoint_arn", "aws_dms_s3_endpoint.dst", 42)))
    src = node("aws_dms_endpoint.src", kind=NodeKind.OTHER, references=(ref("server_name", "aws_db_instance.db", 5),))
    dst = node("aws_dms_s3_endpoint.dst", kind=NodeKind.OTHER, references=(ref("bucket_name", "aws_s3_bucket.b", 15),
                                                                          ref("service_access_role_arn",
                                                                              "aws_iam_role.r", 16)))
    found, _ = run([rule], task, src, dst, node("aws_db_instance.db"), node("aws_s3_bucket.b"),
                   node("aws_iam_role.r", kind=NodeKind.OTHER))
    assert found == {
        # the endpoints are no hops; what they reference besides the stores stays a plain reference
        ("aws_db_instance.db", "aws_s3_bucket.b", "replicates_to", "target_endpoint_arn", 42),
        ("aws_dms_endpoint.src", "aws_db_instance.db", "references", "server_name", 5),
        ("aws_dms_s3_endpoint.dst", "aws_s3_bucket.b", "references", "bucket_name", 15),
        ("aws_dms_s3_endpoint.dst", "aws_iam_role.r", "references", "service_access_role_arn", 16),
    }


# --- unresolved destinations -------------------------------------------------------------------------

def test_a_carrier_destination_in_a_variable_is_unresolved_per_source() -> None:
    carrier = node("aws_s3_bucket_replication_configuration.c", kind=NodeKind.OTHER, line=20,
                   attributes={"rule": [{"destination": [{"bucket": "arn:aws:s3:::elsewhere"}]}]},
                   references=(ref("bucket", "aws_s3_bucket.src", 22),))
    found, unresolved = run([REPLICATION], carrier, node("aws_s3_bucket.src"))
    assert found == set()
    assert unresolved_of(unresolved) == [(".::aws_s3_bucket.src", "replicates_to", "rule.destination.bucket", 20)]


def test_a_reference_to_something_outside_the_scan_is_unresolved() -> None:
    rule = FlowRule(type="google_logging_project_sink", from_attribute="project", attribute="destination",
                    relation="exports_to", direction="to-target")
    sink = node("google_logging_project_sink.s", kind=NodeKind.OTHER, line=5,
                attributes={"destination": "storage.googleapis.com/b"},
                references=(ref("project", "google_project.p", 6), ref("destination", "google_storage_bucket.gone", 7)))
    found, unresolved = run([rule], sink, node("google_project.p", kind=NodeKind.OTHER))
    assert found == set()
    assert unresolved_of(unresolved) == [(".::google_project.p", "exports_to", "destination", 5)]


def test_one_resolved_and_one_literal_alternative() -> None:
    rule = FlowRule(type="aws_kinesis_firehose_delivery_stream", relation="exports_to", direction="to-target",
                    attribute="http_endpoint_configuration.url|http_endpoint_configuration.s3_configuration.bucket_arn")
    stream = node("aws_kinesis_firehose_delivery_stream.s", kind=NodeKind.OTHER, line=3,
                  attributes={"http_endpoint_configuration": [{"url": "https://intake.example.com",
                                                               "s3_configuration": [{"bucket_arn": "arn"}]}]},
                  references=(ref("http_endpoint_configuration.s3_configuration.bucket_arn", "aws_s3_bucket.b", 9),))
    found, unresolved = run([rule], stream, node("aws_s3_bucket.b"))
    assert found == {("aws_kinesis_firehose_delivery_stream.s", "aws_s3_bucket.b", "exports_to",
                      "http_endpoint_configuration.s3_configuration.bucket_arn", 9)}
    assert unresolved_of(unresolved) == [(".::aws_kinesis_firehose_delivery_stream.s", "exports_to",
                                          rule.attribute, 3)]


@pytest.mark.parametrize("attributes", [{}, {"rule": [{"destination": [{"bucket": None}]}]},
                                        {"rule": [{"destination": []}]}, {"rule": []}])
def test_nothing_written_is_nothing_unresolved(attributes: dict[str, Any]) -> None:
    carrier = node("aws_s3_bucket_replication_configuration.c", kind=NodeKind.OTHER, attributes=attributes,
                   references=(ref("bucket", "aws_s3_bucket.src", 22),))
    assert run([REPLICATION], carrier, node("aws_s3_bucket.src")) == (set(), [])


def test_a_source_in_a_variable_is_no_finding() -> None:
    """Where the data comes from is unknown: nothing says it is sensitive."""
    rule = FlowRule(type="aws_db_instance", attribute="replicate_source_db", relation="replicates_to")
    replica = node("aws_db_instance.replica", attributes={"replicate_source_db": "arn:aws:rds:eu-west-3:1:db:x"})
    assert run([rule], replica) == (set(), [])


# --- propagation along the edges ------------------------------------------------------------------------

def test_sensitivity_follows_every_hop_across_terraform_and_kubernetes() -> None:
    rules = [FlowRule(type="outscale_snapshot", attribute="volume_id", relation="backs_up_to"),
             FlowRule(type="snapshot.storage.k8s.io/VolumeSnapshotContent", attribute="spec.source.snapshotHandle",
                      relation="copies_to"),
             FlowRule(type="PersistentVolumeClaim", attribute="spec.dataSource", relation="copies_to")]
    volume = node("outscale_volume.v", tags={"sensibilite": "particuliere"})
    snapshot = node("outscale_snapshot.s", references=(ref("volume_id", "outscale_volume.v", 7),))
    content = Node(key="cluster:prod::VolumeSnapshotContent/imported", address="VolumeSnapshotContent/imported",
                   type="snapshot.storage.k8s.io/VolumeSnapshotContent", kind=NodeKind.DATASTORE, origin="kubernetes",
                   location=Location("k8s/restore.yaml", 1), scope="cluster:prod",
                   references=(ref("spec.source.snapshotHandle", "outscale_snapshot.s", 9, "k8s/restore.yaml"),))
    claim = Node(key="cluster:prod::PersistentVolumeClaim/app/data", address="PersistentVolumeClaim/app/data",
                 type="PersistentVolumeClaim", kind=NodeKind.DATASTORE, origin="kubernetes",
                 location=Location("k8s/restore.yaml", 20), scope="cluster:prod",
                 references=(Reference(attribute="spec.dataSource", target=content.key,
                                       location=Location("k8s/restore.yaml", 27)),))
    graph = graph_of(volume, snapshot, content, claim)
    add_reference_edges(graph, index_flows(rules))
    reached = propagate(graph, {volume.key: "particuliere"})
    level, steps = reached[claim.key]
    assert level == "particuliere"
    assert [(s.source, s.relation, s.location.file, s.location.line) for s in steps] == [
        (".::outscale_volume.v", Relation.BACKS_UP_TO, "main.tf", 7),
        (".::outscale_snapshot.s", Relation.COPIES_TO, "k8s/restore.yaml", 9),
        (content.key, Relation.COPIES_TO, "k8s/restore.yaml", 27),
    ]


# --- the shipped rules, one case per provider family ------------------------------------------------------

@pytest.fixture(scope="module")
def shipped() -> dict[str, list[FlowRule]]:
    return index_flows(load_knowledge().flows)


SHIPPED_CASES = [
    # (type of the referring node, attribute of its reference, referenced type, expected edge as
    #  (source type, target type, relation)) — the referring node is "r", the referenced one "t"
    ("aws_db_instance", "replicate_source_db", "aws_db_instance", ("t", "r", "replicates_to")),
    ("aws_rds_cluster", "replication_source_identifier", "aws_rds_cluster", ("t", "r", "replicates_to")),
    ("aws_db_snapshot_copy", "source_db_snapshot_identifier", "aws_db_snapshot", ("t", "r", "copies_to")),
    ("aws_ebs_snapshot_copy", "source_snapshot_id", "aws_ebs_snapshot", ("t", "r", "copies_to")),
    ("aws_dynamodb_table_replica", "global_table_arn", "aws_dynamodb_table", ("t", "r", "replicates_to")),
    ("aws_kinesis_firehose_delivery_stream", "extended_s3_configuration.bucket_arn", "aws_s3_bucket",
     ("r", "t", "exports_to")),
    ("aws_cloudwatch_log_destination", "target_arn", "aws_kinesis_stream", ("r", "t", "exports_to")),
    ("google_sql_database_instance", "master_instance_name", "google_sql_database_instance",
     ("t", "r", "replicates_to")),
    ("google_compute_snapshot", "source_disk", "google_compute_disk", ("t", "r", "backs_up_to")),
    ("google_compute_disk", "async_primary_disk.disk", "google_compute_disk", ("t", "r", "replicates_to")),
    ("azurerm_mssql_database", "creation_source_database_id", "azurerm_mssql_database", ("t", "r", "replicates_to")),
    ("azurerm_postgresql_flexible_server", "source_server_id", "azurerm_postgresql_flexible_server",
     ("t", "r", "replicates_to")),
    ("azurerm_snapshot", "source_resource_id", "azurerm_managed_disk", ("t", "r", "backs_up_to")),
    ("outscale_snapshot", "volume_id", "outscale_volume", ("t", "r", "backs_up_to")),
    ("outscale_snapshot", "source_snapshot_id", "outscale_snapshot", ("t", "r", "copies_to")),
    ("outscale_image", "vm_id", "outscale_vm", ("t", "r", "backs_up_to")),
    ("ovh_cloud_project_storage", "replication", "ovh_cloud_project_storage", ("r", "t", "replicates_to")),
    ("ovh_cloud_project_volume_backup", "volume_id", "ovh_cloud_project_volume", ("t", "r", "backs_up_to")),
    ("ovh_cloud_storage_block_volume", "create_from.snapshot_id", "ovh_cloud_storage_block_volume_snapshot",
     ("t", "r", "copies_to")),
    ("scaleway_rdb_read_replica", "instance_id", "scaleway_rdb_instance", ("t", "r", "replicates_to")),
    ("scaleway_instance_volume", "from_snapshot_id", "scaleway_instance_snapshot", ("t", "r", "copies_to")),
    ("scaleway_block_snapshot", "volume_id", "scaleway_block_volume", ("t", "r", "backs_up_to")),
]


@pytest.mark.parametrize(("type_", "attribute", "target_type", "expected"), SHIPPED_CASES,
                         ids=[f"{c[0]}.{c[1]}" for c in SHIPPED_CASES])
def test_shipped_direct_flows(shipped: dict[str, list[FlowRule]], type_: str, attribute: str, target_type: str,
                              expected: tuple[str, str, str]) -> None:
    referring = node(f"{type_}.r", references=(ref(attribute, f"{target_type}.t", 5),))
    graph = graph_of(referring, node(f"{target_type}.t"))
    assert add_reference_edges(graph, shipped) == []
    names = {"r": f"{type_}.r", "t": f"{target_type}.t"}
    assert edges(graph) == {(names[expected[0]], names[expected[1]], expected[2], attribute, 5)}


CARRIER_CASES = [
    # (carrier type, (source attribute, source type), (destination attribute, destination type), relation)
    ("aws_s3_bucket_replication_configuration", ("bucket", "aws_s3_bucket"),
     ("rule.destination.bucket", "aws_s3_bucket"), "replicates_to"),
    ("aws_cloudwatch_log_subscription_filter", ("log_group_name", "aws_cloudwatch_log_group"),
     ("destination_arn", "aws_kinesis_stream"), "exports_to"),
    ("aws_backup_plan", ("rule.target_vault_name", "aws_backup_vault"),
     ("rule.copy_action.destination_vault_arn", "aws_backup_vault"), "copies_to"),
    ("google_logging_project_sink", ("project", "google_project"), ("destination", "google_storage_bucket"),
     "exports_to"),
    ("google_storage_transfer_job", ("transfer_spec.aws_s3_data_source.bucket_name", "aws_s3_bucket"),
     ("transfer_spec.gcs_data_sink.bucket_name", "google_storage_bucket"), "copies_to"),
    ("azurerm_backup_protected_vm", ("source_vm_id", "azurerm_linux_virtual_machine"),
     ("recovery_vault_name", "azurerm_recovery_services_vault"), "backs_up_to"),
    ("azurerm_storage_object_replication", ("source_storage_account_id", "azurerm_storage_account"),
     ("destination_storage_account_id", "azurerm_storage_account"), "replicates_to"),
    ("outscale_snapshot_export_task", ("snapshot_id", "outscale_snapshot"), ("osu_export.osu_bucket", "aws_s3_bucket"),
     "exports_to"),
    ("outscale_image_export_task", ("image_id", "outscale_image"), ("osu_export.osu_bucket", "aws_s3_bucket"),
     "exports_to"),
]


@pytest.mark.parametrize(("carrier", "source", "destination", "relation"), CARRIER_CASES,
                         ids=[c[0] for c in CARRIER_CASES])
def test_shipped_carriers(shipped: dict[str, list[FlowRule]], carrier: str, source: tuple[str, str],
                          destination: tuple[str, str], relation: str) -> None:
    node_ = node(f"{carrier}.c", kind=NodeKind.OTHER, references=(
        ref(source[0], f"{source[1]}.src", 3), ref(destination[0], f"{destination[1]}.dst", 4)))
    graph = graph_of(node_, node(f"{source[1]}.src"), node(f"{destination[1]}.dst"))
    assert add_reference_edges(graph, shipped) == []
    assert edges(graph) == {(f"{source[1]}.src", f"{destination[1]}.dst", relation, destination[0], 4)}
