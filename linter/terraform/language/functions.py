"""The registry of Terraform functions the evaluator can call: ``FUNCTIONS[name](*values)``.

Every entry takes evaluated values and returns a value or ``Unknown``; it never raises. The
families live in ``functions_strings``, ``functions_collections`` and ``functions_types``.
``try`` and ``can`` are not here: they need their arguments unevaluated, so the evaluator
implements them (see ``linter.terraform.language.evaluate``).

Some functions are deliberately never evaluated and always give ``Unknown`` with the reason:

* file-system functions (``file``, ``templatefile``, ``fileset``, ``abspath`` …): the evaluator is
  a pure function of the configuration; reading files would depend on the machine and could leave
  the scanned repository (docs/architecture.md#boundary);
* functions whose value changes with each run (``timestamp``, ``uuid``, ``bcrypt``): Terraform
  itself only knows them at apply time;
* regular expressions (``regex``, ``regexall``): Terraform uses RE2; Python's backtracking engine
  has other semantics and a hostile pattern could hang the scan;
* YAML (``yamlencode``, ``yamldecode``): Terraform's YAML output is not reproduced.

Any other name is "not supported" (also ``Unknown``): see ``evaluate``.
"""
from __future__ import annotations

from typing import Any

from linter.model import Unknown
from linter.terraform.language.functions_base import Function, define
from linter.terraform.language.functions_collections import COLLECTIONS
from linter.terraform.language.functions_strings import STRINGS
from linter.terraform.language.functions_types import TYPES
from linter.terraform.language.values import Invalid, find_unknown

_OTHERS: dict[str, Function] = {}

_FILES = "reads files, which the evaluator never does"
_PER_RUN = "changes with each run, so it is only known at apply time"
_REGEX = "uses RE2 regular expressions, which are not evaluated"
_YAML = "produces or reads YAML, which is not evaluated in expressions"
NOT_EVALUATED: dict[str, str] = {
    **dict.fromkeys(
        (
            "file", "filebase64", "fileexists", "fileset", "filemd5", "filesha1", "filesha256",
            "filesha512", "filebase64sha256", "filebase64sha512", "templatefile", "abspath",
            "pathexpand",
        ),
        _FILES,
    ),
    **dict.fromkeys(("timestamp", "plantimestamp", "uuid", "bcrypt"), _PER_RUN),
    **dict.fromkeys(("regex", "regexall"), _REGEX),
    **dict.fromkeys(("yamlencode", "yamldecode"), _YAML),
}


def _not_evaluated(name: str, why: str) -> None:
    def never(*args: Any) -> Unknown:
        found = find_unknown(list(args))
        return found if isinstance(found, Invalid) else Unknown(f"{name}() {why}")

    define(_OTHERS, name, unknown="none")(never)


for _name, _why in NOT_EVALUATED.items():
    _not_evaluated(_name, _why)


@define(_OTHERS, "sensitive", unknown="none")
def sensitive(value: Any) -> Any:
    """Sensitivity only hides a value from Terraform's output: the value is unchanged."""
    return value


@define(_OTHERS, "nonsensitive", unknown="none")
def nonsensitive(value: Any) -> Any:
    return value


FUNCTIONS: dict[str, Function] = {**STRINGS, **COLLECTIONS, **TYPES, **_OTHERS}
