"""Manifest folders ``k8s/<app>/`` and the ``.snclint.yaml`` that places each folder on a cluster.

Objects: labelled Namespaces, StatefulSets with volumeClaimTemplates, Deployments mounting PVCs,
StorageClasses of each cloud's CSI driver, plus files that are not Kubernetes objects
(kustomization.yaml) and the odd ``kind: List`` in JSON."""
from __future__ import annotations

import json
import random
import re

from estate.common import APPS, MINISTRIES, PARTICULIERE, STANDARD, TYPOS

# cluster name -> (hosting as the config writes it, CSI provisioner of its disks, weight)
CLUSTERS: dict[str, tuple[dict[str, str], str, int]] = {
    "eks-paris": ({"provider": "aws", "region": "eu-west-3"}, "ebs.csi.aws.com", 40),
    "cloudgouv": ({"provider": "outscale", "offer": "iaas", "region": "cloudgouv-eu-west-1"},
                  "bsu.csi.outscale.com", 20),
    "premi3ns": ({"provider": "s3ns", "offer": "premi3ns", "region": "u-france-east1"}, "pd.csi.storage.gke.io", 12),
    "mks-gra": ({"provider": "ovhcloud", "offer": "public-cloud", "region": "GRA11"},
                "cinder.csi.openstack.org", 12),
    "kapsule-par": ({"provider": "scaleway", "region": "fr-par"}, "csi.scaleway.com", 8),
    "aks-fc": ({"provider": "azure", "region": "francecentral"}, "disk.csi.azure.com", 8),
}
_MKS = re.compile(r'^module "mks"', re.M)


def app_names(rng: random.Random, count: int) -> list[str]:
    names = [f"{a}-{m}" for m in MINISTRIES for a in APPS]
    rng.shuffle(names)
    return [names[i % len(names)] + (f"-{i // len(names)}" if i >= len(names) else "") for i in range(count)]


def _label(rng: random.Random) -> tuple[str, str] | None:
    """(key, value) of a Namespace's classification, or None."""
    r = rng.random()
    key = rng.choice(("data-sensitivity", "data-sensitivity", "example.org/data-sensitivity", "sensibilite"))
    if r < 0.2:
        return key, rng.choice(PARTICULIERE).lower().replace("è", "e")
    if r < 0.8:
        return key, rng.choice(STANDARD)
    if r < 0.96:
        return None
    return key, rng.choice(TYPOS)


def app_files(rng: random.Random, app: str, cluster: str) -> dict[str, str]:
    """The manifests of one application, by file name."""
    provisioner = CLUSTERS[cluster][1]
    label = _label(rng)
    labels = f"\n  labels:\n    app.kubernetes.io/part-of: {app}"
    annotations = ""
    if label is not None:
        k, v = label
        if "/" in k:
            annotations += f"\n    {k}: {v}"
        else:
            labels += f"\n    {k}: {v}"
    if rng.random() < 0.1:
        annotations += f"\n    snclint.io/cluster: {cluster}"
    ns_doc = f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {app}{labels}"
    if annotations:
        ns_doc += f"\n  annotations:{annotations}"
    sc = f"{app}-ssd"
    size = rng.choice(("10Gi", "20Gi", "50Gi", "100Gi", "500Gi"))
    files = {
        "namespace.yaml": ns_doc + "\n",
        "storageclass.yaml": f'''# disks of {app}, encrypted by the platform
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: {sc}
provisioner: {provisioner}
reclaimPolicy: Retain
allowVolumeExpansion: true
volumeBindingMode: WaitForFirstConsumer
''',
        "statefulset.yaml": f'''apiVersion: v1
kind: Service
metadata:
  name: postgres
  namespace: {app}
spec:
  clusterIP: None
  selector:
    app: postgres
  ports:
    - port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
  namespace: {app}
  labels:
    app: postgres
spec:
  serviceName: postgres
  replicas: {rng.choice((1, 1, 3))}
  selector:
    matchLabels:
      app: postgres
  template:
    metadata:
      labels:
        app: postgres
    spec:
      containers:
        - name: postgres
          image: postgres:16.4
          ports:
            - containerPort: 5432
          env:
            - name: PGDATA
              value: /var/lib/postgresql/data/pgdata
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: {sc}
        resources:
          requests:
            storage: {size}
''',
        "deployment.yaml": f'''apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: uploads
  namespace: {app}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: {sc}
  resources:
    requests:
      storage: 20Gi
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: {app}
spec:
  replicas: {rng.randint(1, 4)}
  selector:
    matchLabels: {{app: api}}
  template:
    metadata:
      labels: {{app: api}}
    spec:
      containers:
        - name: api
          image: registry.example.org/{app}/api:1.{rng.randint(0, 30)}.{rng.randint(0, 9)}
          envFrom:
            - configMapRef: {{name: api}}
          volumeMounts:
            - {{name: uploads, mountPath: /srv/uploads}}
      volumes:
        - name: uploads
          persistentVolumeClaim:
            claimName: uploads
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: {app}
spec:
  selector: {{app: api}}
  ports:
    - {{port: 80, targetPort: 8080}}
''',
        "configmap.yaml": f'''apiVersion: v1
kind: ConfigMap
metadata:
  name: api
  namespace: {app}
data:
  DATABASE_HOST: postgres.{app}.svc.cluster.local
  LOG_LEVEL: {rng.choice(("info", "warn", "debug"))}
  welcome.txt: |
    Bienvenue sur {app}.
    Ce service traite des données administratives.
''',
    }
    if rng.random() < 0.3:
        files["backup.json"] = json.dumps({"apiVersion": "v1", "kind": "List", "items": [{
            "apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "pg-dump", "namespace": app},
            "spec": {"schedule": "0 2 * * *", "jobTemplate": {"spec": {"template": {"spec": {
                "restartPolicy": "OnFailure",
                "containers": [{"name": "dump", "image": "postgres:16.4",
                                "command": ["sh", "-c", "pg_dump -h postgres > /backup/dump.sql"],
                                "volumeMounts": [{"name": "backup", "mountPath": "/backup"}]}],
                "volumes": [{"name": "backup", "persistentVolumeClaim": {"claimName": "uploads"}}]}}}}}}]},
            indent=2) + "\n"
    if rng.random() < 0.4:  # some teams deploy with kustomize, the others apply the folder
        listed = "".join(f"  - {name}\n" for name in files)
        files["kustomization.yaml"] = ("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                                       f"namespace: {app}\nresources:\n{listed}")
    return files


def config(placement: dict[str, list[str]], roots: dict[str, str]) -> str:
    """``.snclint.yaml``: each cluster's hosting (one of them through its Terraform resource) and paths."""
    mks_root = next((path for path, main in sorted(roots.items()) if _MKS.search(main)), None)
    lines = ["# Where each manifest folder runs.", "version: 1", "kubernetes:", "  clusters:"]
    for name, (hosting, _, _) in CLUSTERS.items():
        apps = placement.get(name, [])
        if not apps:
            continue
        lines.append(f"    {name}:")
        if name == "mks-gra" and mks_root is not None:
            lines += ["      terraform: module.mks.ovh_cloud_project_kube.this", f"      root: {mks_root}"]
        else:
            lines.append("      hosting: {" + ", ".join(f"{k}: {v}" for k, v in hosting.items()) + "}")
        lines.append("      paths:")
        lines += [f'        - "k8s/{app}/**"' for app in apps]
    default = max(placement, key=lambda c: len(placement[c]))
    lines += [f"  default: {default}", "exceptions:",
              "  - rule: SNC001",
              "    address: module.bucket_archives.aws_s3_bucket.this",
              '    reason: "archives move to the qualified offer in Q3"',
              "    expires: 2027-06-30",
              "  - rule: SNC003",
              "    address: aws_dynamodb_table.sessions",
              '    reason: "sessions hold no personal data"',
              "    expires: 2026-01-31"]
    return "\n".join(lines) + "\n"


def cluster_for(rng: random.Random) -> str:
    names = list(CLUSTERS)
    return rng.choices(names, [CLUSTERS[n][2] for n in names])[0]
