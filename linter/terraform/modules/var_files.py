"""The var files each root module is evaluated with: the config's ``terraform.roots``, and a var
file named to pre-commit, which re-checks the root module it feeds."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from linter.config import Config
from linter.discovery import display, folder_files
from linter.errors import ConfigError, UsageError
from linter.model import Problem
from linter.terraform.modules.file_kinds import MODULE_FILES, MODULE_SUFFIXES


def mapped_var_files(config: Config, cwd: Path) -> dict[str, tuple[str, ...]]:
    """``terraform.roots`` of the config, with paths relative to the repository root ``cwd``."""
    out = {}
    for folder, files in config.root_var_files.items():
        for file in files:
            if not Path(file).is_file():
                raise ConfigError(f"{config.path}: terraform.roots: {display(Path(file), cwd)}: no such file")
        out[display(Path(folder), cwd)] = tuple(display(Path(f), cwd) for f in files)
    return out


def check_config(config: Config, cwd: Path) -> None:
    """A var file the config maps must exist, whatever the scan reads."""
    mapped_var_files(config, cwd)


def with_named_var_files(files: Sequence[str], var_files: Sequence[str], mapped: dict[str, tuple[str, ...]],
                         boundaries: Sequence[Path], cwd: Path) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """The module files to evaluate with the files of the roots the named ``var_files`` feed, and
    each root's var files: a root the config maps keeps the var files it names."""
    roots_var_files = dict(mapped)
    terraform = list(files)
    for var_file in var_files:
        roots = [r for r, named in roots_var_files.items() if var_file in named]
        if not roots:
            root = owning_root(var_file, boundaries, cwd)
            if root is None:
                raise UsageError(f"{var_file}: no root module found for this variables file (no Terraform "
                                 "file in its folder or the one above); map it in .snclint.yaml terraform.roots")
            if root not in mapped:
                roots_var_files[root] = (*roots_var_files.get(root, ()), var_file)
            roots = [root]
        terraform.extend(f for r in roots for f in module_files(r, boundaries, cwd))
    return terraform, roots_var_files


def module_files(folder: str, boundaries: Sequence[Path], cwd: Path) -> list[str]:
    """The Terraform files of one module folder (display paths)."""
    problems: list[Problem] = []
    return [display(p, cwd) for p in folder_files(cwd / folder, boundaries, cwd, problems, (MODULE_FILES,))]


def owning_root(var_file: str, boundaries: Sequence[Path], cwd: Path) -> str | None:
    """The root module a var file feeds by the usual layouts: Terraform files in its own folder
    (``prod.tfvars`` beside ``main.tf``), else in the folder above (``envs/prod.tfvars``)."""
    folder = os.path.dirname(var_file) or "."
    for candidate in (folder, os.path.dirname(folder) or "." if folder != "." else None):
        if candidate is not None and any(p.endswith(MODULE_SUFFIXES)
                                         for p in module_files(candidate, boundaries, cwd)):
            return os.path.normpath(candidate)
    return None
