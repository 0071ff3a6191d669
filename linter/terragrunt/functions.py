"""The functions Terragrunt adds to HCL, bound to the configuration file being read.

Their values depend on where that file is (``get_terragrunt_dir``, ``find_in_parent_folders``) or
on another file (``read_terragrunt_config``), so each file gets its own table; the evaluator asks
the scope for them (``Scope.functions``). Directories are absolute, as Terragrunt gives them, so
that ``"${get_terragrunt_dir()}/../modules/db"`` means what it means to Terragrunt; the frontend
turns them back into paths relative to the repository before reading anything, and never reads
outside it.

What depends on the machine, the cloud account or a command (``get_env``, ``get_aws_account_id``,
``run_cmd``, ``sops_decrypt_file``…) is Unknown with the reason: a scan is a function of the
files only.
"""
from __future__ import annotations

import posixpath
from typing import Any, Callable, Mapping, Protocol

from linter import limits
from linter.model import Unknown
from linter.terraform.language.functions_base import Function, as_str, define

DEFAULT_CONFIG = "terragrunt.hcl"

_MACHINE = "depends on the machine or account Terragrunt runs on, which a scan does not read"
NOT_EVALUATED: dict[str, str] = {
    **dict.fromkeys(("get_env", "get_platform", "get_aws_account_id", "get_aws_account_alias",
                     "get_aws_caller_identity_arn", "get_aws_caller_identity_user_id",
                     "get_terraform_command", "get_terraform_cli_args", "get_terragrunt_source_cli_flag",
                     "get_working_dir"), _MACHINE),
    **dict.fromkeys(("run_cmd", "sops_decrypt_file", "read_tfvars_file"),
                    "runs a command or reads a file that a scan does not evaluate"),
}


class Place(Protocol):
    """What the functions of one file need to know: where it is and what it includes."""

    def config_dir(self) -> str:
        """Absolute directory of the configuration being processed (the unit, or the file
        ``read_terragrunt_config`` reads)."""

    def unit_dir(self) -> str:
        """Absolute directory of the unit Terragrunt was run in."""

    def repo_root(self) -> str:
        """Absolute directory of the repository (the scan's boundary)."""

    def include_dir(self, name: str | None) -> str | None:
        """Absolute directory of the included file ``name`` (the only one when None)."""

    def exists(self, path: str) -> bool:
        """Whether an absolute path is a file inside the repository."""

    def read_config(self, path: str) -> Any:
        """``read_terragrunt_config``: the file's locals, inputs and blocks as an object."""


def functions_for(place: Place) -> Mapping[str, Function]:
    """The Terragrunt functions of one configuration file."""
    table: dict[str, Function] = {}

    @define(table, "get_terragrunt_dir")
    def get_terragrunt_dir() -> str:
        return place.config_dir()

    @define(table, "get_original_terragrunt_dir")
    def get_original_terragrunt_dir() -> str:
        return place.unit_dir()

    @define(table, "get_parent_terragrunt_dir")
    def get_parent_terragrunt_dir(*name: Any) -> str:
        found = place.include_dir(as_str(name[0]) if name else None)
        return found if found is not None else place.config_dir()

    @define(table, "path_relative_to_include")
    def path_relative_to_include(*name: Any) -> str:
        parent = place.include_dir(as_str(name[0]) if name else None)
        return posixpath.relpath(place.config_dir(), parent) if parent is not None else "."

    @define(table, "path_relative_from_include")
    def path_relative_from_include(*name: Any) -> str:
        parent = place.include_dir(as_str(name[0]) if name else None)
        return posixpath.relpath(parent, place.config_dir()) if parent is not None else "."

    @define(table, "get_repo_root")
    def get_repo_root() -> str:
        return place.repo_root()

    @define(table, "get_path_from_repo_root")
    def get_path_from_repo_root() -> str:
        return posixpath.relpath(place.config_dir(), place.repo_root())

    @define(table, "get_path_to_repo_root")
    def get_path_to_repo_root() -> str:
        return posixpath.relpath(place.repo_root(), place.config_dir())

    @define(table, "find_in_parent_folders", unknown="args")
    def find_in_parent_folders(*args: Any) -> Any:
        """From the parent of the configuration's folder upward, never above the repository."""
        name = as_str(args[0]) if args else DEFAULT_CONFIG
        folder = place.config_dir()
        for _ in range(limits.TERRAGRUNT_PARENT_FOLDERS):
            parent = posixpath.dirname(folder)
            if parent == folder or not _within(parent, place.repo_root()):
                break
            candidate = posixpath.normpath(posixpath.join(parent, name))
            if place.exists(candidate):
                return candidate
            folder = parent
        if len(args) > 1:
            return args[1]
        raise ValueError(f"no {name} in the parent folders of {place.config_dir()} within the repository")

    @define(table, "read_terragrunt_config", unknown="args")
    def read_terragrunt_config(path: Any, *default: Any) -> Any:
        target = as_str(path)
        if not posixpath.isabs(target):
            target = posixpath.normpath(posixpath.join(place.config_dir(), target))
        if not place.exists(target) and default:
            return default[0]
        return place.read_config(target)

    @define(table, "mark_as_read")
    def mark_as_read(path: Any) -> str:
        return as_str(path)

    for name, why in NOT_EVALUATED.items():
        table[name] = _never(name, why)
    return table


def _never(name: str, why: str) -> Callable[..., Unknown]:
    def never(*args: Any) -> Unknown:
        return Unknown(f"{name}() {why}")
    return never


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")
