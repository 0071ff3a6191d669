"""Which files are Terraform's, by name: a module's files (with the var files Terraform loads on its
own), and the var files it loads only when told (``-var-file``, or named to pre-commit)."""
from __future__ import annotations

import posixpath

from linter.frontend_contract import Claim

MODULE_SUFFIXES = (".tf", ".tf.json")
TFVARS_NAMES = ("terraform.tfvars", "terraform.tfvars.json")
TFVARS_SUFFIXES = (".auto.tfvars", ".auto.tfvars.json")
MODULE_FILES = Claim(kind="terraform", names=TFVARS_NAMES, suffixes=MODULE_SUFFIXES + TFVARS_SUFFIXES)
VAR_FILES = Claim(kind="var-file", suffixes=(".tfvars", ".tfvars.json"), named_only=True)
SKIPS = (".terraform",)  # the modules and providers ``terraform init`` fetched: not the project's files


def is_tfvars(path: str) -> bool:
    """A var file Terraform loads on its own (``terraform.tfvars``, ``*.auto.tfvars``)."""
    name = posixpath.basename(path)
    return name in TFVARS_NAMES or name.endswith(TFVARS_SUFFIXES)


def is_module_file(name: str) -> bool:
    """A file of a module folder, var files Terraform loads on its own included."""
    return MODULE_FILES.specificity(name) > 0
