"""Google provider roots: half on S3NS PREMI3NS (``universe_domain = "s3nsapis.fr"``, region
u-france-east1), half on public Google Cloud in Paris (europe-west9). Same modules, same types:
only the provider configuration tells them apart."""
from __future__ import annotations

from estate.common import Root, block, hcl_object, q, sensitivity, tag_map

NAME = "google"
WEIGHT = 10
SRC = "../../../modules"

VERSIONS = '''terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.20"
    }
  }
}
'''

VARS = '''variable "name" {
  type = string
}

variable "project" {
  type = string
}

variable "region" {
  type = string
}

variable "labels" {
  description = "Labels of every resource (classification included)."
  type        = map(string)
  default     = {}
}
'''

NETWORK = '''resource "google_compute_network" "this" {
  name                    = var.name
  project                 = var.project
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "this" {
  for_each                 = var.subnets
  name                     = "${var.name}-${each.key}"
  project                  = var.project
  region                   = var.region
  network                  = google_compute_network.this.id
  ip_cidr_range            = each.value
  private_ip_google_access = true
}

resource "google_compute_firewall" "internal" {
  name    = "${var.name}-internal"
  project = var.project
  network = google_compute_network.this.name

  allow {
    protocol = "tcp"
    ports    = ["443", "5432"]
  }

  source_ranges = values(var.subnets)
}

resource "google_compute_router" "this" {
  name    = "${var.name}-router"
  project = var.project
  region  = var.region
  network = google_compute_network.this.id
}

resource "google_compute_router_nat" "this" {
  name                               = "${var.name}-nat"
  project                            = var.project
  router                             = google_compute_router.this.name
  region                             = var.region
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"
}
'''

NETWORK_VARS = VARS + '''
variable "subnets" {
  type = map(string)
  default = {
    apps = "10.10.0.0/20"
    data = "10.10.16.0/20"
  }
}
'''

NETWORK_OUT = '''output "network_id" {
  value = google_compute_network.this.id
}

output "subnet_ids" {
  value = { for k, s in google_compute_subnetwork.this : k => s.id }
}
'''

DATABASE = '''resource "google_sql_database_instance" "this" {
  name                = var.name
  project             = var.project
  region              = var.region
  database_version    = var.database_version
  deletion_protection = var.deletion_protection

  settings {
    tier              = var.tier
    availability_type = var.high_availability ? "REGIONAL" : "ZONAL"
    user_labels       = merge(var.labels, { component = "database" })

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = var.high_availability
    }

    ip_configuration {
      ipv4_enabled    = false
      private_network = var.network_id
    }

    dynamic "database_flags" {
      for_each = var.flags
      content {
        name  = database_flags.key
        value = database_flags.value
      }
    }
  }
}

resource "google_sql_database" "this" {
  for_each = toset(var.databases)
  name     = each.value
  project  = var.project
  instance = google_sql_database_instance.this.name
}

resource "google_sql_database_instance" "replica" {
  count                = var.replica_region == null ? 0 : 1
  name                 = "${var.name}-replica"
  project              = var.project
  region               = var.replica_region
  database_version     = var.database_version
  master_instance_name = google_sql_database_instance.this.name

  settings {
    tier        = var.tier
    user_labels = merge(var.labels, { component = "replica" })
  }
}
'''

DATABASE_VARS = VARS + '''
variable "database_version" {
  type    = string
  default = "POSTGRES_16"
}

variable "tier" {
  type    = string
  default = "db-custom-2-7680"
}

variable "high_availability" {
  type    = bool
  default = false
}

variable "deletion_protection" {
  type    = bool
  default = true
}

variable "network_id" {
  type = string
}

variable "databases" {
  type    = list(string)
  default = ["app"]
}

variable "flags" {
  type    = map(string)
  default = {}
}

variable "replica_region" {
  type    = string
  default = null
}
'''

DATABASE_OUT = '''output "connection_name" {
  value = google_sql_database_instance.this.connection_name
}
'''

BUCKET = '''resource "google_storage_bucket" "this" {
  name                        = var.name
  project                     = var.project
  location                    = upper(var.region)
  uniform_bucket_level_access = true
  labels                      = var.labels

  versioning {
    enabled = true
  }

  dynamic "lifecycle_rule" {
    for_each = var.retention_days == null ? [] : [var.retention_days]
    content {
      condition {
        age = lifecycle_rule.value
      }
      action {
        type = "Delete"
      }
    }
  }
}

resource "google_storage_bucket_iam_member" "readers" {
  for_each = toset(var.readers)
  bucket   = google_storage_bucket.this.name
  role     = "roles/storage.objectViewer"
  member   = each.value
}
'''

BUCKET_VARS = VARS + '''
variable "retention_days" {
  type    = number
  default = null
}

variable "readers" {
  type    = list(string)
  default = []
}
'''

BUCKET_OUT = '''output "name" {
  value = google_storage_bucket.this.name
}

output "url" {
  value = google_storage_bucket.this.url
}
'''

CLUSTER = '''resource "google_container_cluster" "this" {
  name                     = var.name
  project                  = var.project
  location                 = var.region
  network                  = var.network_id
  remove_default_node_pool = true
  initial_node_count       = 1
  resource_labels          = var.labels

  release_channel {
    channel = "REGULAR"
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }
}

resource "google_container_node_pool" "this" {
  for_each   = var.node_pools
  name       = each.key
  project    = var.project
  location   = var.region
  cluster    = google_container_cluster.this.name
  node_count = each.value.count

  node_config {
    machine_type = each.value.machine_type
    disk_size_gb = 100
    labels       = merge(var.labels, { pool = each.key })
    oauth_scopes = ["https://www.googleapis.com/auth/cloud-platform"]
  }
}
'''

CLUSTER_VARS = VARS + '''
variable "network_id" {
  type = string
}

variable "node_pools" {
  type = map(object({
    machine_type = string
    count        = number
  }))
  default = {
    default = { machine_type = "e2-standard-4", count = 2 }
  }
}
'''

CLUSTER_OUT = '''output "endpoint" {
  value     = google_container_cluster.this.endpoint
  sensitive = true
}
'''

APP = '''module "storage" {
  source = "../google-bucket"

  name    = "${var.name}-storage"
  project = var.project
  region  = var.region
  labels  = var.labels
}

module "database" {
  source = "../google-database"
  count  = var.with_database ? 1 : 0

  name       = "${var.name}-db"
  project    = var.project
  region     = var.region
  network_id = var.network_id
  labels     = var.labels
}

resource "google_cloud_run_v2_service" "this" {
  name     = var.name
  project  = var.project
  location = var.region
  labels   = var.labels

  template {
    containers {
      image = var.image

      env {
        name  = "BUCKET"
        value = module.storage.name
      }
    }
  }
}

resource "google_redis_instance" "cache" {
  count          = var.with_cache ? 1 : 0
  name           = "${var.name}-cache"
  project        = var.project
  region         = var.region
  memory_size_gb = 1
  labels         = var.labels
}

resource "google_bigquery_dataset" "analytics" {
  dataset_id = replace("${var.name}_analytics", "-", "_")
  project    = var.project
  location   = var.region
  labels     = var.labels
}
'''

APP_VARS = VARS + '''
variable "network_id" {
  type = string
}

variable "image" {
  type = string
}

variable "with_database" {
  type    = bool
  default = true
}

variable "with_cache" {
  type    = bool
  default = false
}
'''

MODULES: dict[str, dict[str, str]] = {
    "google-network": {"main.tf": NETWORK, "variables.tf": NETWORK_VARS, "outputs.tf": NETWORK_OUT,
                       "versions.tf": VERSIONS},
    "google-database": {"main.tf": DATABASE, "variables.tf": DATABASE_VARS, "outputs.tf": DATABASE_OUT,
                        "versions.tf": VERSIONS},
    "google-bucket": {"main.tf": BUCKET, "variables.tf": BUCKET_VARS, "outputs.tf": BUCKET_OUT,
                      "versions.tf": VERSIONS},
    "google-cluster": {"main.tf": CLUSTER, "variables.tf": CLUSTER_VARS, "outputs.tf": CLUSTER_OUT,
                       "versions.tf": VERSIONS},
    "google-app": {"main.tf": APP, "variables.tf": APP_VARS, "versions.tf": VERSIONS},
}


def variant(root: Root) -> tuple[str, str]:
    return ("s3ns", "u-france-east1") if root.chance(0.5) else ("public", "europe-west9")


def required(root: Root) -> dict[str, str]:
    return {"google": '{ source = "hashicorp/google", version = "~> 6.10" }',
            "google-beta": '{ source = "hashicorp/google-beta", version = "~> 6.10" }'}


def providers(root: Root) -> str:
    attrs = {"project": "var.project_id", "region": "var.region"}
    if root.variant == "s3ns":
        attrs["universe_domain"] = q("s3nsapis.fr")
    if root.chance(0.4):
        attrs["default_labels"] = hcl_object({"team": "var.team", "environment": "var.env"}, 2)
    beta = {k: v for k, v in attrs.items() if k != "default_labels"}
    return (block('provider "google"', attrs) + "\n"
            + block('provider "google-beta"', beta))


def variables(root: Root) -> str:
    return '''variable "project_id" {
  type = string
}
'''


def tfvars(root: Root) -> dict[str, str]:
    prefix = "s3ns:" if root.variant == "s3ns" else ""
    return {"project_id": q(f"{prefix}{root.prefix[:24]}-{root.rng.randint(1000, 9999)}")}


def _common(root: Root) -> dict[str, str]:
    return {"project": "var.project_id", "region": "var.region"}


def main(root: Root) -> str:
    rng = root.rng
    parts = [block('module "network"', {"source": q(f"{SRC}/google-network"), "name": "local.name_prefix",
                                        **_common(root), "labels": "local.common_tags"})]
    root.modules.add("google-network")
    for label in rng.sample(("db_main", "db_reporting", "referentiel", "db_audit"), rng.randint(1, 3)):
        parts.append(block(f'module "{label}"', {
            "source": q(f"{SRC}/google-database"), "name": q(f"${{local.name_prefix}}-{label.replace('_', '-')}"),
            **_common(root), "network_id": "module.network.network_id", "high_availability": "local.is_prod",
            "tier": 'local.is_prod ? "db-custom-4-15360" : "db-f1-micro"',
            "labels": tag_map(root, sensitivity(root))}))
        root.modules.add("google-database")
    for b in rng.sample(("documents", "exports", "archives", "logs", "uploads"), rng.randint(1, 4)):
        attrs = {"source": q(f"{SRC}/google-bucket"), "name": q(f"${{local.name_prefix}}-{b}"), **_common(root)}
        if b in ("archives", "logs"):
            attrs["retention_days"] = "local.is_prod ? 3650 : 30"
        attrs["labels"] = tag_map(root, sensitivity(root))
        parts.append(block(f'module "bucket_{b}"', attrs))
        root.modules.add("google-bucket")
    if root.chance(0.4):
        parts.append(block('module "gke"', {"source": q(f"{SRC}/google-cluster"),
                                            "name": q("${local.name_prefix}-gke"), **_common(root),
                                            "network_id": "module.network.network_id",
                                            "labels": "local.common_tags"}))
        root.modules.add("google-cluster")
    for component in rng.sample(("api", "front", "batch", "worker"), rng.randint(1, 3)):
        parts.append(block(f'module "app_{component}"', {
            "source": q(f"{SRC}/google-app"), "name": q(f"${{local.name_prefix}}-{component}"), **_common(root),
            "network_id": "module.network.network_id",
            "image": q(f"europe-docker.pkg.dev/images/{root.team}:1.{rng.randint(0, 40)}.0"),
            "with_cache": "local.is_prod", "labels": tag_map(root, sensitivity(root))}))
        root.modules.update({"google-app", "google-bucket", "google-database"})
    return "\n".join(parts)


def extras(root: Root) -> dict[str, str]:
    out: dict[str, str] = {}
    if root.chance(0.5):
        out["storage.tf"] = f'''resource "google_compute_disk" "shared" {{
  name    = "${{local.name_prefix}}-shared"
  project = var.project_id
  zone    = "${{var.region}}-a"
  size    = 200
  type    = "pd-balanced"
  labels  = {tag_map(root, sensitivity(root))}
}}

resource "google_compute_resource_policy" "daily" {{
  name    = "${{local.name_prefix}}-daily"
  project = var.project_id
  region  = var.region

  snapshot_schedule_policy {{
    schedule {{
      daily_schedule {{
        days_in_cycle = 1
        start_time    = "03:00"
      }}
    }}
  }}
}}
'''
    if root.chance(0.4):
        out["iam.tf"] = '''resource "google_service_account" "app" {
  account_id   = substr(replace(local.name_prefix, "_", "-"), 0, 28)
  project      = var.project_id
  display_name = "Application ${local.name_prefix}"
}

resource "google_project_iam_member" "app" {
  for_each = toset(["roles/cloudsql.client", "roles/storage.objectUser"])
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.app.email}"
}
'''
    if root.chance(0.5):
        out["monitoring.tf"] = '''resource "google_monitoring_notification_channel" "ops" {
  project      = var.project_id
  display_name = "Ops ${local.name_prefix}"
  type         = "email"
  labels = {
    email_address = "ops-${var.team}@example.org"
  }
}

resource "google_logging_project_sink" "audit" {
  name                   = "${local.name_prefix}-audit"
  project                = var.project_id
  destination            = "storage.googleapis.com/${local.name_prefix}-audit-logs"
  filter                 = "logName:\\\"cloudaudit.googleapis.com\\\""
  unique_writer_identity = true
}

resource "google_storage_bucket" "audit_logs" {
  name                        = "${local.name_prefix}-audit-logs"
  project                     = var.project_id
  location                    = upper(var.region)
  uniform_bucket_level_access = true
  labels                      = local.common_tags
}
'''
    if root.chance(0.3):
        out["dns.tf"] = '''resource "google_dns_managed_zone" "internal" {
  name       = "${local.name_prefix}-internal"
  project    = var.project_id
  dns_name   = "${var.env}.${var.team}.internal."
  visibility = "private"

  private_visibility_config {
    networks {
      network_url = module.network.network_id
    }
  }
}

resource "google_dns_record_set" "api" {
  for_each     = toset(["api", "admin"])
  name         = "${each.key}.${google_dns_managed_zone.internal.dns_name}"
  project      = var.project_id
  managed_zone = google_dns_managed_zone.internal.name
  type         = "A"
  ttl          = 300
  rrdatas      = ["10.10.0.10"]
}
'''
    return out
