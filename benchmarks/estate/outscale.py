"""3DS Outscale roots (cloudgouv-eu-west-1 and eu-west-2): VMs and volumes through the outscale
provider, object storage (OOS) through the AWS provider aimed at an Outscale endpoint."""
from __future__ import annotations

from estate.common import Root, block, q, sensitivity, tag_map

NAME = "outscale"
WEIGHT = 14
SRC = "../../../modules"

VERSIONS = '''terraform {
  required_providers {
    outscale = {
      source  = "outscale/outscale"
      version = ">= 1.0.0"
    }
  }
}
'''

VERSIONS_OOS = '''terraform {
  required_providers {
    outscale = {
      source  = "outscale/outscale"
      version = ">= 1.0.0"
    }
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40"
    }
  }
}
'''

VARS = '''variable "name" {
  type = string
}

variable "subregion" {
  type = string
}

variable "tags" {
  type    = map(string)
  default = {}
}
'''


def _tags(extra: str, indent: int = 2) -> str:
    pad = " " * indent
    return (f'{pad}dynamic "tags" {{\n{pad}  for_each = merge(var.tags, {{ name = {extra} }})\n'
            f"{pad}  content {{\n{pad}    key   = tags.key\n{pad}    value = tags.value\n{pad}  }}\n{pad}}}\n")


NETWORK = f'''resource "outscale_net" "this" {{
  ip_range = var.ip_range
{_tags('"${var.name}-net"')}}}

resource "outscale_subnet" "private" {{
  net_id         = outscale_net.this.net_id
  ip_range       = cidrsubnet(var.ip_range, 8, 1)
  subregion_name = var.subregion
{_tags('"${var.name}-private"')}}}

resource "outscale_internet_service" "this" {{}}

resource "outscale_internet_service_link" "this" {{
  internet_service_id = outscale_internet_service.this.internet_service_id
  net_id              = outscale_net.this.net_id
}}

resource "outscale_route_table" "private" {{
  net_id = outscale_net.this.net_id
}}

resource "outscale_security_group" "default" {{
  security_group_name = "${{var.name}}-default"
  description         = "Default rules of ${{var.name}}"
  net_id              = outscale_net.this.net_id
}}

resource "outscale_security_group_rule" "https" {{
  flow              = "Inbound"
  security_group_id = outscale_security_group.default.security_group_id
  from_port_range   = 443
  to_port_range     = 443
  ip_protocol       = "tcp"
  ip_range          = var.ip_range
}}
'''

NETWORK_VARS = VARS + '''
variable "ip_range" {
  type    = string
  default = "10.0.0.0/16"
}
'''

NETWORK_OUT = '''output "net_id" {
  value = outscale_net.this.net_id
}

output "subnet_id" {
  value = outscale_subnet.private.subnet_id
}

output "security_group_id" {
  value = outscale_security_group.default.security_group_id
}
'''

# No DBaaS at Outscale: a database is a VM with a data volume and scheduled snapshots.
DATABASE = f'''resource "outscale_vm" "db" {{
  image_id                 = var.image_id
  vm_type                  = var.vm_type
  subnet_id                = var.subnet_id
  security_group_ids       = [var.security_group_id]
  placement_subregion_name = var.subregion
  user_data = base64encode(<<-EOT
    #cloud-config
    packages: [postgresql-16]
    runcmd:
      - [systemctl, enable, --now, postgresql]
  EOT
  )
{_tags('"${var.name}-db"')}}}

resource "outscale_volume" "data" {{
  subregion_name = var.subregion
  size           = var.size
  volume_type    = "io1"
  iops           = 3000
{_tags('"${var.name}-data"')}}}

resource "outscale_volume_link" "data" {{
  device_name = "/dev/xvdb"
  volume_id   = outscale_volume.data.volume_id
  vm_id       = outscale_vm.db.vm_id
}}

resource "outscale_snapshot" "nightly" {{
  count     = var.snapshot ? 1 : 0
  volume_id = outscale_volume.data.volume_id
{_tags('"${var.name}-snapshot"')}}}
'''

DATABASE_VARS = VARS + '''
variable "subnet_id" {
  type = string
}

variable "security_group_id" {
  type = string
}

variable "image_id" {
  type    = string
  default = "ami-cd8d714e"
}

variable "vm_type" {
  type    = string
  default = "tinav6.c4r8p1"
}

variable "size" {
  type    = number
  default = 100
}

variable "snapshot" {
  type    = bool
  default = true
}
'''

DATABASE_OUT = '''output "private_ip" {
  value = outscale_vm.db.private_ip
}
'''

BUCKET = '''# OOS speaks the S3 API: the caller passes an aws provider whose endpoint is OOS.
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

BUCKET_VARS = '''variable "name" {
  type = string
}

variable "tags" {
  type    = map(string)
  default = {}
}
'''

BUCKET_OUT = '''output "id" {
  value = aws_s3_bucket.this.id
}
'''

CLUSTER = '''resource "outscale_oks_project" "this" {
  name   = var.name
  cidr   = "10.50.0.0/18"
  region = var.region
  tags   = var.tags
}

resource "outscale_oks_cluster" "this" {
  project_id      = outscale_oks_project.this.id
  name            = var.name
  version         = var.kubernetes_version
  cidr_pods       = "10.91.0.0/16"
  cidr_service    = "10.92.0.0/16"
  control_planes  = var.control_planes
  admin_whitelist = var.admin_cidrs
  tags            = var.tags
}
'''

CLUSTER_VARS = '''variable "name" {
  type = string
}

variable "region" {
  type = string
}

variable "kubernetes_version" {
  type    = string
  default = "1.30"
}

variable "control_planes" {
  type    = string
  default = "cp.mono.master"
}

variable "admin_cidrs" {
  type    = list(string)
  default = ["10.0.0.0/8"]
}

variable "tags" {
  type    = map(string)
  default = {}
}
'''

CLUSTER_OUT = '''output "cluster_id" {
  value = outscale_oks_cluster.this.id
}
'''

APP = f'''module "database" {{
  source = "../outscale-database"

  name              = var.name
  subregion         = var.subregion
  subnet_id         = var.subnet_id
  security_group_id = var.security_group_id
  tags              = var.tags
}}

module "files" {{
  source = "../outscale-bucket"

  name = "${{var.name}}-files"
  tags = var.tags
}}

resource "outscale_vm" "app" {{
  count                    = var.instance_count
  image_id                 = "ami-cd8d714e"
  vm_type                  = "tinav6.c2r4p2"
  subnet_id                = var.subnet_id
  security_group_ids       = [var.security_group_id]
  placement_subregion_name = var.subregion
{_tags('"${var.name}-app-${count.index}"')}}}

resource "outscale_load_balancer" "app" {{
  load_balancer_name = "${{var.name}}-lb"
  subnets            = [var.subnet_id]
  security_groups    = [var.security_group_id]
  backend_vm_ids     = outscale_vm.app[*].vm_id

  listeners {{
    backend_port           = 8080
    backend_protocol       = "HTTP"
    load_balancer_port     = 443
    load_balancer_protocol = "HTTPS"
  }}
}}
'''

APP_VARS = VARS + '''
variable "subnet_id" {
  type = string
}

variable "security_group_id" {
  type = string
}

variable "instance_count" {
  type    = number
  default = 2
}
'''

MODULES: dict[str, dict[str, str]] = {
    "outscale-network": {"main.tf": NETWORK, "variables.tf": NETWORK_VARS, "outputs.tf": NETWORK_OUT,
                         "versions.tf": VERSIONS},
    "outscale-database": {"main.tf": DATABASE, "variables.tf": DATABASE_VARS, "outputs.tf": DATABASE_OUT,
                          "versions.tf": VERSIONS},
    "outscale-bucket": {"main.tf": BUCKET, "variables.tf": BUCKET_VARS, "outputs.tf": BUCKET_OUT,
                        "versions.tf": VERSIONS_OOS},
    "outscale-cluster": {"main.tf": CLUSTER, "variables.tf": CLUSTER_VARS, "outputs.tf": CLUSTER_OUT,
                         "versions.tf": VERSIONS},
    "outscale-app": {"main.tf": APP, "variables.tf": APP_VARS, "versions.tf": VERSIONS_OOS},
}


def variant(root: Root) -> tuple[str, str]:
    region = root.pick(*("cloudgouv-eu-west-1",) * 7 + ("eu-west-2",) * 3)
    return region, region


def required(root: Root) -> dict[str, str]:
    return {"outscale": '{ source = "outscale/outscale", version = "~> 1.1" }',
            "aws": '{ source = "hashicorp/aws", version = "~> 5.80" }'}


def providers(root: Root) -> str:
    if root.chance(0.3):  # the pre-1.6 style, still common
        osc = ('provider "outscale" {\n  region = var.region\n\n  endpoints {\n'
               '    api = "api.${var.region}.outscale.com"\n  }\n}\n')
    else:
        osc = 'provider "outscale" {\n  api {\n    region = var.region\n  }\n}\n'
    return osc + '''
# OOS, Outscale's object storage, through its S3-compatible API
provider "aws" {
  alias                       = "oos"
  region                      = var.region
  skip_credentials_validation = true
  skip_region_validation      = true
  skip_requesting_account_id  = true

  endpoints {
    s3 = "https://oos.${var.region}.outscale.com"
  }
}
'''


def variables(root: Root) -> str:
    return '''variable "subregion" {
  description = "Subregion of the VMs and volumes."
  type        = string
  default     = null
}
'''


def tfvars(root: Root) -> dict[str, str]:
    return {"subregion": q(f"{root.region}{root.pick('a', 'b')}")} if root.chance(0.7) else {}


def main(root: Root) -> str:
    rng = root.rng
    sub = 'coalesce(var.subregion, "${var.region}a")'
    parts = [block('module "network"', {"source": q(f"{SRC}/outscale-network"), "name": "local.name_prefix",
                                        "subregion": sub, "tags": "local.common_tags"})]
    root.modules.add("outscale-network")
    for label in rng.sample(("db_main", "db_archive", "referentiel", "db_audit"), rng.randint(1, 3)):
        parts.append(block(f'module "{label}"', {
            "source": q(f"{SRC}/outscale-database"), "name": q(f"${{local.name_prefix}}-{label}"),
            "subregion": sub, "subnet_id": "module.network.subnet_id",
            "security_group_id": "module.network.security_group_id",
            "size": "local.is_prod ? 500 : 50", "tags": tag_map(root, sensitivity(root))}))
        root.modules.add("outscale-database")
    for b in rng.sample(("documents", "exports", "backups", "archives", "uploads"), rng.randint(1, 4)):
        parts.append(f'''module "bucket_{b}" {{
  source = "{SRC}/outscale-bucket"

  providers = {{
    aws = aws.oos
  }}

  name = "${{local.name_prefix}}-{b}"
  tags = {tag_map(root, sensitivity(root))}
}}
''')
        root.modules.add("outscale-bucket")
    if root.chance(0.35):
        parts.append(block('module "oks"', {"source": q(f"{SRC}/outscale-cluster"),
                                            "name": q("${local.name_prefix}-oks"), "region": "var.region",
                                            "tags": "local.common_tags"}))
        root.modules.add("outscale-cluster")
    for component in rng.sample(("api", "front", "batch", "worker"), rng.randint(1, 3)):
        parts.append(f'''module "app_{component}" {{
  source = "{SRC}/outscale-app"

  providers = {{
    outscale = outscale
    aws      = aws.oos
  }}

  name              = "${{local.name_prefix}}-{component}"
  subregion         = {sub}
  subnet_id         = module.network.subnet_id
  security_group_id = module.network.security_group_id
  instance_count    = local.is_prod ? 3 : 1
  tags              = {tag_map(root, sensitivity(root))}
}}
''')
        root.modules.update({"outscale-app", "outscale-database", "outscale-bucket"})
    return "\n".join(parts)


def extras(root: Root) -> dict[str, str]:
    out: dict[str, str] = {}
    if root.chance(0.5):
        value = sensitivity(root)
        tag = "" if value is None else f'''
  tags {{
    key   = "{root.sens_key}"
    value = {value}
  }}
'''
        out["storage.tf"] = f'''resource "outscale_volume" "shared" {{
  count          = local.is_prod ? 2 : 1
  subregion_name = coalesce(var.subregion, "${{var.region}}a")
  size           = 200
  volume_type    = "gp2"

  tags {{
    key   = "name"
    value = "${{local.name_prefix}}-shared-${{count.index}}"
  }}
{tag}}}

resource "outscale_snapshot" "shared" {{
  count     = local.is_prod ? 2 : 0
  volume_id = outscale_volume.shared[count.index].volume_id
}}

# monthly copy of the first snapshot to object storage
resource "outscale_snapshot_export_task" "archive" {{
  count       = local.is_prod ? 1 : 0
  snapshot_id = outscale_snapshot.shared[0].snapshot_id

  osu_export {{
    disk_image_format = "qcow2"
    osu_bucket        = "${{local.name_prefix}}-archives"
    osu_prefix        = "snapshots/"
  }}
}}
'''
    if root.chance(0.4):
        out["compute.tf"] = '''resource "outscale_keypair" "admin" {
  keypair_name = "${local.name_prefix}-admin"
}

resource "outscale_public_ip" "bastion" {}

resource "outscale_vm" "bastion" {
  image_id     = "ami-cd8d714e"
  vm_type      = "tinav6.c1r2p3"
  keypair_name = outscale_keypair.admin.keypair_name
  subnet_id    = module.network.subnet_id

  tags {
    key   = "name"
    value = "${local.name_prefix}-bastion"
  }
}

resource "outscale_public_ip_link" "bastion" {
  vm_id     = outscale_vm.bastion.vm_id
  public_ip = outscale_public_ip.bastion.public_ip
}
'''
    if root.chance(0.5):
        out["security.tf"] = '''resource "outscale_security_group" "admin" {
  security_group_name = "${local.name_prefix}-admin"
  description         = "Administration from the ministry's network"
  net_id              = module.network.net_id
}

resource "outscale_security_group_rule" "admin" {
  for_each          = toset(["22", "443", "9100"])
  flow              = "Inbound"
  security_group_id = outscale_security_group.admin.security_group_id
  from_port_range   = tonumber(each.value)
  to_port_range     = tonumber(each.value)
  ip_protocol       = "tcp"
  ip_range          = "10.0.0.0/8"
}

resource "outscale_nat_service" "this" {
  subnet_id    = module.network.subnet_id
  public_ip_id = outscale_public_ip.nat.public_ip_id
}

resource "outscale_public_ip" "nat" {}
'''
    return out
