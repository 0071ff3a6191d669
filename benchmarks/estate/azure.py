"""Azure roots (azurerm, francecentral mostly): one resource group per environment, shared modules
taking ``resource_group_name`` and ``location``."""
from __future__ import annotations

from estate.common import Root, block, q, sensitivity, tag_map

NAME = "azure"
WEIGHT = 8
SRC = "../../../modules"

VERSIONS = '''terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 3.100"
    }
  }
}
'''

VARS = '''variable "name" {
  type = string
}

variable "resource_group_name" {
  type = string
}

variable "location" {
  type    = string
  default = "francecentral"
}

variable "tags" {
  type    = map(string)
  default = {}
}
'''

NETWORK = '''resource "azurerm_virtual_network" "this" {
  name                = "vnet-${var.name}"
  resource_group_name = var.resource_group_name
  location            = var.location
  address_space       = [var.address_space]
  tags                = var.tags
}

resource "azurerm_subnet" "this" {
  for_each             = var.subnets
  name                 = each.key
  resource_group_name  = var.resource_group_name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [each.value]
}

resource "azurerm_network_security_group" "this" {
  name                = "nsg-${var.name}"
  resource_group_name = var.resource_group_name
  location            = var.location

  dynamic "security_rule" {
    for_each = var.allowed_ports
    content {
      name                       = "allow-${security_rule.value}"
      priority                   = 100 + security_rule.key
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = tostring(security_rule.value)
      source_address_prefix      = "VirtualNetwork"
      destination_address_prefix = "*"
    }
  }

  tags = var.tags
}

resource "azurerm_subnet_network_security_group_association" "this" {
  for_each                  = azurerm_subnet.this
  subnet_id                 = each.value.id
  network_security_group_id = azurerm_network_security_group.this.id
}
'''

NETWORK_VARS = VARS + '''
variable "address_space" {
  type    = string
  default = "10.30.0.0/16"
}

variable "subnets" {
  type = map(string)
  default = {
    apps = "10.30.1.0/24"
    data = "10.30.2.0/24"
  }
}

variable "allowed_ports" {
  type    = list(number)
  default = [443]
}
'''

NETWORK_OUT = '''output "subnet_ids" {
  value = { for k, s in azurerm_subnet.this : k => s.id }
}
'''

DATABASE = '''resource "azurerm_postgresql_flexible_server" "this" {
  name                   = "psql-${var.name}"
  resource_group_name    = var.resource_group_name
  location               = var.location
  version                = "16"
  sku_name               = var.sku_name
  storage_mb             = var.storage_mb
  backup_retention_days  = 14
  geo_redundant_backup_enabled = var.geo_redundant_backup
  zone                   = "1"
  tags                   = var.tags
}

resource "azurerm_postgresql_flexible_server_database" "this" {
  for_each  = toset(var.databases)
  name      = each.value
  server_id = azurerm_postgresql_flexible_server.this.id
  charset   = "UTF8"
  collation = "fr_FR.utf8"
}

resource "azurerm_postgresql_flexible_server_configuration" "this" {
  for_each  = var.configuration
  name      = each.key
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = each.value
}
'''

DATABASE_VARS = VARS + '''
variable "sku_name" {
  type    = string
  default = "GP_Standard_D2s_v3"
}

variable "storage_mb" {
  type    = number
  default = 65536
}

variable "geo_redundant_backup" {
  type    = bool
  default = false
}

variable "databases" {
  type    = list(string)
  default = ["app"]
}

variable "configuration" {
  type    = map(string)
  default = { log_min_duration_statement = "1000" }
}
'''

DATABASE_OUT = '''output "fqdn" {
  value = azurerm_postgresql_flexible_server.this.fqdn
}
'''

BUCKET = '''resource "azurerm_storage_account" "this" {
  name                     = substr(replace(var.name, "-", ""), 0, 24)
  resource_group_name      = var.resource_group_name
  location                 = var.location
  account_tier             = "Standard"
  account_replication_type = var.replication_type
  min_tls_version          = "TLS1_2"
  tags                     = var.tags
}

resource "azurerm_storage_container" "this" {
  for_each              = toset(var.containers)
  name                  = each.value
  storage_account_name  = azurerm_storage_account.this.name
  container_access_type = "private"
}

resource "azurerm_storage_management_policy" "this" {
  storage_account_id = azurerm_storage_account.this.id

  dynamic "rule" {
    for_each = var.delete_after_days == null ? [] : [var.delete_after_days]
    content {
      name    = "expire"
      enabled = true
      filters {
        blob_types = ["blockBlob"]
      }
      actions {
        base_blob {
          delete_after_days_since_modification_greater_than = rule.value
        }
      }
    }
  }
}
'''

BUCKET_VARS = VARS + '''
variable "replication_type" {
  description = "LRS, ZRS, GRS (a copy in the paired region) or RAGRS."
  type        = string
  default     = "ZRS"
}

variable "containers" {
  type    = list(string)
  default = ["data"]
}

variable "delete_after_days" {
  type    = number
  default = null
}
'''

BUCKET_OUT = '''output "id" {
  value = azurerm_storage_account.this.id
}
'''

CLUSTER = '''resource "azurerm_kubernetes_cluster" "this" {
  name                = "aks-${var.name}"
  resource_group_name = var.resource_group_name
  location            = var.location
  dns_prefix          = var.name
  kubernetes_version  = var.kubernetes_version

  default_node_pool {
    name           = "system"
    node_count     = 2
    vm_size        = "Standard_D4s_v5"
    vnet_subnet_id = var.subnet_id
  }

  identity {
    type = "SystemAssigned"
  }

  tags = var.tags
}

resource "azurerm_kubernetes_cluster_node_pool" "this" {
  for_each              = var.pools
  name                  = each.key
  kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
  vm_size               = each.value
  node_count            = 2
  vnet_subnet_id        = var.subnet_id
  tags                  = var.tags
}
'''

CLUSTER_VARS = VARS + '''
variable "subnet_id" {
  type = string
}

variable "kubernetes_version" {
  type    = string
  default = "1.30"
}

variable "pools" {
  type    = map(string)
  default = { apps = "Standard_D8s_v5" }
}
'''

APP = '''module "storage" {
  source = "../azure-bucket"

  name                = "st${var.name}"
  resource_group_name = var.resource_group_name
  location            = var.location
  containers          = ["uploads", "exports"]
  tags                = var.tags
}

resource "azurerm_service_plan" "this" {
  name                = "asp-${var.name}"
  resource_group_name = var.resource_group_name
  location            = var.location
  os_type             = "Linux"
  sku_name            = "P1v3"
  tags                = var.tags
}

resource "azurerm_linux_web_app" "this" {
  name                = "app-${var.name}"
  resource_group_name = var.resource_group_name
  location            = var.location
  service_plan_id     = azurerm_service_plan.this.id

  site_config {
    always_on = true
  }

  app_settings = {
    STORAGE_ACCOUNT = module.storage.id
  }

  tags = var.tags
}

resource "azurerm_redis_cache" "this" {
  count               = var.with_cache ? 1 : 0
  name                = "redis-${var.name}"
  resource_group_name = var.resource_group_name
  location            = var.location
  capacity            = 1
  family              = "C"
  sku_name            = "Standard"
  tags                = var.tags
}
'''

APP_VARS = VARS + '''
variable "with_cache" {
  type    = bool
  default = false
}
'''

MODULES: dict[str, dict[str, str]] = {
    "azure-network": {"main.tf": NETWORK, "variables.tf": NETWORK_VARS, "outputs.tf": NETWORK_OUT,
                      "versions.tf": VERSIONS},
    "azure-database": {"main.tf": DATABASE, "variables.tf": DATABASE_VARS, "outputs.tf": DATABASE_OUT,
                       "versions.tf": VERSIONS},
    "azure-bucket": {"main.tf": BUCKET, "variables.tf": BUCKET_VARS, "outputs.tf": BUCKET_OUT,
                     "versions.tf": VERSIONS},
    "azure-cluster": {"main.tf": CLUSTER, "variables.tf": CLUSTER_VARS, "versions.tf": VERSIONS},
    "azure-app": {"main.tf": APP, "variables.tf": APP_VARS, "versions.tf": VERSIONS},
}


def variant(root: Root) -> tuple[str, str]:
    region = root.pick(*("francecentral",) * 9 + ("westeurope",))
    return region, region


def required(root: Root) -> dict[str, str]:
    return {"azurerm": '{ source = "hashicorp/azurerm", version = "~> 4.10" }'}


def providers(root: Root) -> str:
    return '''provider "azurerm" {
  features {
    key_vault {
      purge_soft_delete_on_destroy = false
    }
  }

  subscription_id = var.subscription_id
}
'''


def variables(root: Root) -> str:
    return '''variable "subscription_id" {
  type    = string
  default = "00000000-0000-0000-0000-000000000000"
}
'''


def tfvars(root: Root) -> dict[str, str]:
    r = root.rng
    return {"subscription_id": q(f"{r.randint(10**7, 10**8 - 1):08x}-0000-4000-8000-{r.randint(0, 10**11):012x}")}


def main(root: Root) -> str:
    rng = root.rng
    rg = {"resource_group_name": "azurerm_resource_group.this.name", "location": "azurerm_resource_group.this.location"}
    parts = [block('resource "azurerm_resource_group" "this"', {"name": q("rg-${local.name_prefix}"),
                                                               "location": "var.region", "tags": "local.common_tags"}),
             block('module "network"', {"source": q(f"{SRC}/azure-network"), "name": "local.name_prefix", **rg,
                                        "tags": "local.common_tags"})]
    root.modules.add("azure-network")
    for label in rng.sample(("db_main", "db_reporting", "db_audit"), rng.randint(1, 3)):
        parts.append(block(f'module "{label}"', {
            "source": q(f"{SRC}/azure-database"), "name": q(f"${{local.name_prefix}}-{label.replace('_', '-')}"),
            **rg, "geo_redundant_backup": "local.is_prod", "tags": tag_map(root, sensitivity(root))}))
        root.modules.add("azure-database")
    for b in rng.sample(("docs", "exports", "archives", "uploads"), rng.randint(1, 4)):
        parts.append(block(f'module "storage_{b}"', {
            "source": q(f"{SRC}/azure-bucket"), "name": q(f"st${{var.team}}{b}"), **rg,
            "replication_type": 'local.is_prod ? "GRS" : "ZRS"', "tags": tag_map(root, sensitivity(root))}))
        root.modules.add("azure-bucket")
    if root.chance(0.4):
        parts.append(block('module "aks"', {"source": q(f"{SRC}/azure-cluster"), "name": "local.name_prefix", **rg,
                                            "subnet_id": 'module.network.subnet_ids["apps"]',
                                            "tags": "local.common_tags"}))
        root.modules.add("azure-cluster")
    for component in rng.sample(("api", "front", "batch", "worker"), rng.randint(1, 3)):
        parts.append(block(f'module "app_{component}"', {"source": q(f"{SRC}/azure-app"),
                                                        "name": q(f"${{local.name_prefix}}-{component}"), **rg,
                                            "with_cache": "local.is_prod",
                                            "tags": tag_map(root, sensitivity(root))}))
        root.modules.update({"azure-app", "azure-bucket"})
    return "\n".join(parts)


def extras(root: Root) -> dict[str, str]:
    out: dict[str, str] = {}
    if root.chance(0.5):
        out["security.tf"] = f'''data "azurerm_client_config" "current" {{}}

resource "azurerm_key_vault" "this" {{
  name                       = substr("kv-${{local.name_prefix}}", 0, 24)
  resource_group_name        = azurerm_resource_group.this.name
  location                   = azurerm_resource_group.this.location
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "standard"
  soft_delete_retention_days = 90
  purge_protection_enabled   = local.is_prod
  tags                       = {tag_map(root, sensitivity(root))}
}}

resource "azurerm_managed_disk" "shared" {{
  name                 = "disk-${{local.name_prefix}}"
  resource_group_name  = azurerm_resource_group.this.name
  location             = azurerm_resource_group.this.location
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 256
  tags                 = {tag_map(root, sensitivity(root))}
}}
'''
    if root.chance(0.5):
        out["monitoring.tf"] = '''resource "azurerm_log_analytics_workspace" "this" {
  name                = "log-${local.name_prefix}"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  sku                 = "PerGB2018"
  retention_in_days   = local.is_prod ? 365 : 30
  tags                = local.common_tags
}

resource "azurerm_monitor_action_group" "ops" {
  name                = "ag-${local.name_prefix}"
  resource_group_name = azurerm_resource_group.this.name
  short_name          = "ops"

  email_receiver {
    name          = "ops"
    email_address = "ops-${var.team}@example.org"
  }
}
'''
    if root.chance(0.4):
        out["backup.tf"] = f'''resource "azurerm_recovery_services_vault" "this" {{
  name                = "rsv-${{local.name_prefix}}"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  sku                 = "Standard"
  storage_mode_type   = local.is_prod ? "GeoRedundant" : "LocallyRedundant"
  tags                = {tag_map(root, sensitivity(root))}
}}

resource "azurerm_backup_policy_vm" "daily" {{
  name                = "daily"
  resource_group_name = azurerm_resource_group.this.name
  recovery_vault_name = azurerm_recovery_services_vault.this.name

  backup {{
    frequency = "Daily"
    time      = "23:00"
  }}

  retention_daily {{
    count = 30
  }}
}}
'''
    return out
