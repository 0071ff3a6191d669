"""Terraform: its expression language (``language``), the module tree read from ``.tf`` files
(``modules``, the Terraform frontend) and plan JSON (``plan``, the plan frontend)."""
