"""The Kubernetes frontend, feature by feature: exact nodes, edges, tags, placement and hosting clues."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.config import ClusterSpec, KubernetesConfig
from linter.knowledge import Knowledge
from linter.kubernetes.frontend import load_kubernetes
from linter.model import Edge, Fragment, HostAddress, HostingClue, Location, Node, NodeKind, Relation, Suppression, Tag
from linter.suppression_syntax import parse_suppression

PROD = KubernetesConfig(clusters={"prod": ClusterSpec(name="prod", hosting={"provider": "aws", "region": "eu-west-3"})},
                        default="prod")


def run(knowledge: Knowledge, files: dict[str, str], config: KubernetesConfig = PROD,
        tmp: Path | None = None) -> Fragment:
    return load_kubernetes([(p, t.encode()) for p, t in files.items()], knowledge=knowledge, config=config,
                           kustomize=False, cwd=tmp, config_file=".snclint.yaml")


def by_key(fragment: Fragment) -> dict[str, Node]:
    return {n.key: n for n in fragment.nodes}


def edges(fragment: Fragment) -> set[tuple[str, str, Relation, int]]:
    return {(e.source, e.target, e.relation, e.location.line) for e in fragment.edges}


def tags(node: Node) -> list[tuple[str, str, str, int]]:
    return [(t.key, t.value, t.source, t.location.line) for t in node.tags]


NAMESPACE_AND_STATEFULSET = """apiVersion: v1
kind: Namespace
metadata:
  name: health
  labels:
    example.org/data-sensitivity: particuliere
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
  namespace: health
  labels: {tier: db}
spec:
  template:
    metadata:
      labels: {app: postgres}
    spec:
      containers: [{name: pg, image: postgres}]
  volumeClaimTemplates:
    - metadata:
        name: data
        labels: {backup: daily}
      spec:
        storageClassName: gp3
---
apiVersion: v1
kind: Service
metadata:
  name: postgres
  namespace: health
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
provisioner: ebs.csi.aws.com
"""


def test_namespace_statefulset_and_claim_template(knowledge: Knowledge) -> None:
    fragment = run(knowledge, {"m.yaml": NAMESPACE_AND_STATEFULSET})
    nodes = by_key(fragment)
    assert list(nodes) == [
        "cluster:prod", "cluster:prod::Namespace/health", "cluster:prod::PersistentVolumeClaim/health/data-postgres-*",
        "cluster:prod::StatefulSet/health/postgres", "cluster:prod::Service/health/postgres",
        "cluster:prod::StorageClass/gp3",
    ]
    assert nodes["cluster:prod"] == Node(
        key="cluster:prod", address="cluster/prod", type="cluster", kind=NodeKind.CLUSTER, origin="config",
        location=Location(".snclint.yaml", 1), scope="cluster:prod", cluster="prod",
        hosting=HostingClue(declared={"provider": "aws", "region": "eu-west-3"},
                            why="kubernetes.clusters.prod.hosting"))
    namespace_tag = ("example.org/data-sensitivity", "particuliere", "namespace health", 1)
    sts = nodes["cluster:prod::StatefulSet/health/postgres"]
    assert (sts.address, sts.type, sts.kind, sts.location, sts.scope, sts.cluster) == (
        "StatefulSet/health/postgres", "StatefulSet", NodeKind.COMPUTE, Location("m.yaml", 8), "cluster:prod", "prod")
    assert tags(sts) == [("tier", "db", "labels", 8), ("app", "postgres", "pod template labels", 8), namespace_tag]
    assert sts.hosting == HostingClue(cluster="cluster:prod", why="kubernetes.default")
    claim = nodes["cluster:prod::PersistentVolumeClaim/health/data-postgres-*"]
    assert (claim.type, claim.kind, claim.location) == ("PersistentVolumeClaim", NodeKind.DATASTORE,
                                                        Location("m.yaml", 21))
    assert tags(claim) == [
        ("backup", "daily", "labels", 21), ("tier", "db", "labels of StatefulSet/health/postgres", 8),
        ("app", "postgres", "pod template labels of StatefulSet/health/postgres", 8), namespace_tag,
    ]
    assert claim.hosting == HostingClue(cluster="cluster:prod", why="kubernetes.default",
                                        signals={"storage_class": "gp3", "csi_driver": "ebs.csi.aws.com"})
    assert claim.attributes["template_of"] == "StatefulSet/health/postgres"
    # a Service holds no data: the Namespace's classification is not copied to it
    assert tags(nodes["cluster:prod::Service/health/postgres"]) == []
    # the Namespace's labels classify its objects, not the Namespace itself
    assert tags(nodes["cluster:prod::Namespace/health"]) == []
    assert nodes["cluster:prod::StorageClass/gp3"].hosting == HostingClue(
        cluster="cluster:prod", signals={"csi_driver": "ebs.csi.aws.com"}, why="kubernetes.default")
    assert edges(fragment) == {
        ("cluster:prod::StatefulSet/health/postgres", "cluster:prod::PersistentVolumeClaim/health/data-postgres-*",
         Relation.MOUNTS, 21),
        ("cluster:prod::PersistentVolumeClaim/health/data-postgres-*", "cluster:prod::StorageClass/gp3",
         Relation.USES, 21),
        ("cluster:prod::Namespace/health", "cluster:prod::StatefulSet/health/postgres", Relation.CONTAINS, 8),
        ("cluster:prod::Namespace/health", "cluster:prod::Service/health/postgres", Relation.CONTAINS, 27),
    }
    assert fragment.files == ("m.yaml",) and fragment.problems == () and fragment.notes == ()


CLAIMS = """apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: shared
  namespace: app
spec:
  volumeName: pv-1
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  template:
    spec:
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: shared}
        - name: missing
          persistentVolumeClaim: {claimName: nowhere}
        - name: scratch
          ephemeral:
            volumeClaimTemplate:
              spec: {storageClassName: fast}
        - name: inline
          csi: {driver: csi.scaleway.com}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: app}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          volumes:
            - name: data
              persistentVolumeClaim: {claimName: shared}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-1}
spec:
  awsElasticBlockStore: {volumeID: vol-1}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: static, namespace: app}
spec: {storageClassName: ""}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-2}
spec:
  claimRef: {namespace: app, name: static}
  csi: {driver: bsu.csi.outscale.com}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: pd.csi.storage.gke.io
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: defaulted, namespace: app}
spec: {}
"""


def test_claims_mounted_by_several_workloads_volumes_and_classes(knowledge: Knowledge) -> None:
    fragment = run(knowledge, {"c.yaml": CLAIMS})
    nodes = by_key(fragment)
    p = "cluster:prod::"
    assert edges(fragment) == {
        (f"{p}PersistentVolumeClaim/app/shared", f"{p}PersistentVolume/pv-1", Relation.USES, 1),
        # no storageClassName: the cluster's default class
        (f"{p}PersistentVolumeClaim/app/shared", f"{p}StorageClass/fast", Relation.USES, 1),
        (f"{p}Deployment/app/web", f"{p}PersistentVolumeClaim/app/shared", Relation.MOUNTS, 16),
        (f"{p}Deployment/app/web", f"{p}PersistentVolumeClaim/app/web-*-scratch", Relation.MOUNTS, 20),
        (f"{p}PersistentVolumeClaim/app/web-*-scratch", f"{p}StorageClass/fast", Relation.USES, 20),
        (f"{p}CronJob/app/backup", f"{p}PersistentVolumeClaim/app/shared", Relation.MOUNTS, 36),
        (f"{p}PersistentVolumeClaim/app/static", f"{p}PersistentVolume/pv-2", Relation.USES, 45),
        (f"{p}PersistentVolumeClaim/app/defaulted", f"{p}StorageClass/fast", Relation.USES, 64),
    }
    signals = {k.removeprefix(p): n.hosting.signals for k, n in nodes.items() if n.hosting and n.hosting.signals}
    assert signals == {
        # bound to a known volume: the volume's driver, over its class's
        "PersistentVolumeClaim/app/shared": {"storage_class": "fast", "csi_driver": "kubernetes.io/aws-ebs"},
        "Deployment/app/web": {"csi_driver": "csi.scaleway.com"},
        "PersistentVolumeClaim/app/web-*-scratch": {"storage_class": "fast", "csi_driver": "pd.csi.storage.gke.io"},
        "PersistentVolume/pv-1": {"csi_driver": "kubernetes.io/aws-ebs"},
        "PersistentVolumeClaim/app/static": {"csi_driver": "bsu.csi.outscale.com"},
        "PersistentVolume/pv-2": {"csi_driver": "bsu.csi.outscale.com"},
        "StorageClass/fast": {"csi_driver": "pd.csi.storage.gke.io"},
        "PersistentVolumeClaim/app/defaulted": {"storage_class": "fast", "csi_driver": "pd.csi.storage.gke.io"},
    }
    assert nodes[f"{p}Deployment/app/web"].notes == (
        "mounts claim nowhere (volume missing), which is not in the scanned files",)
    assert nodes[f"{p}PersistentVolumeClaim/app/web-*-scratch"].notes == (
        "ephemeral volume scratch of Deployment/app/web: Kubernetes creates the claims web-*-scratch from it",)


def test_placement_by_paths_annotations_and_namespaces(knowledge: Knowledge) -> None:
    config = KubernetesConfig(clusters={
        "gouv": ClusterSpec(name="gouv", hosting={"provider": "outscale"}, paths=("k8s/gouv/**",)),
        "tf": ClusterSpec(name="tf", terraform="module.k8s.ovh_cloud_project_kube.main", root="infra",
                          paths=("k8s/tf/**",)),
    })
    files = {
        "k8s/gouv/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  annotations:\n"
                            "    snclint.io/cluster: tf\n  labels: {sensibilite: particuliere}\n",
        "k8s/gouv/app.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: in-a, namespace: a}\n---\n"
                             "apiVersion: v1\nkind: Pod\nmetadata: {name: in-b, namespace: b}\n---\n"
                             "apiVersion: v1\nkind: Pod\nmetadata:\n  name: own\n  namespace: a\n"
                             "  annotations: {snclint.io/cluster: gouv}\n",
        "elsewhere/x.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: lost}\n",
        "-": "apiVersion: v1\nkind: Pod\nmetadata: {name: piped, annotations: {snclint.io/cluster: edge}}\n",
    }
    fragment = run(knowledge, files, config)
    placed = {n.key: (n.cluster, n.hosting.why if n.hosting else None) for n in fragment.nodes}
    assert placed == {
        "cluster:tf": ("tf", "kubernetes.clusters.tf.terraform"),
        "cluster:gouv": ("gouv", "kubernetes.clusters.gouv.hosting"),
        "cluster:edge": ("edge", None),
        "cluster:tf::Namespace/a": ("tf", "annotation snclint.io/cluster"),
        "cluster:tf::Pod/a/in-a": ("tf", "annotation snclint.io/cluster on Namespace/a"),
        "cluster:gouv::Pod/b/in-b": ("gouv", "kubernetes.clusters.gouv.paths matches k8s/gouv/app.yaml (k8s/gouv/**)"),
        "cluster:gouv::Pod/a/own": ("gouv", "annotation snclint.io/cluster"),
        "cluster:?::Pod/default/lost": (None, None),
        "cluster:edge::Pod/default/piped": ("edge", "annotation snclint.io/cluster"),
    }
    nodes = by_key(fragment)
    assert nodes["cluster:tf"].hosting == HostingClue(
        host_address=HostAddress(address="module.k8s.ovh_cloud_project_kube.main", root="infra"),
        why="kubernetes.clusters.tf.terraform")
    assert nodes["cluster:edge"].location == Location("-", 1)
    assert nodes["cluster:edge"].notes == ("cluster edge is named by a snclint.io/cluster annotation but is not in "
                                           "kubernetes.clusters of the config: its hosting is unknown",)
    lost = nodes["cluster:?::Pod/default/lost"]
    assert (lost.scope, lost.hosting) == ("cluster:?", None)
    assert lost.notes[-1].startswith("not placed: no snclint.io/cluster annotation")
    # the Pod moved to gouv by its own annotation still gets its Namespace's classification
    assert tags(nodes["cluster:gouv::Pod/a/own"]) == [("sensibilite", "particuliere", "namespace a", 1)]


def test_same_named_namespaces_in_two_folders(knowledge: Knowledge) -> None:
    config = KubernetesConfig(clusters={
        "a": ClusterSpec(name="a", hosting={"provider": "aws"}, paths=("a/**",)),
        "b": ClusterSpec(name="b", hosting={"provider": "gcp"}, paths=("b/**",)),
    })
    ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n  labels: {{sensibilite: {}}}\n"
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: app}\n"
    fragment = run(knowledge, {"a/ns.yaml": ns.format("particuliere"), "a/pod.yaml": pod,
                               "b/ns.yaml": ns.format("standard"), "b/pod.yaml": pod}, config)
    nodes = by_key(fragment)
    assert tags(nodes["cluster:a::Pod/app/p"]) == [("sensibilite", "particuliere", "namespace app", 1)]
    assert tags(nodes["cluster:b::Pod/app/p"]) == [("sensibilite", "standard", "namespace app", 1)]


def test_addresses_scopes_and_types(knowledge: Knowledge) -> None:
    files = {"x.yaml": (
        "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg, namespace: db}\n---\n"
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n---\n"
        "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-}\n---\n"
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n---\n"
        "apiVersion: v1\nkind: Config\nclusters: []\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: nameless}\n")}
    nodes = run(knowledge, files).nodes
    assert [(n.address, n.type, n.kind) for n in nodes] == [
        ("cluster/prod", "cluster", NodeKind.CLUSTER),
        ("Cluster/db/pg", "postgresql.cnpg.io/Cluster", NodeKind.DATASTORE),
        ("ClusterRole/reader", "ClusterRole", NodeKind.OTHER),
        ("Job/default/migrate-*", "Job", NodeKind.COMPUTE),
    ]


def test_suppressions_from_comments_and_annotations(knowledge: Knowledge) -> None:
    text = ('# snclint:ignore SNC001 reason="planned" until=2027-06-30\n'
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: a\n  annotations:\n"
            '    snclint.io/ignore: |\n      SNC003 reason="scratch"\n      snclint:ignore SNC006\n'
            "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\n"
            "  annotations: {snclint.io/ignore: SNC001}\nspec:\n  volumeClaimTemplates:\n"
            "    - metadata: {name: d}\n")
    nodes = by_key(run(knowledge, {"s.yaml": text}))
    claim = nodes["cluster:prod::PersistentVolumeClaim/default/a"]
    assert claim.suppressions == (
        parse_suppression('# snclint:ignore SNC001 reason="planned" until=2027-06-30', Location("s.yaml", 1)),
        Suppression(rules=("SNC003",), reason="scratch", until=None, location=Location("s.yaml", 2),
                    origin="annotation"),
        Suppression(rules=("SNC006",), reason=None, until=None, location=Location("s.yaml", 2),
                    origin="annotation"),
    )
    # the annotations are directives, not tags
    assert claim.tags == ()
    owned = (Suppression(rules=("SNC001",), reason=None, until=None, location=Location("s.yaml", 11),
                         origin="annotation"),)
    assert nodes["cluster:prod::StatefulSet/default/s"].suppressions == owned
    assert nodes["cluster:prod::PersistentVolumeClaim/default/d-s-*"].suppressions == owned


def test_lists_json_duplicates_problems_and_skipped_files(knowledge: Knowledge) -> None:
    files = {
        "list.json": '{"apiVersion": "v1", "kind": "List", "items": [\n'
                     '  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},\n'
                     '  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]}\n',
        "bad.yaml": "apiVersion: v1\nkind: Pod\nmetadata: [\n",
        "crypt.yaml": "\x00GITCRYPT",
        "values.yaml": "replicas: 3\n",
        "chart/templates/d.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: {{ .Release.Name }}}\n",
    }
    fragment = run(knowledge, files)
    assert [n.key for n in fragment.nodes] == ["cluster:prod", "cluster:prod::ConfigMap/default/a"]
    assert fragment.nodes[1].location == Location("list.json", 2)
    assert fragment.notes == ("skipped crypt.yaml: binary content (encrypted?)",
                              "ConfigMap/default/a is defined twice on prod: list.json:2 and list.json:3; "
                              "the first is used")
    assert [(p.location, p.message[:22]) for p in fragment.problems] == [
        (Location("bad.yaml", 4), "not valid YAML: while "),
        (Location("chart/templates/d.yaml", 3), "Go template (Helm?): r"),
    ]
    assert fragment.files == ("list.json", "bad.yaml", "chart/templates/d.yaml")


def test_unplaced_object_keeps_its_storage_signals(knowledge: Knowledge) -> None:
    text = ("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: a, namespace: n}\n"
            "spec: {storageClassName: sc}\n---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\n"
            "metadata: {name: sc}\nprovisioner: csi.scaleway.com\n")
    nodes = by_key(run(knowledge, {"a.yaml": text}, KubernetesConfig()))
    assert list(nodes) == ["cluster:?::PersistentVolumeClaim/n/a", "cluster:?::StorageClass/sc"]
    assert nodes["cluster:?::PersistentVolumeClaim/n/a"].hosting == HostingClue(
        signals={"storage_class": "sc", "csi_driver": "csi.scaleway.com"}, why=nodes[
            "cluster:?::PersistentVolumeClaim/n/a"].notes[-1])


def test_edges_are_typed(knowledge: Knowledge) -> None:
    fragment = run(knowledge, {"m.yaml": NAMESPACE_AND_STATEFULSET})
    assert all(isinstance(e, Edge) and e.location.file == "m.yaml" for e in fragment.edges)
    assert all(isinstance(t, Tag) for n in fragment.nodes for t in n.tags)


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                  max_size=3), max_leaves=12)
KINDS = ["Pod", "Deployment", "StatefulSet", "CronJob", "PersistentVolumeClaim", "PersistentVolume",
         "StorageClass", "Namespace", "List"]
FIELDS = ["name", "namespace", "labels", "annotations", "spec", "template", "volumes", "claimName",
          "persistentVolumeClaim", "volumeClaimTemplates", "metadata", "storageClassName", "provisioner",
          "claimRef", "csi", "driver", "volumeName", "ephemeral", "volumeClaimTemplate", "items",
          "snclint.io/cluster", "snclint.io/ignore", "storageclass.kubernetes.io/is-default-class"]
SHAPED = st.recursive(JSONISH, lambda inner: st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4),
                      max_leaves=20)
OBJECTS = st.fixed_dictionaries({"apiVersion": st.sampled_from(["v1", "apps/v1", "x.io/v1"]),
                                 "kind": st.sampled_from(KINDS)},
                                optional={"metadata": SHAPED, "spec": SHAPED, "items": st.lists(SHAPED, max_size=3),
                                          "provisioner": JSONISH})


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(OBJECTS, max_size=6))
def test_never_raises_on_objects_of_any_shape(knowledge: Knowledge, objects: list[dict[str, object]]) -> None:
    text = "\n---\n".join(json.dumps(o) for o in objects)
    fragment = run(knowledge, {"k8s/a.yaml": text, "b.json": json.dumps({"apiVersion": "v1", "kind": "List",
                                                                          "items": objects})})
    keys = [n.key for n in fragment.nodes]
    assert len(keys) == len(set(keys))
    assert all(e.source in keys and e.target in keys for e in fragment.edges)


def test_each_object_carries_its_namespace(knowledge: Knowledge) -> None:
    """What a config system claims by namespace: an object's, a claim template's (its owner's), a
    Namespace's own name; none for a cluster-scoped object."""
    found = {n.address: n.namespace for n in run(knowledge, {"k8s/db.yaml": NAMESPACE_AND_STATEFULSET}).nodes}
    assert found == {"Namespace/health": "health", "StatefulSet/health/postgres": "health",
                     "PersistentVolumeClaim/health/data-postgres-*": "health", "Service/health/postgres": "health",
                     "StorageClass/gp3": None, "cluster/prod": None}
