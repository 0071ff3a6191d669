"""Terraform native syntax (``.tf``, ``.tfvars``) -> ``ConfigFile`` IR.

A pure function of the text: any text gives a ConfigFile, an unreadable one carries a ParseError
(line + short message) instead of a body, so one bad file never stops a scan.

Two front ends give the same IR: tree-sitter-hcl (``hcl_ts``, fast, tried first) and python-hcl2
(``hcl_reference``, imported on use: it reads what the fast one declines and reports syntax errors).
``SNCLINT_HCL_PARSER=hcl2`` uses the reference only, to tell a front-end difference from a bug.
"""
from __future__ import annotations

import os

from linter import limits
from linter.loaders import PARSER_ENV, size
from linter.loaders.hcl_text import too_large
from linter.loaders.ir import ConfigFile, ParseError


def load_hcl(path: str, text: str) -> ConfigFile:
    """Parse one HCL file; ``path`` is only the display path kept in the result."""
    if too_large(text):
        return ConfigFile(path, errors=(ParseError(1, "file too large (over 5 MB)"),))
    if len(text) > limits.HCL_NATIVE_BYTES:
        return ConfigFile(path, errors=(ParseError(1, f"HCL file of {len(text)} characters is over the "
                                                      f"{limits.HCL_NATIVE_BYTES}-character limit: not read, "
                                                      "to bound the memory one file may take"),))
    too_many = size.over(text, limits.HCL_ELEMENTS)
    if too_many is not None:
        return ConfigFile(path, errors=(ParseError(1, too_many),))
    if os.environ.get(PARSER_ENV) != "hcl2":
        from linter.loaders.hcl_ts import first_error_line, load_hcl_ts  # on use: tree-sitter costs start-up time

        fast = load_hcl_ts(path, text)
        if fast is not None:
            return fast
        if size.elements(text) > limits.HCL_REFERENCE_ELEMENTS or len(text) > limits.HCL_REFERENCE_BYTES:
            # the reference parser would take tens of seconds: say where tree-sitter stopped
            line = first_error_line(text)
            message = (f"syntax error near line {line}" if line is not None else
                       "not read: the fast parser declined it and it is over the "
                       f"{limits.HCL_REFERENCE_ELEMENTS} elements or {limits.HCL_REFERENCE_BYTES} characters "
                       "the reference parser is given")
            return ConfigFile(path, errors=(ParseError(line or 1, message),))
    return load_hcl2(path, text)


def load_hcl2(path: str, text: str) -> ConfigFile:
    """``load_hcl`` with python-hcl2 only: the reference the fast front end is tested against.
    Imported on use: python-hcl2 and Lark cost a small scan a third of its start-up."""
    from linter.loaders.hcl_reference import load_reference

    return load_reference(path, text)
