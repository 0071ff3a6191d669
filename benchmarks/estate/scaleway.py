"""Scaleway roots (fr-par mostly): tags are lists of ``"key=value"`` strings on most resources and a
map on buckets, so the modules turn the caller's map into both."""
from __future__ import annotations

from estate.common import Root, block, q, sensitivity, tag_map

NAME = "scaleway"
WEIGHT = 8
SRC = "../../../modules"

VERSIONS = '''terraform {
  required_providers {
    scaleway = {
      source  = "scaleway/scaleway"
      version = ">= 2.40"
    }
  }
}
'''

VARS = '''variable "name" {
  type = string
}

variable "tags" {
  description = "Tags as a map; turned into key=value strings where Scaleway wants a list."
  type        = map(string)
  default     = {}
}
'''

TAG_LIST = '''locals {
  tag_list = [for k, v in var.tags : "${k}=${v}"]
}
'''

NETWORK = TAG_LIST + '''
resource "scaleway_vpc" "this" {
  name = var.name
  tags = local.tag_list
}

resource "scaleway_vpc_private_network" "this" {
  name   = "${var.name}-pn"
  vpc_id = scaleway_vpc.this.id
  tags   = local.tag_list

  ipv4_subnet {
    subnet = var.cidr
  }
}

resource "scaleway_vpc_public_gateway" "this" {
  name = "${var.name}-gw"
  type = "VPC-GW-S"
  tags = local.tag_list
}

resource "scaleway_vpc_gateway_network" "this" {
  gateway_id         = scaleway_vpc_public_gateway.this.id
  private_network_id = scaleway_vpc_private_network.this.id

  ipam_config {
    push_default_route = true
  }
}
'''

NETWORK_VARS = VARS + '''
variable "cidr" {
  type    = string
  default = "172.16.0.0/22"
}
'''

NETWORK_OUT = '''output "private_network_id" {
  value = scaleway_vpc_private_network.this.id
}
'''

DATABASE = TAG_LIST + '''
resource "scaleway_rdb_instance" "this" {
  name           = var.name
  node_type      = var.node_type
  engine         = "PostgreSQL-16"
  is_ha_cluster  = var.high_availability
  disable_backup = false
  tags           = local.tag_list

  private_network {
    pn_id       = var.private_network_id
    enable_ipam = true
  }
}

resource "scaleway_rdb_database" "this" {
  for_each    = toset(var.databases)
  instance_id = scaleway_rdb_instance.this.id
  name        = each.value
}

resource "scaleway_rdb_acl" "this" {
  instance_id = scaleway_rdb_instance.this.id

  dynamic "acl_rules" {
    for_each = var.allowed_cidrs
    content {
      ip          = acl_rules.value
      description = "allowed ${acl_rules.value}"
    }
  }
}

resource "scaleway_rdb_read_replica" "this" {
  count       = var.read_replica ? 1 : 0
  instance_id = scaleway_rdb_instance.this.id

  private_network {
    private_network_id = var.private_network_id
    enable_ipam        = true
  }
}
'''

DATABASE_VARS = VARS + '''
variable "node_type" {
  type    = string
  default = "DB-DEV-S"
}

variable "high_availability" {
  type    = bool
  default = false
}

variable "private_network_id" {
  type = string
}

variable "databases" {
  type    = list(string)
  default = ["app"]
}

variable "allowed_cidrs" {
  type    = list(string)
  default = ["172.16.0.0/22"]
}

variable "read_replica" {
  type    = bool
  default = false
}
'''

DATABASE_OUT = '''output "endpoint_ip" {
  value = scaleway_rdb_instance.this.private_network[0].ip
}
'''

BUCKET = '''resource "scaleway_object_bucket" "this" {
  name = var.name
  tags = var.tags

  versioning {
    enabled = true
  }

  dynamic "lifecycle_rule" {
    for_each = var.expiration_days == null ? [] : [var.expiration_days]
    content {
      enabled = true
      expiration {
        days = lifecycle_rule.value
      }
    }
  }
}

resource "scaleway_object_bucket_acl" "this" {
  bucket = scaleway_object_bucket.this.id
  acl    = "private"
}
'''

BUCKET_VARS = VARS + '''
variable "expiration_days" {
  type    = number
  default = null
}
'''

BUCKET_OUT = '''output "endpoint" {
  value = scaleway_object_bucket.this.endpoint
}
'''

CLUSTER = TAG_LIST + '''
resource "scaleway_k8s_cluster" "this" {
  name                        = var.name
  version                     = var.kubernetes_version
  cni                         = "cilium"
  private_network_id          = var.private_network_id
  delete_additional_resources = false
  tags                        = local.tag_list
}

resource "scaleway_k8s_pool" "this" {
  for_each    = var.pools
  cluster_id  = scaleway_k8s_cluster.this.id
  name        = each.key
  node_type   = each.value.node_type
  size        = each.value.size
  autoscaling = true
  min_size    = 1
  max_size    = each.value.size * 2
  tags        = local.tag_list
}
'''

CLUSTER_VARS = VARS + '''
variable "kubernetes_version" {
  type    = string
  default = "1.30"
}

variable "private_network_id" {
  type = string
}

variable "pools" {
  type = map(object({
    node_type = string
    size      = number
  }))
  default = {
    apps = { node_type = "PRO2-S", size = 2 }
  }
}
'''

APP = TAG_LIST + '''
module "bucket" {
  source = "../scaleway-bucket"

  name = "${var.name}-assets"
  tags = var.tags
}

module "database" {
  source = "../scaleway-database"
  count  = var.with_database ? 1 : 0

  name               = "${var.name}-db"
  private_network_id = var.private_network_id
  tags               = var.tags
}

resource "scaleway_instance_volume" "data" {
  count      = var.instance_count
  name       = "${var.name}-data-${count.index}"
  type       = "b_ssd"
  size_in_gb = 50
  tags       = local.tag_list
}

resource "scaleway_instance_server" "app" {
  count = var.instance_count
  name  = "${var.name}-app-${count.index}"
  type  = "PRO2-XS"
  image = "debian_bookworm"
  tags  = local.tag_list

  additional_volume_ids = [scaleway_instance_volume.data[count.index].id]

  private_network {
    pn_id = var.private_network_id
  }
}

resource "scaleway_redis_cluster" "cache" {
  count     = var.with_cache ? 1 : 0
  name      = "${var.name}-cache"
  version   = "7.2.5"
  node_type = "RED1-MICRO"
  user_name = "app"
  password  = var.cache_password
  tags      = local.tag_list
}
'''

APP_VARS = VARS + '''
variable "private_network_id" {
  type = string
}

variable "instance_count" {
  type    = number
  default = 1
}

variable "with_database" {
  type    = bool
  default = true
}

variable "with_cache" {
  type    = bool
  default = false
}

variable "cache_password" {
  type      = string
  default   = null
  sensitive = true
}
'''

MODULES: dict[str, dict[str, str]] = {
    "scaleway-network": {"main.tf": NETWORK, "variables.tf": NETWORK_VARS, "outputs.tf": NETWORK_OUT,
                         "versions.tf": VERSIONS},
    "scaleway-database": {"main.tf": DATABASE, "variables.tf": DATABASE_VARS, "outputs.tf": DATABASE_OUT,
                          "versions.tf": VERSIONS},
    "scaleway-bucket": {"main.tf": BUCKET, "variables.tf": BUCKET_VARS, "outputs.tf": BUCKET_OUT,
                        "versions.tf": VERSIONS},
    "scaleway-cluster": {"main.tf": CLUSTER, "variables.tf": CLUSTER_VARS, "versions.tf": VERSIONS},
    "scaleway-app": {"main.tf": APP, "variables.tf": APP_VARS, "versions.tf": VERSIONS},
}


def variant(root: Root) -> tuple[str, str]:
    region = root.pick(*("fr-par",) * 8 + ("nl-ams", "pl-waw"))
    return region, region


def required(root: Root) -> dict[str, str]:
    return {"scaleway": '{ source = "scaleway/scaleway", version = "~> 2.47" }'}


def providers(root: Root) -> str:
    return '''provider "scaleway" {
  region     = var.region
  zone       = "${var.region}-1"
  project_id = var.project_id
}
'''


def variables(root: Root) -> str:
    return '''variable "project_id" {
  type = string
}
'''


def tfvars(root: Root) -> dict[str, str]:
    r = root.rng
    return {"project_id": q(f"{r.getrandbits(32):08x}-{r.getrandbits(16):04x}-4{r.getrandbits(12):03x}-"
                            f"8{r.getrandbits(12):03x}-{r.getrandbits(48):012x}")}


def main(root: Root) -> str:
    rng = root.rng
    parts = [block('module "network"', {"source": q(f"{SRC}/scaleway-network"), "name": "local.name_prefix",
                                        "tags": "local.common_tags"})]
    root.modules.add("scaleway-network")
    pn = "module.network.private_network_id"
    for label in rng.sample(("db_main", "db_archive", "db_audit"), rng.randint(1, 3)):
        parts.append(block(f'module "{label}"', {
            "source": q(f"{SRC}/scaleway-database"), "name": q(f"${{local.name_prefix}}-{label.replace('_', '-')}"),
            "private_network_id": pn, "high_availability": "local.is_prod",
            "read_replica": "local.is_prod", "tags": tag_map(root, sensitivity(root))}))
        root.modules.add("scaleway-database")
    for b in rng.sample(("documents", "exports", "backups", "archives"), rng.randint(1, 4)):
        parts.append(block(f'module "bucket_{b}"', {"source": q(f"{SRC}/scaleway-bucket"),
                                                    "name": q(f"${{local.name_prefix}}-{b}"),
                                                    "tags": tag_map(root, sensitivity(root))}))
        root.modules.add("scaleway-bucket")
    if root.chance(0.4):
        parts.append(block('module "kapsule"', {"source": q(f"{SRC}/scaleway-cluster"),
                                                "name": q("${local.name_prefix}-k8s"), "private_network_id": pn,
                                                "tags": "local.common_tags"}))
        root.modules.add("scaleway-cluster")
    for component in rng.sample(("api", "front", "batch", "worker"), rng.randint(1, 3)):
        parts.append(block(f'module "app_{component}"', {"source": q(f"{SRC}/scaleway-app"),
                                                        "name": q(f"${{local.name_prefix}}-{component}"),
                                            "private_network_id": pn, "with_cache": "local.is_prod",
                                            "tags": tag_map(root, sensitivity(root))}))
        root.modules.update({"scaleway-app", "scaleway-bucket", "scaleway-database"})
    return "\n".join(parts)


def extras(root: Root) -> dict[str, str]:
    out: dict[str, str] = {}
    if root.chance(0.5):
        value = sensitivity(root)
        tag = "" if value is None or not value.startswith('"') else f', "{root.sens_key}={value.strip(chr(34))}"'
        out["storage.tf"] = f'''resource "scaleway_block_volume" "shared" {{
  name       = "${{local.name_prefix}}-shared"
  iops       = 5000
  size_in_gb = 100
  tags       = ["team=${{var.team}}", "env=${{var.env}}"{tag}]
}}

resource "scaleway_block_snapshot" "shared" {{
  name      = "${{local.name_prefix}}-shared-snap"
  volume_id = scaleway_block_volume.shared.id
}}
'''
    if root.chance(0.5):
        out["iam.tf"] = '''resource "scaleway_iam_application" "ci" {
  name        = "${local.name_prefix}-ci"
  description = "Deployment pipeline of ${var.team}"
}

resource "scaleway_iam_policy" "ci" {
  name           = "${local.name_prefix}-ci"
  application_id = scaleway_iam_application.ci.id

  rule {
    project_ids          = [var.project_id]
    permission_set_names = ["KubernetesFullAccess", "ObjectStorageFullAccess"]
  }
}

resource "scaleway_iam_api_key" "ci" {
  application_id = scaleway_iam_application.ci.id
  description    = "pipeline"
}
'''
    if root.chance(0.4):
        out["secrets.tf"] = '''resource "scaleway_secret" "db_password" {
  name        = "${local.name_prefix}-db-password"
  description = <<-EOT
    Password of the application database.
    Rotated every 90 days by the platform team.
  EOT
  tags        = ["team=${var.team}", "env=${var.env}"]
}

resource "random_password" "db" {
  length  = 32
  special = true
}

resource "scaleway_secret_version" "db_password" {
  secret_id = scaleway_secret.db_password.id
  data      = base64encode(random_password.db.result)
}
'''
    return out
