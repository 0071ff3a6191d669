"""Shipped knowledge (YAML data), installed as the package ``linter.policies``."""
