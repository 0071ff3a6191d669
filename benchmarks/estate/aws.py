"""AWS root modules: the majority of the estate, mostly in eu-west-3 (Paris), with a replica provider
alias, ``default_tags``, local shared modules, remote registry modules and plain resources."""
from __future__ import annotations

import json

from estate.aws_modules import MODULES
from estate.common import Root, block, hcl_object, q, sensitivity, tag_map

__all__ = ["MODULES", "NAME", "WEIGHT", "variant", "required", "providers", "variables", "tfvars", "main",
           "extras"]

NAME = "aws"
WEIGHT = 50
SRC = "../../../modules"


def variant(root: Root) -> tuple[str, str]:
    region = root.pick(*("eu-west-3",) * 18 + ("eu-west-1", "eu-central-1"))
    return "aws", region


def required(root: Root) -> dict[str, str]:
    return {"aws": '{ source = "hashicorp/aws", version = "~> 5.80" }'}


def providers(root: Root) -> str:
    default = {"team": "var.team", "environment": "var.env", "managed_by": q("terraform")}
    if root.chance(0.15):
        default[root.sens_key] = "var.data_sensitivity"
    out = ["# Default provider: every resource gets the team's tags (default_tags).\n",
           block('provider "aws"', {"region": "var.region"},
                 tail=block("default_tags", {"tags": hcl_object(default, 4)}, indent=2).rstrip("\n"))]
    if root.chance(0.1):
        out[-1] = out[-1].replace("  region = var.region\n",
                                  '  region = var.region\n\n  assume_role {\n'
                                  '    role_arn = "arn:aws:iam::${var.account_id}:role/terraform"\n  }\n')
    out.append("\n" + block('provider "aws"', {"alias": q("replica"), "region": "var.replica_region"},
                            tail=block("default_tags", {"tags": "local.common_tags"}, indent=2).rstrip("\n")))
    if root.chance(0.3):
        root.aliases.add("us_east_1")
        out.append("\n// certificates for the CDN must live in us-east-1\n"
                   + block('provider "aws"', {"alias": q("us_east_1"), "region": q("us-east-1")}))
    return "".join(out)


def variables(root: Root) -> str:
    return ('''variable "replica_region" {
  description = "Region of read replicas and backup copies."
  type        = string
  default     = "eu-west-1"
}

variable "account_id" {
  type    = string
  default = "123456789012"
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "enable_replicas" {
  type    = bool
  default = false
}
''')


def tfvars(root: Root) -> dict[str, str]:
    out = {"vpc_cidr": q(f"10.{root.rng.randint(0, 250)}.0.0/16")}
    if root.chance(0.5):
        out["enable_replicas"] = "true"
    if root.chance(0.2):
        out["replica_region"] = q(root.pick("eu-west-1", "eu-central-1", "eu-west-3"))
    return out


def _database(root: Root, label: str) -> str:
    engine = root.pick("postgres", "postgres", "mysql")
    attrs = {
        "name": q(f"${{local.name_prefix}}-{label.replace('_', '-')}"),
        "engine": q(engine),
        "engine_version": q("16.3" if engine == "postgres" else "8.0.36"),
        "instance_class": 'local.is_prod ? "db.r6g.large" : "db.t3.medium"',
        "multi_az": "local.is_prod",
        "replica_enabled": "local.is_prod && var.enable_replicas",
        "subnet_ids": "module.network.private_subnet_ids",
        "vpc_id": "module.network.vpc_id",
    }
    if engine == "postgres" and root.chance(0.5):
        attrs["parameters"] = hcl_object({"log_min_duration_statement": q("500"), "rds.force_ssl": q("1")}, 2)
    attrs["tags"] = tag_map(root, sensitivity(root))
    body = block(f'module "{label}"', attrs).split("\n", 1)[1]
    return (f'module "{label}" {{\n  source = "{SRC}/aws-database"\n\n'
            "  providers = {\n    aws         = aws\n    aws.replica = aws.replica\n  }\n\n" + body)


def main(root: Root) -> str:
    rng = root.rng
    parts = [block('module "network"', {
        "source": q(f"{SRC}/aws-network"),
        "name": "local.name_prefix",
        "cidr_block": "var.vpc_cidr",
        "azs": "slice(data.aws_availability_zones.available.names, 0, 3)",
        "enable_nat_gateway": "local.is_prod",
        "tags": "local.common_tags",
    })]
    root.modules.add("aws-network")
    for label in rng.sample(("db_main", "db_archive", "db_reporting", "referentiel", "audit"), rng.randint(0, 3)):
        parts.append(_database(root, label))
        root.modules.add("aws-database")
    buckets = rng.sample(("exports", "documents", "logs", "backups", "archives", "uploads"), rng.randint(2, 5))
    if root.chance(0.3):
        names = ", ".join(q(b) for b in buckets)
        parts.append(f'''# one bucket per flow, same settings
module "buckets" {{
  source   = "{SRC}/aws-bucket"
  for_each = toset([{names}])

  name = "${{local.name_prefix}}-${{each.key}}"
  tags = {tag_map(root, sensitivity(root))}
}}
''')
    else:
        for b in buckets:
            attrs = {"source": q(f"{SRC}/aws-bucket"), "name": q(f"${{local.name_prefix}}-{b}"),
                     "versioning": "true"}
            if b == "exports" and "backups" in buckets:
                attrs["replication_destination_arn"] = "module.bucket_backups.arn"
            if b in ("logs", "archives"):
                attrs["lifecycle_rules"] = '[{ id = "expire", prefix = "", expiration_days = 365 }]'
            attrs["tags"] = tag_map(root, sensitivity(root))
            parts.append(block(f'module "bucket_{b}"', attrs))
    root.modules.add("aws-bucket")
    if root.chance(0.4):
        parts.append(f'''module "eks" {{
  source = "{SRC}/aws-cluster"

  name               = "${{local.name_prefix}}-eks"
  kubernetes_version = "1.{rng.randint(28, 31)}"
  subnet_ids         = module.network.private_subnet_ids
  node_groups = {{
    system = {{ instance_types = ["m6i.large"], desired = 2, min = 2, max = 3 }}
    apps   = {{ instance_types = ["m6i.xlarge"], desired = local.is_prod ? 4 : 1, min = 1, max = 10 }}
  }}
  tags = local.common_tags
}}
''')
        root.modules.add("aws-cluster")
    for component in rng.sample(("api", "front", "batch", "worker"), rng.randint(1, 3)):
        parts.append(f'''module "app_{component}" {{
  source = "{SRC}/aws-app"

  providers = {{
    aws         = aws
    aws.replica = aws.replica
  }}

  name           = local.name_prefix
  component      = "{component}"
  subnet_ids     = module.network.private_subnet_ids
  vpc_id         = module.network.vpc_id
  with_database  = {root.pick("true", "false", "local.is_prod")}
  with_cache     = local.is_prod
  instance_count = local.is_prod ? 3 : 1
  tags           = {tag_map(root, sensitivity(root), component=q(component))}
}}
''')
        root.modules.update({"aws-app", "aws-bucket", "aws-database"})
    if root.chance(0.25):
        parts.append(_remote(root))
    return "\n".join(parts)


def _remote(root: Root) -> str:
    """A registry module that is not downloaded: an opaque node for the linter."""
    if root.chance(0.6):
        return f'''# Legacy database, still on the community module (not vendored).
module "rds_legacy" {{
  source  = "terraform-aws-modules/rds/aws"
  version = "~> 6.5"

  identifier           = "${{local.name_prefix}}-legacy"
  engine               = "postgres"
  engine_version       = "14"
  family               = "postgres14"
  major_engine_version = "14"
  instance_class       = "db.t3.large"
  allocated_storage    = 100
  db_subnet_group_name = "${{local.name_prefix}}-legacy"
  tags                 = {tag_map(root, sensitivity(root))}
}}
'''
    return f'''module "s3_archive" {{
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "4.1.2"

  bucket = "${{local.name_prefix}}-archive"
  versioning = {{
    enabled = true
  }}
  tags = {tag_map(root, sensitivity(root))}
}}
'''


def extras(root: Root) -> dict[str, str]:
    """Plain resources, spread over the files teams usually keep next to ``main.tf``."""
    rng = root.rng
    out: dict[str, str] = {"data.tf": '''data "aws_caller_identity" "current" {}

data "aws_availability_zones" "available" {
  state = "available"
}
'''}
    if root.chance(0.45):
        out["databases.tf"] = f'''resource "aws_dynamodb_table" "sessions" {{
  name         = "${{local.name_prefix}}-sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {{
    name = "id"
    type = "S"
  }}

  point_in_time_recovery {{
    enabled = local.is_prod
  }}

  tags = {tag_map(root, sensitivity(root))}
}}

resource "aws_elasticache_cluster" "cache" {{
  count           = local.is_prod ? 1 : 0
  cluster_id      = "${{local.name_prefix}}-cache"
  engine          = "redis"
  node_type       = "cache.t4g.micro"
  num_cache_nodes = 1
  tags            = {tag_map(root, sensitivity(root))}
}}
'''
    if root.chance(0.5):
        copy = '''
    copy_action {
      destination_vault_arn = aws_backup_vault.copy.arn
    }''' if root.chance(0.5) else ""
        out["backups.tf"] = f'''resource "aws_backup_vault" "main" {{
  name = "${{local.name_prefix}}-vault"
  tags = {tag_map(root, sensitivity(root))}
}}

resource "aws_backup_vault" "copy" {{
  provider = aws.replica
  name     = "${{local.name_prefix}}-vault-copy"
  tags     = local.common_tags
}}

resource "aws_backup_plan" "daily" {{
  name = "${{local.name_prefix}}-daily"

  rule {{
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 3 * * ? *)"

    lifecycle {{
      delete_after = local.is_prod ? 35 : 7
    }}{copy}
  }}
}}

resource "aws_efs_file_system" "shared" {{
  encrypted = true
  tags      = {tag_map(root, sensitivity(root), Name=q("${local.name_prefix}-shared"))}
}}
'''
    if root.chance(0.4):
        out["iam.tf"] = '''resource "aws_iam_role" "ci" {
  name = "${local.name_prefix}-ci"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_policy" "deploy" {
  name   = "${local.name_prefix}-deploy"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["ecs:UpdateService", "ecs:DescribeServices"], "Resource": "*"}
  ]
}
EOF
}

resource "aws_iam_role_policy_attachment" "ci" {
  role       = aws_iam_role.ci.name
  policy_arn = aws_iam_policy.deploy.arn
}
'''
    if root.chance(0.35):
        n = rng.randint(1, 4)
        names = ", ".join(q(s) for s in rng.sample(("api", "front", "batch", "audit", "access"), n))
        out["monitoring.tf"] = f'''resource "aws_cloudwatch_log_group" "app" {{
  for_each          = toset([{names}])
  name              = "/${{var.team}}/${{var.env}}/${{each.key}}"
  retention_in_days = local.is_prod ? 365 : 30
  tags              = local.common_tags
}}

resource "aws_sns_topic" "alerts" {{
  name = "${{local.name_prefix}}-alerts"
  tags = local.common_tags
}}
'''
    if root.chance(0.3):
        out["dns.tf"] = '''resource "aws_route53_zone" "internal" {
  name = "${var.env}.${var.team}.internal"

  vpc {
    vpc_id = module.network.vpc_id
  }
}

resource "aws_route53_record" "api" {
  zone_id = aws_route53_zone.internal.zone_id
  name    = "api"
  type    = "CNAME"
  ttl     = 300
  records = ["api.${var.env}.${var.team}.internal"]
}
'''
    if root.chance(0.1):
        tags = {"team": "${var.team}", "environment": "${var.env}"}
        value = sensitivity(root)
        if value is not None and value.startswith('"'):
            tags[root.sens_key] = value.strip('"')
        out["exports.tf.json"] = json.dumps({"resource": {"aws_s3_bucket": {"exports_json": {
            "bucket": "${local.name_prefix}-exports-json", "tags": tags}}}}, indent=2) + "\n"
    if root.chance(0.5):
        out["security.tf"] = '''resource "aws_security_group" "bastion" {
  name        = "${local.name_prefix}-bastion"
  description = "SSH from the administration network"
  vpc_id      = module.network.vpc_id
  tags        = local.common_tags
}

resource "aws_vpc_security_group_ingress_rule" "bastion" {
  for_each          = toset(["10.0.0.0/8", "172.16.0.0/12"])
  security_group_id = aws_security_group.bastion.id
  cidr_ipv4         = each.value
  from_port         = 22
  to_port           = 22
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_egress_rule" "bastion" {
  security_group_id = aws_security_group.bastion.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}
'''
    if root.chance(0.4):
        out["secrets.tf"] = f'''resource "aws_secretsmanager_secret" "api_keys" {{
  name                    = "${{local.name_prefix}}/api-keys"
  recovery_window_in_days = local.is_prod ? 30 : 0
  tags                    = {tag_map(root, sensitivity(root))}
}}

resource "aws_ssm_parameter" "settings" {{
  for_each = {{
    log_level    = local.is_prod ? "warn" : "debug"
    feature_flag = "false"
  }}
  name  = "/${{var.team}}/${{var.env}}/${{each.key}}"
  type  = "String"
  value = each.value
}}
'''
    if "us_east_1" in root.aliases:
        out["cdn.tf"] = '''resource "aws_acm_certificate" "site" {
  provider          = aws.us_east_1
  domain_name       = "${var.env}.${var.team}.example.org"
  validation_method = "DNS"
}

resource "aws_cloudfront_origin_access_control" "site" {
  name                              = "${local.name_prefix}-site"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_distribution" "site" {
  enabled             = true
  default_root_object = "index.html"
  aliases             = ["${var.env}.${var.team}.example.org"]

  origin {
    domain_name              = "${local.name_prefix}-site.s3.eu-west-3.amazonaws.com"
    origin_id                = "site"
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }

  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn = aws_acm_certificate.site.arn
    ssl_support_method  = "sni-only"
  }
}
'''
    return out
