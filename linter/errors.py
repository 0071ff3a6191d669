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
