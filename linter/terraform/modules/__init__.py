"""The Terraform frontend: a root module's tree of module instances, evaluated into nodes.

Module calls, variables, providers, resources and their instances, as Terraform decides them,
over the expression language of ``linter.terraform.language``.
"""
