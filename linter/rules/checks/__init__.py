"""The built-in checks, one module each. A rule in ``policies/`` names a check by its module's name
with hyphens (``check: hosting-not-qualified`` runs ``hosting_not_qualified.check``) and gives
its params; a module whose name starts with ``_`` holds what several checks share.

Each check reads the ``Context`` and returns ``Match`` values — facts, not policy: the engine
stamps rule id, severity, fingerprint and suppressions. Adding a check is adding its module
(docs/architecture.md#adding-a-rule): the registry below finds it, and the tests tie it to the
rules schema and to a rule whose examples run.
"""
from __future__ import annotations

import pkgutil
from importlib import import_module
from typing import Any, Callable, Mapping

from linter.rules.check_api import Context, Match

Check = Callable[[Context, Mapping[str, Any]], list[Match]]


def _registry() -> tuple[dict[str, Check], frozenset[str], frozenset[str]]:
    """Every check module's ``check``, by name; the checks whose findings cannot be suppressed
    (``SUPPRESSIBLE = False``: a finding about suppressions); and those whose findings are a verdict
    on where an object runs (``HOSTING_VERDICT = True``: the audit's inventory reads them)."""
    checks: dict[str, Check] = {}
    unsuppressible = set()
    hosting_verdicts = set()
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = import_module(f"{__name__}.{info.name}")
        name = info.name.replace("_", "-")
        checks[name] = module.check
        if not getattr(module, "SUPPRESSIBLE", True):
            unsuppressible.add(name)
        if getattr(module, "HOSTING_VERDICT", False):
            hosting_verdicts.add(name)
    return checks, frozenset(unsuppressible), frozenset(hosting_verdicts)


CHECKS, UNSUPPRESSIBLE, HOSTING_VERDICTS = _registry()
