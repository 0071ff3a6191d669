"""User errors: each is printed as one line and ends the run with exit code 2 (docs/architecture.md#exit-codes).

A bad *scanned* file is never an exception: it is an SNC000 finding. These are for the things the
user gives us to run with: options, the config file, policy and catalogue files.
"""
from __future__ import annotations


class LinterError(Exception):
    """Base of every error that is the user's to fix; never shown with a traceback."""


class UsageError(LinterError):
    pass


class ConfigError(LinterError):
    pass


class PolicyError(LinterError):
    pass


def unexpected(error: BaseException) -> str:
    """The message of the last-resort handler: an error nobody foresaw, while handling one file
    or one root module, becomes one SNC000 for it and the scan goes on. Only the error's kind and
    the start of its text are shown (it may quote the file)."""
    if isinstance(error, MemoryError):
        return "not read: it needs more memory than the scan may use (MemoryError)"
    if isinstance(error, RecursionError):
        return "not read: nested too deeply (RecursionError)"
    text = " ".join(str(error).split())[:120]
    return f"not read: unexpected {type(error).__name__}" + (f" ({text})" if text else "")
