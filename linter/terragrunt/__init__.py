"""Terragrunt units (``terragrunt.hcl``) read as root modules."""
