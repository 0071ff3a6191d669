"""Module source addresses as Terraform writes them and as module knowledge keys them.

A call's ``source`` is local (``./x``), fetched by a getter (``git::``, a URL, a code host's
shorthand) or a registry address (``terraform-aws-modules/rds/aws``, any host); the key a module
is known by in ``policies/`` is read from it alike by the Terraform and Terragrunt frontends and by
the rules.
"""
from __future__ import annotations

import functools
import re

_FETCHED_PREFIXES = ("git@", "http://", "https://", "github.com/", "bitbucket.org/", "gitlab.com/")
_REGISTRY = re.compile(r"^(?:[0-9a-z.-]+\.[a-z]+(?::[0-9]+)?/)?([0-9a-z_-]+/[0-9a-z_-]+/[0-9a-z]+)(?://.*)?$")


def is_local_source(source: str) -> bool:
    return source.startswith(("./", "../", ".\\", "..\\")) or source in (".", "..")


def is_fetched_source(source: str) -> bool:
    """Whether a source is fetched by a getter (``git::``, ``git@``, a URL, a code host's
    shorthand), not looked up in a module registry."""
    return "::" in source or source.startswith(_FETCHED_PREFIXES)


def registry_address(source: str) -> str | None:
    """``terraform-aws-modules/rds/aws`` for a registry source (any host, any sub-directory), else
    None: what ``knowledge.kind_of`` is asked about an opaque module."""
    if is_fetched_source(source) or is_local_source(source):
        return None
    match = _REGISTRY.match(source.strip().lower())
    return match.group(1) if match else None


def module_type(source: str) -> str:
    """The name an opaque module is known by: its registry address, else its source without
    the version reference."""
    return registry_address(source) or source.split("?", 1)[0]


_GETTER = re.compile(r"^(?:[a-z0-9]+::)?(?:[a-z][a-z0-9+.-]*://)?(?:[^@/:]+@)?", re.IGNORECASE)
_SCP_HOST = re.compile(r"^([a-z0-9.-]+\.[a-z]+):(?!\d)", re.IGNORECASE)
_NAMING = re.compile(r"^terraform-([a-z0-9]+)-")


@functools.lru_cache(maxsize=4096)
def module_key(source: str) -> str:
    """The key a remote module is known by in module knowledge: ``terraform-aws-modules/rds/aws``
    for a registry source (host and version left out), else its host and path in lower case
    without getter, scheme, user, ``.git`` or ``?ref`` (``github.com/org/repo``); a
    ``//subdirectory`` is kept (``…/sql-db/google//modules/postgresql``): it is another module.
    Memoised: an estate's root modules call the same few hundred sources thousands of times."""
    text = source.strip().split("?", 1)[0]
    if is_local_source(text):
        return text
    registry = registry_address(text)
    if registry is not None:
        sub = text.split("//", 1)[1] if "//" in text else ""
        return registry + (f"//{sub.strip('/').lower()}" if sub.strip("/") else "")
    text = _SCP_HOST.sub(r"\1/", _GETTER.sub("", text, count=1), count=1)
    repo, _, sub = text.partition("//")
    repo = repo.rstrip("/").removesuffix(".git")
    return (repo + (f"//{sub.strip('/')}" if sub.strip("/") else "")).lower()


def named_provider(source: str) -> str | None:
    """The provider type a remote module's address names: the last part of a registry address
    (``NAMESPACE/NAME/PROVIDER``), else the ``terraform-<PROVIDER>-<NAME>`` naming convention of
    its repository (``…/terraform-aws-postgresql.git``); None when it names none."""
    registry = registry_address(source)
    if registry is not None:
        return registry.rsplit("/", 1)[-1]
    repo = module_key(source).partition("//")[0]
    match = _NAMING.match(repo.rsplit("/", 1)[-1])
    return match.group(1) if match else None
