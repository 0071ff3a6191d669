"""Shared AWS modules of the estate (fixed text): network, database (with a nested replica module
on an aliased provider), bucket, cluster and app (which calls the bucket and database modules)."""
from __future__ import annotations

VERSIONS = '''terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40"
    }
  }
}
'''

VERSIONS_REPLICA = '''terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source                = "hashicorp/aws"
      version               = ">= 5.40"
      configuration_aliases = [aws.replica]
    }
  }
}
'''

TAGS_VARIABLE = '''
variable "tags" {
  description = "Tags merged into every resource (classification included)."
  type        = map(string)
  default     = {}
}
'''

NETWORK_MAIN = '''# Network of one environment: a VPC, public and private subnets, an optional NAT gateway.
locals {
  public_subnets  = [for i, az in var.azs : cidrsubnet(var.cidr_block, 8, i)]
  private_subnets = [for i, az in var.azs : cidrsubnet(var.cidr_block, 8, i + 10)]
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_hostnames = true
  enable_dns_support   = true
  tags                 = merge(var.tags, { Name = "${var.name}-vpc" })
}

resource "aws_subnet" "public" {
  count                   = length(var.azs)
  vpc_id                  = aws_vpc.this.id
  cidr_block              = local.public_subnets[count.index]
  availability_zone       = var.azs[count.index]
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { Name = "${var.name}-public-${var.azs[count.index]}", Tier = "public" })
}

resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = aws_vpc.this.id
  cidr_block        = local.private_subnets[count.index]
  availability_zone = var.azs[count.index]
  tags              = merge(var.tags, { Name = "${var.name}-private-${var.azs[count.index]}", Tier = "private" })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = "${var.name}-igw" })
}

resource "aws_eip" "nat" {
  count  = var.enable_nat_gateway ? 1 : 0
  domain = "vpc"
  tags   = var.tags
}

resource "aws_nat_gateway" "this" {
  count         = var.enable_nat_gateway ? 1 : 0
  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[0].id
  tags          = merge(var.tags, { Name = "${var.name}-nat" })
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id

  dynamic "route" {
    for_each = var.enable_nat_gateway ? [1] : []
    content {
      cidr_block     = "0.0.0.0/0"
      nat_gateway_id = aws_nat_gateway.this[0].id
    }
  }

  tags = var.tags
}

resource "aws_route_table_association" "private" {
  count          = length(var.azs)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "default" {
  name        = "${var.name}-default"
  description = "Default rules of ${var.name}"
  vpc_id      = aws_vpc.this.id

  dynamic "ingress" {
    for_each = var.ingress_rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidr_blocks
      description = ingress.value.description
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = var.tags
}
'''

NETWORK_VARIABLES = '''variable "name" {
  description = "Prefix of every resource name."
  type        = string
}

variable "cidr_block" {
  type    = string
  default = "10.0.0.0/16"
}

variable "azs" {
  type    = list(string)
  default = ["eu-west-3a", "eu-west-3b", "eu-west-3c"]
}

variable "enable_nat_gateway" {
  type    = bool
  default = false
}

variable "ingress_rules" {
  type = list(object({
    port        = number
    cidr_blocks = list(string)
    description = string
  }))
  default = []
}
''' + TAGS_VARIABLE

NETWORK_OUTPUTS = '''output "vpc_id" {
  value = aws_vpc.this.id
}

output "vpc_cidr" {
  value = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  value = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  value = aws_subnet.public[*].id
}

output "security_group_id" {
  value = aws_security_group.default.id
}
'''

DATABASE_MAIN = '''resource "aws_kms_key" "this" {
  description             = "Encryption key of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_db_parameter_group" "this" {
  name   = "${var.name}-params"
  family = "${var.engine}${split(".", var.engine_version)[0]}"

  dynamic "parameter" {
    for_each = var.parameters
    content {
      name  = parameter.key
      value = parameter.value
    }
  }

  tags = var.tags
}

resource "aws_security_group" "db" {
  name   = "${var.name}-db"
  vpc_id = var.vpc_id

  ingress {
    from_port   = var.engine == "mysql" ? 3306 : 5432
    to_port     = var.engine == "mysql" ? 3306 : 5432
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidrs
  }

  tags = var.tags
}

resource "aws_db_instance" "this" {
  identifier                  = var.name
  engine                      = var.engine
  engine_version              = var.engine_version
  instance_class              = var.instance_class
  allocated_storage           = var.allocated_storage
  max_allocated_storage       = var.allocated_storage * 4
  storage_encrypted           = true
  kms_key_id                  = aws_kms_key.this.arn
  db_subnet_group_name        = aws_db_subnet_group.this.name
  parameter_group_name        = aws_db_parameter_group.this.name
  vpc_security_group_ids      = [aws_security_group.db.id]
  multi_az                    = var.multi_az
  backup_retention_period     = var.backup_retention_days
  deletion_protection         = var.deletion_protection
  skip_final_snapshot         = !var.deletion_protection
  username                    = "admin_${replace(var.name, "-", "_")}"
  manage_master_user_password = true
  tags                        = merge(var.tags, { Name = var.name, Engine = var.engine })
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "${var.name}-cpu"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "CPUUtilization"
  namespace           = "AWS/RDS"
  period              = 300
  statistic           = "Average"
  threshold           = 80
  dimensions = {
    DBInstanceIdentifier = aws_db_instance.this.identifier
  }
}

# A read replica in the replica region; the provider comes from the caller.
module "replica" {
  source = "./modules/replica"
  count  = var.replica_enabled ? 1 : 0

  providers = {
    aws = aws.replica
  }

  name           = "${var.name}-replica"
  source_db_arn  = aws_db_instance.this.arn
  instance_class = var.instance_class
  tags           = var.tags
}
'''

DATABASE_VARIABLES = '''variable "name" {
  type = string
}

variable "engine" {
  type    = string
  default = "postgres"

  validation {
    condition     = contains(["postgres", "mysql"], var.engine)
    error_message = "Only postgres and mysql are supported."
  }
}

variable "engine_version" {
  type    = string
  default = "16.3"
}

variable "instance_class" {
  type    = string
  default = "db.t3.medium"
}

variable "allocated_storage" {
  type    = number
  default = 50
}

variable "subnet_ids" {
  type = list(string)
}

variable "vpc_id" {
  type = string
}

variable "allowed_cidrs" {
  type    = list(string)
  default = ["10.0.0.0/8"]
}

variable "multi_az" {
  type    = bool
  default = false
}

variable "backup_retention_days" {
  type    = number
  default = 7
}

variable "deletion_protection" {
  type    = bool
  default = true
}

variable "replica_enabled" {
  type    = bool
  default = false
}

variable "parameters" {
  type    = map(string)
  default = {}
}
''' + TAGS_VARIABLE

DATABASE_OUTPUTS = '''output "endpoint" {
  value = aws_db_instance.this.endpoint
}

output "arn" {
  value = aws_db_instance.this.arn
}

output "master_secret_arn" {
  value     = aws_db_instance.this.master_user_secret[0].secret_arn
  sensitive = true
}

output "replica_endpoint" {
  value = var.replica_enabled ? module.replica[0].endpoint : null
}
'''

REPLICA_MAIN = '''resource "aws_kms_key" "replica" {
  description         = "Encryption key of ${var.name}"
  enable_key_rotation = true
  tags                = var.tags
}

resource "aws_db_instance" "replica" {
  identifier          = var.name
  replicate_source_db = var.source_db_arn
  instance_class      = var.instance_class
  storage_encrypted   = true
  kms_key_id          = aws_kms_key.replica.arn
  skip_final_snapshot = true
  tags                = merge(var.tags, { Name = var.name, Role = "replica" })
}
'''

REPLICA_VARIABLES = '''variable "name" {
  type = string
}

variable "source_db_arn" {
  type = string
}

variable "instance_class" {
  type = string
}
''' + TAGS_VARIABLE

REPLICA_OUTPUTS = '''output "endpoint" {
  value = aws_db_instance.replica.endpoint
}
'''

BUCKET_MAIN = '''resource "aws_s3_bucket" "this" {
  bucket        = var.name
  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Name = var.name })
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = var.versioning ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count  = length(var.lifecycle_rules) > 0 ? 1 : 0
  bucket = aws_s3_bucket.this.id

  dynamic "rule" {
    for_each = var.lifecycle_rules
    content {
      id     = rule.value.id
      status = "Enabled"

      filter {
        prefix = rule.value.prefix
      }

      expiration {
        days = rule.value.expiration_days
      }
    }
  }
}

resource "aws_s3_bucket_policy" "tls_only" {
  bucket = aws_s3_bucket.this.id
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyInsecureTransport",
          "Effect": "Deny",
          "Principal": "*",
          "Action": "s3:*",
          "Resource": ["${aws_s3_bucket.this.arn}", "${aws_s3_bucket.this.arn}/*"],
          "Condition": { "Bool": { "aws:SecureTransport": "false" } }
        }
      ]
    }
  POLICY
}

resource "aws_iam_role" "replication" {
  count = var.replication_destination_arn == null ? 0 : 1
  name  = "${var.name}-replication"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_s3_bucket_replication_configuration" "this" {
  count  = var.replication_destination_arn == null ? 0 : 1
  role   = aws_iam_role.replication[0].arn
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "all"
    status = "Enabled"

    destination {
      bucket        = var.replication_destination_arn
      storage_class = "STANDARD_IA"
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}
'''

BUCKET_VARIABLES = '''variable "name" {
  type = string
}

variable "force_destroy" {
  type    = bool
  default = false
}

variable "versioning" {
  type    = bool
  default = true
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "replication_destination_arn" {
  description = "ARN of a bucket receiving a copy of every object, or null."
  type        = string
  default     = null
}

variable "lifecycle_rules" {
  type = list(object({
    id              = string
    prefix          = string
    expiration_days = number
  }))
  default = []
}
''' + TAGS_VARIABLE

BUCKET_OUTPUTS = '''output "id" {
  value = aws_s3_bucket.this.id
}

output "arn" {
  value = aws_s3_bucket.this.arn
}
'''

CLUSTER_MAIN = '''data "aws_iam_policy_document" "eks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "${var.name}-cluster"
  assume_role_policy = data.aws_iam_policy_document.eks_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "cluster" {
  for_each   = toset(["AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController"])
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:aws:iam::aws:policy/${each.value}"
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/eks/${var.name}/cluster"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_eks_cluster" "this" {
  name     = var.name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = var.public_endpoint
  }

  enabled_cluster_log_types = ["api", "audit"]
  tags                      = var.tags

  depends_on = [aws_iam_role_policy_attachment.cluster, aws_cloudwatch_log_group.this]
}

resource "aws_iam_role" "node" {
  name = "${var.name}-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = var.tags
}

resource "aws_eks_node_group" "this" {
  for_each        = var.node_groups
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = each.key
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  instance_types  = each.value.instance_types

  scaling_config {
    desired_size = each.value.desired
    min_size     = each.value.min
    max_size     = each.value.max
  }

  labels = { pool = each.key }
  tags   = var.tags
}

resource "aws_eks_addon" "this" {
  for_each     = toset(["vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver"])
  cluster_name = aws_eks_cluster.this.name
  addon_name   = each.value
}
'''

CLUSTER_VARIABLES = '''variable "name" {
  type = string
}

variable "kubernetes_version" {
  type    = string
  default = "1.30"
}

variable "subnet_ids" {
  type = list(string)
}

variable "public_endpoint" {
  type    = bool
  default = false
}

variable "log_retention_days" {
  type    = number
  default = 90
}

variable "node_groups" {
  type = map(object({
    instance_types = list(string)
    desired        = number
    min            = number
    max            = number
  }))
  default = {
    default = { instance_types = ["m6i.large"], desired = 2, min = 1, max = 4 }
  }
}
''' + TAGS_VARIABLE

CLUSTER_OUTPUTS = '''output "name" {
  value = aws_eks_cluster.this.name
}

output "endpoint" {
  value = aws_eks_cluster.this.endpoint
}

output "oidc_issuer" {
  value = aws_eks_cluster.this.identity[0].oidc[0].issuer
}
'''

APP_MAIN = '''locals {
  name = "${var.name}-${var.component}"
}

# Uploaded documents of the application.
module "documents" {
  source = "../aws-bucket"

  name            = "${local.name}-documents"
  lifecycle_rules = var.lifecycle_rules
  tags            = var.tags
}

module "database" {
  source = "../aws-database"
  count  = var.with_database ? 1 : 0

  providers = {
    aws         = aws
    aws.replica = aws.replica
  }

  name       = local.name
  subnet_ids = var.subnet_ids
  vpc_id     = var.vpc_id
  tags       = var.tags
}

resource "aws_sqs_queue" "events" {
  name                      = "${local.name}-events"
  message_retention_seconds = 345600
  kms_master_key_id         = "alias/aws/sqs"
  tags                      = var.tags
}

resource "aws_elasticache_replication_group" "cache" {
  count                      = var.with_cache ? 1 : 0
  replication_group_id       = "${local.name}-cache"
  description                = "Session cache of ${local.name}"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 2
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  tags                       = var.tags
}

resource "aws_instance" "worker" {
  count         = var.instance_count
  ami           = var.ami
  instance_type = var.instance_type
  subnet_id     = element(var.subnet_ids, count.index)
  user_data     = <<-EOT
    #!/bin/bash
    echo "component=${var.component} index=${count.index}" > /etc/app.conf
    systemctl enable --now app
  EOT
  tags          = merge(var.tags, { Name = "${local.name}-${count.index}" })
}

resource "aws_ebs_volume" "data" {
  count             = var.instance_count
  availability_zone = aws_instance.worker[count.index].availability_zone
  size              = var.volume_size
  encrypted         = true
  tags              = merge(var.tags, { Name = "${local.name}-data-${count.index}" })
}

resource "aws_volume_attachment" "data" {
  count       = var.instance_count
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.data[count.index].id
  instance_id = aws_instance.worker[count.index].id
}
'''

APP_VARIABLES = '''variable "name" {
  type = string
}

variable "component" {
  type    = string
  default = "api"
}

variable "subnet_ids" {
  type = list(string)
}

variable "vpc_id" {
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

variable "instance_count" {
  type    = number
  default = 2
}

variable "instance_type" {
  type    = string
  default = "t3.medium"
}

variable "ami" {
  type    = string
  default = "ami-0a89a7563fc68be84"
}

variable "volume_size" {
  type    = number
  default = 20
}

variable "lifecycle_rules" {
  type = list(object({
    id              = string
    prefix          = string
    expiration_days = number
  }))
  default = []
}
''' + TAGS_VARIABLE

APP_OUTPUTS = '''output "documents_bucket" {
  value = module.documents.id
}

output "database_endpoint" {
  value = var.with_database ? module.database[0].endpoint : null
}

output "queue_url" {
  value = aws_sqs_queue.events.url
}
'''

MODULES: dict[str, dict[str, str]] = {
    "aws-network": {"main.tf": NETWORK_MAIN, "variables.tf": NETWORK_VARIABLES, "outputs.tf": NETWORK_OUTPUTS,
                    "versions.tf": VERSIONS},
    "aws-database": {"main.tf": DATABASE_MAIN, "variables.tf": DATABASE_VARIABLES,
                     "outputs.tf": DATABASE_OUTPUTS, "versions.tf": VERSIONS_REPLICA},
    "aws-database/modules/replica": {"main.tf": REPLICA_MAIN, "variables.tf": REPLICA_VARIABLES,
                                     "outputs.tf": REPLICA_OUTPUTS, "versions.tf": VERSIONS},
    "aws-bucket": {"main.tf": BUCKET_MAIN, "variables.tf": BUCKET_VARIABLES, "outputs.tf": BUCKET_OUTPUTS,
                   "versions.tf": VERSIONS},
    "aws-cluster": {"main.tf": CLUSTER_MAIN, "variables.tf": CLUSTER_VARIABLES, "outputs.tf": CLUSTER_OUTPUTS,
                    "versions.tf": VERSIONS},
    "aws-app": {"main.tf": APP_MAIN, "variables.tf": APP_VARIABLES, "outputs.tf": APP_OUTPUTS,
                "versions.tf": VERSIONS_REPLICA},
}
