"""Terraform's expression language: values, operators, functions, type constraints, evaluation.

It knows nothing of modules, providers or resources: a scope gives it the names an expression
reads, and it gives back values, with ``Unknown`` for what cannot be known.
"""
