"""The manifests frontend's fragments, kept with everything it read (``linter.read_memo``): a scan
after a Terraform edit gives back the Kubernetes part whole instead of parsing every manifest again.

The key names what the fragments depend on besides the files read: the code, the knowledge, the
config, the repository root and its boundaries, and the manifests discovery found (a manifest
added or removed is another key). Any manifest, kustomization or folder it read that changed since
makes the frontend run again. Standard input is never kept, nor anything under ``--no-cache``.
"""
from __future__ import annotations

import os
from typing import Callable

from linter import read_log, read_memo
from linter.frontend_contract import Request
from linter.loaders.value_digest import code_digest, value_digest
from linter.model import Fragment
from linter.policy_files import knowledge_digest

FORMAT = "snclint-manifests-1"
SECTION = "manifests"


def kept_fragments(request: Request, kind: str, load: Callable[[Request], tuple[Fragment, ...]]
                   ) -> tuple[Fragment, ...]:
    """``load(request)``, or what it gave before when nothing it read has changed since."""
    if not request.parse_cache or request.stdin is not None:
        return load(request)
    key = _key(request, kind)
    if key is not None:
        kept = read_memo.recall(SECTION, FORMAT, key, request.cwd, tuple)
        if kept is not None and all(isinstance(f, Fragment) for f in kept):
            return kept
    with read_log.recording() as log:
        fragments = load(request)
    if key is not None:
        read_memo.keep(SECTION, FORMAT, key, log, fragments, [str(b) for b in request.boundaries])
    return fragments


def _key(request: Request, kind: str) -> str | None:
    try:
        return value_digest([FORMAT, code_digest(), os.path.realpath(request.cwd),
                             sorted(os.path.realpath(b) for b in request.boundaries), request.of(kind),
                             value_digest(request.config), knowledge_digest(request.knowledge)])
    except TypeError:
        return None
