"""OVHcloud Public Cloud roots: the ovh provider (managed databases, Kubernetes, private networks),
the OpenStack provider aimed at auth.cloud.ovh.net (instances, volumes, containers) and the AWS
provider aimed at OVH's S3 endpoint (buckets)."""
from __future__ import annotations

from estate.common import Root, block, q, sensitivity, tag_map

NAME = "ovh"
WEIGHT = 10
SRC = "../../../modules"


def _versions(*names: str) -> str:
    sources = {"ovh": "ovh/ovh", "openstack": "terraform-provider-openstack/openstack", "aws": "hashicorp/aws"}
    entries = "\n".join(f'    {n} = {{\n      source = "{sources[n]}"\n    }}' for n in names)
    return f"terraform {{\n  required_providers {{\n{entries}\n  }}\n}}\n"


VARS = '''variable "service_name" {
  description = "Public Cloud project id."
  type        = string
}

variable "name" {
  type = string
}

variable "region" {
  type = string
}
'''

TAGS = '''
variable "tags" {
  description = "Metadata of the OpenStack objects (classification included)."
  type        = map(string)
  default     = {}
}
'''

NETWORK = '''resource "ovh_cloud_project_network_private" "this" {
  service_name = var.service_name
  name         = var.name
  regions      = [var.region]
  vlan_id      = var.vlan_id
}

resource "ovh_cloud_project_network_private_subnet" "this" {
  service_name = var.service_name
  network_id   = ovh_cloud_project_network_private.this.id
  region       = var.region
  network      = var.cidr
  start        = cidrhost(var.cidr, 10)
  end          = cidrhost(var.cidr, 200)
  dhcp         = true
  no_gateway   = false
}

resource "ovh_cloud_project_gateway" "this" {
  service_name = var.service_name
  name         = "${var.name}-gw"
  model        = "s"
  region       = var.region
  network_id   = tolist(ovh_cloud_project_network_private.this.regions_attributes)[0].openstackid
  subnet_id    = ovh_cloud_project_network_private_subnet.this.id
}
'''

NETWORK_VARS = VARS + '''
variable "vlan_id" {
  type    = number
  default = 100
}

variable "cidr" {
  type    = string
  default = "10.60.0.0/16"
}
'''

NETWORK_OUT = '''output "network_id" {
  value = tolist(ovh_cloud_project_network_private.this.regions_attributes)[0].openstackid
}

output "subnet_id" {
  value = ovh_cloud_project_network_private_subnet.this.id
}
'''

DATABASE = '''resource "ovh_cloud_project_database" "this" {
  service_name = var.service_name
  description  = var.name
  engine       = var.engine
  version      = var.engine_version
  plan         = var.plan
  flavor       = var.flavor

  dynamic "nodes" {
    for_each = range(var.plan == "business" ? 2 : 1)
    content {
      region     = var.database_region
      network_id = var.network_id
      subnet_id  = var.subnet_id
    }
  }
}

resource "ovh_cloud_project_database_database" "this" {
  for_each     = toset(var.databases)
  service_name = var.service_name
  engine       = var.engine
  cluster_id   = ovh_cloud_project_database.this.id
  name         = each.value
}

resource "ovh_cloud_project_database_ip_restriction" "this" {
  for_each     = toset(var.allowed_cidrs)
  service_name = var.service_name
  engine       = var.engine
  cluster_id   = ovh_cloud_project_database.this.id
  ip           = each.value
}
'''

DATABASE_VARS = VARS + '''
variable "database_region" {
  description = "Region code of the managed database nodes (GRA, SBG, DE...)."
  type        = string
  default     = "GRA"
}

variable "engine" {
  type    = string
  default = "postgresql"
}

variable "engine_version" {
  type    = string
  default = "16"
}

variable "plan" {
  type    = string
  default = "essential"
}

variable "flavor" {
  type    = string
  default = "db1-4"
}

variable "network_id" {
  type    = string
  default = null
}

variable "subnet_id" {
  type    = string
  default = null
}

variable "databases" {
  type    = list(string)
  default = ["app"]
}

variable "allowed_cidrs" {
  type    = list(string)
  default = ["10.60.0.0/16"]
}
'''

DATABASE_OUT = '''output "endpoints" {
  value     = ovh_cloud_project_database.this.endpoints
  sensitive = true
}
'''

BUCKET = '''resource "ovh_cloud_project_user" "s3" {
  service_name = var.service_name
  description  = "${var.name} object storage"
  role_name    = "objectstore_operator"
}

resource "ovh_cloud_project_user_s3_credential" "s3" {
  service_name = var.service_name
  user_id      = ovh_cloud_project_user.s3.id
}

# OVH Object Storage through the S3 API (the caller passes an aws provider aimed at OVH)
resource "aws_s3_bucket" "this" {
  bucket = var.name
  tags   = var.tags
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}
'''

CLUSTER = '''resource "ovh_cloud_project_kube" "this" {
  service_name       = var.service_name
  name               = var.name
  region             = var.region
  version            = var.kubernetes_version
  private_network_id = var.network_id
}

resource "ovh_cloud_project_kube_nodepool" "this" {
  for_each      = var.pools
  service_name  = var.service_name
  kube_id       = ovh_cloud_project_kube.this.id
  name          = each.key
  flavor_name   = each.value.flavor
  desired_nodes = each.value.nodes
  min_nodes     = each.value.nodes
  max_nodes     = each.value.nodes * 3
  autoscale     = true

  template {
    metadata {
      labels = { pool = each.key }
    }
  }
}
'''

CLUSTER_VARS = VARS + '''
variable "kubernetes_version" {
  type    = string
  default = "1.30"
}

variable "network_id" {
  type    = string
  default = null
}

variable "pools" {
  type = map(object({
    flavor = string
    nodes  = number
  }))
  default = {
    apps = { flavor = "b3-16", nodes = 3 }
  }
}
'''

CLUSTER_OUT = '''output "kube_id" {
  value = ovh_cloud_project_kube.this.id
}

output "kubeconfig" {
  value     = ovh_cloud_project_kube.this.kubeconfig
  sensitive = true
}
'''

APP = '''module "database" {
  source = "../ovh-database"
  count  = var.with_database ? 1 : 0

  service_name = var.service_name
  name         = "${var.name}-db"
  region       = var.region
}

resource "openstack_compute_instance_v2" "app" {
  count       = var.instance_count
  name        = "${var.name}-app-${count.index}"
  image_name  = "Debian 12"
  flavor_name = var.flavor
  key_pair    = var.key_pair
  metadata    = var.tags

  network {
    name = "Ext-Net"
  }
}

resource "openstack_blockstorage_volume_v3" "data" {
  count       = var.instance_count
  name        = "${var.name}-data-${count.index}"
  size        = var.volume_size
  volume_type = "high-speed"
  metadata    = var.tags
}

resource "openstack_compute_volume_attach_v2" "data" {
  count       = var.instance_count
  instance_id = openstack_compute_instance_v2.app[count.index].id
  volume_id   = openstack_blockstorage_volume_v3.data[count.index].id
}

resource "openstack_objectstorage_container_v1" "static" {
  name     = "${var.name}-static"
  region   = var.region
  metadata = var.tags
}
'''

APP_VARS = VARS + TAGS + '''
variable "with_database" {
  type    = bool
  default = true
}

variable "instance_count" {
  type    = number
  default = 2
}

variable "flavor" {
  type    = string
  default = "b3-8"
}

variable "key_pair" {
  type    = string
  default = "deploy"
}

variable "volume_size" {
  type    = number
  default = 50
}
'''

MODULES: dict[str, dict[str, str]] = {
    "ovh-network": {"main.tf": NETWORK, "variables.tf": NETWORK_VARS, "outputs.tf": NETWORK_OUT,
                    "versions.tf": _versions("ovh")},
    "ovh-database": {"main.tf": DATABASE, "variables.tf": DATABASE_VARS, "outputs.tf": DATABASE_OUT,
                     "versions.tf": _versions("ovh")},
    "ovh-bucket": {"main.tf": BUCKET, "variables.tf": VARS + TAGS, "versions.tf": _versions("ovh", "aws")},
    "ovh-cluster": {"main.tf": CLUSTER, "variables.tf": CLUSTER_VARS, "outputs.tf": CLUSTER_OUT,
                    "versions.tf": _versions("ovh")},
    "ovh-app": {"main.tf": APP, "variables.tf": APP_VARS, "versions.tf": _versions("ovh", "openstack")},
}


def variant(root: Root) -> tuple[str, str]:
    region = root.pick(*("GRA11",) * 6 + ("SBG5",) * 3 + ("EU-WEST-PAR",) * 2)
    return region, region


def required(root: Root) -> dict[str, str]:
    return {"ovh": '{ source = "ovh/ovh", version = "~> 1.0" }',
            "openstack": '{ source = "terraform-provider-openstack/openstack", version = "~> 2.1" }',
            "aws": '{ source = "hashicorp/aws", version = "~> 5.80" }'}


def providers(root: Root) -> str:
    return '''provider "ovh" {
  endpoint = "ovh-eu"
}

provider "openstack" {
  auth_url    = "https://auth.cloud.ovh.net/v3/"
  domain_name = "default"
  tenant_id   = var.service_name
  region      = var.region
}

# OVH Object Storage speaks S3
provider "aws" {
  alias                       = "ovh_s3"
  region                      = var.s3_region
  skip_credentials_validation = true
  skip_region_validation      = true
  skip_requesting_account_id  = true

  endpoints {
    s3 = "https://s3.${var.s3_region}.io.cloud.ovh.net"
  }
}
'''


def variables(root: Root) -> str:
    return '''variable "service_name" {
  type = string
}

variable "s3_region" {
  type    = string
  default = "gra"
}
'''


def tfvars(root: Root) -> dict[str, str]:
    out = {"service_name": q(f"{root.rng.getrandbits(128):032x}")}
    if root.region.startswith("SBG"):
        out["s3_region"] = q("sbg")
    return out


def main(root: Root) -> str:
    rng = root.rng
    common = {"service_name": "var.service_name", "region": "var.region"}
    parts = [block('module "network"', {"source": q(f"{SRC}/ovh-network"), "name": "local.name_prefix", **common})]
    root.modules.add("ovh-network")
    for label in rng.sample(("db_main", "db_referentiel", "db_audit"), rng.randint(1, 3)):
        parts.append(block(f'module "{label}"', {
            "source": q(f"{SRC}/ovh-database"), "name": q(f"${{local.name_prefix}}-{label}"), **common,
            "database_region": q(root.region[:3] if root.region != "EU-WEST-PAR" else "EU-WEST-PAR"),
            "plan": 'local.is_prod ? "business" : "essential"',
            "network_id": "module.network.network_id", "subnet_id": "module.network.subnet_id"}))
        root.modules.add("ovh-database")
    for b in rng.sample(("documents", "exports", "backups", "archives"), rng.randint(1, 4)):
        parts.append(f'''module "bucket_{b}" {{
  source = "{SRC}/ovh-bucket"

  providers = {{
    aws = aws.ovh_s3
  }}

  service_name = var.service_name
  name         = "${{local.name_prefix}}-{b}"
  region       = var.region
  tags         = {tag_map(root, sensitivity(root))}
}}
''')
        root.modules.add("ovh-bucket")
    if root.chance(0.45):
        parts.append(block('module "mks"', {"source": q(f"{SRC}/ovh-cluster"), "name": q("${local.name_prefix}-mks"),
                                            **common, "network_id": "module.network.network_id"}))
        root.modules.add("ovh-cluster")
    for component in rng.sample(("api", "front", "batch", "worker"), rng.randint(1, 3)):
        parts.append(block(f'module "app_{component}"', {"source": q(f"{SRC}/ovh-app"),
                                                        "name": q(f"${{local.name_prefix}}-{component}"), **common,
                                            "instance_count": "local.is_prod ? 3 : 1",
                                            "tags": tag_map(root, sensitivity(root))}))
        root.modules.update({"ovh-app", "ovh-database"})
    return "\n".join(parts)


def extras(root: Root) -> dict[str, str]:
    out: dict[str, str] = {}
    if root.chance(0.5):
        out["volumes.tf"] = f'''resource "openstack_blockstorage_volume_v3" "shared" {{
  name        = "${{local.name_prefix}}-shared"
  size        = 500
  volume_type = "classic"
  metadata    = {tag_map(root, sensitivity(root))}
}}

resource "ovh_cloud_project_volume_backup" "shared" {{
  service_name = var.service_name
  region_name  = var.region
  volume_id    = openstack_blockstorage_volume_v3.shared.id
  name         = "${{local.name_prefix}}-shared-backup"
}}
'''
    if root.chance(0.5):
        out["security.tf"] = '''resource "openstack_compute_keypair_v2" "deploy" {
  name       = "${local.name_prefix}-deploy"
  public_key = file("${path.module}/deploy.pub")
}

resource "openstack_networking_secgroup_v2" "app" {
  name        = "${local.name_prefix}-app"
  description = "Application servers"
}

resource "openstack_networking_secgroup_rule_v2" "app" {
  for_each          = toset(["443", "8080"])
  direction         = "ingress"
  ethertype         = "IPv4"
  protocol          = "tcp"
  port_range_min    = tonumber(each.value)
  port_range_max    = tonumber(each.value)
  remote_ip_prefix  = "10.0.0.0/8"
  security_group_id = openstack_networking_secgroup_v2.app.id
}
'''
    if root.chance(0.3):
        out["dns.tf"] = '''resource "ovh_domain_zone_record" "app" {
  for_each  = toset(["api", "www", "admin"])
  zone      = "example.org"
  subdomain = "${each.key}.${var.env}.${var.team}"
  fieldtype = "CNAME"
  ttl       = 3600
  target    = "lb.${var.env}.${var.team}.example.org."
}
'''
    return out
