"""The Terraform frontend as the scan sees it (``linter.frontend_contract``): the files it claims,
and a ``load`` that imports the evaluator only when there are files to evaluate."""
from __future__ import annotations

import posixpath

from linter.config import Config
from linter.frontend_contract import Finish, Frontend, Loaded, Request
from linter.terraform.modules.file_kinds import MODULE_FILES, SKIPS, VAR_FILES
from linter.terraform.modules.var_files import check_config, mapped_var_files, with_named_var_files


def _load(request: Request) -> Loaded:
    return _start(request)(lambda: None)


def _start(request: Request) -> Finish:
    """Large estates are read by worker processes while the scan goes on (``frontend.start_terraform``)."""
    from linter.terraform.modules.callers import caller_files
    from linter.terraform.modules.frontend import start_terraform

    files, root_var_files = with_named_var_files(
        request.of(MODULE_FILES.kind), request.of(VAR_FILES.kind), mapped_var_files(request.config, request.cwd),
        request.boundaries, request.cwd)
    if not files:
        return lambda meanwhile: Loaded()
    if request.file_names:  # a module's file named (pre-commit): the modules calling it are evaluated
        folders = {posixpath.dirname(p) or "." for p in files}
        files = sorted(set(files) | set(caller_files(folders, request.boundaries, request.cwd, request.skipped)))
    finish = start_terraform(files, knowledge=request.knowledge, boundary=request.boundaries,
                             var_files=request.var_files, variables=request.variables,
                             root_var_files=root_var_files, cwd=request.cwd, jobs=request.jobs,
                             parse_cache=request.parse_cache, not_roots=request.taken,
                             incremental=_config_digest(request.config) if request.parse_cache else None)
    return lambda meanwhile: Loaded(fragments=(finish(meanwhile),))


def _config_digest(config: Config) -> str | None:
    """The config's part of what kept evaluations depend on (None: keep nothing)."""
    from linter.loaders.value_digest import value_digest

    try:
        return value_digest(config)
    except TypeError:
        return None


TERRAFORM = Frontend(name="terraform", claims=(MODULE_FILES, VAR_FILES), after=("terragrunt",), load=_load,
                     start=_start, parse_cache=True, check_config=check_config, skips=SKIPS)
