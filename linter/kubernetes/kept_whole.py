"""The manifests frontend's fragments kept whole, with everything it read: a scan after editing a
Terraform file (or anything that is no manifest) does not place and link the estate's Kubernetes
objects again.

Kept manifests (``kubernetes.kept``) spare the parsing, but placing the objects, building their
nodes and edges and rendering kustomizations is a function of all the manifest files at once (and
of the knowledge and config): on the MoJ estate (9,000 manifests, 12,000 objects) about 0.5 s of
CPU time per scan even when none changed, against 0.2 s to read them back whole. So the frontend's
outcome is kept under a key that names what is not a file (the code, the knowledge, the config,
the repository and its boundaries, the manifest paths discovery gave it) with the read log of the
run that made it (``linter.read_log``: every file read, folder listed and place checked, kept
manifests' files and kustomizations' resources included), and given back while a ``stat`` of each
says nothing changed (``read_memo``). Editing a manifest misses: the frontend runs again from the
kept manifests.

A first scan, which parsed every manifest, keeps its outcome: on a large estate its process
encodes it while the Terraform workers still parse (the first Terraform edit after it took 3.2 s
on MoJ when it had to keep it, 2.2 s when not). A run after editing a manifest does not: the next
manifest edit would make its entry stale, and keeping it costs that run's time (encoding it is 0.2 s
of CPU time on MoJ; done by a child forked while the scan goes on, still 0.05-0.2 s of the scan's
wall time: ``linter.forked``). The first scan after it that parsed no manifest (a Terraform edit)
places the objects again and keeps them from a child forked then (``forked.aside``, waited for
before the scan exits) while it builds the graph, runs the rules and writes the report: on MoJ that
edit took 3.2 s when it kept them itself, 2.9 s now (2.3 s for the edits after it, which get them
back). With ``--jobs 1`` (or off Linux) it keeps them itself. Entries are model JSON sealed with the
cache's HMAC (``read_memo``): a planted or damaged one is a miss, and an entry is written to a
temporary file then renamed, so a child that fails or is killed leaves the entry there before,
never half of one.
"""
from __future__ import annotations

import os
from typing import Callable, Literal

from linter import forked, gc_pacing, read_log, read_memo
from linter.frontend_contract import Loaded, Request
from linter.loaders.value_digest import code_digest, value_digest
from linter.model import Fragment

FORMAT = "snclint-kubernetes-1"
SECTION = "kubernetes"


# whether an outcome is kept (see above): now, by the scan's process; aside, by a forked child; or not
Keeping = Literal["now", "aside", "no"]


def kept_or_loaded(request: Request, kind: str, load: Callable[[Request], tuple[Loaded, Keeping]]) -> Loaded:
    """``load(request)``'s fragments, or those it gave before for the same ``kind`` of files,
    knowledge and config when nothing it read has changed since. ``load`` tells too whether and
    how its outcome is kept (see above). Never kept without the cache, or with standard input."""
    key = _key(request, kind) if request.parse_cache and request.stdin is None else None
    if key is None:
        return load(request)[0]
    found = read_memo.recall(SECTION, FORMAT, key, request.cwd, list)
    if found is not None and all(isinstance(f, Fragment) for f in found):
        gc_pacing.settled()
        return Loaded(fragments=tuple(found))
    with read_log.recording() as log:
        loaded, keeping = load(request)
    if keeping != "no" and not loaded.taken and loaded.revised is None:  # fragments only: nothing else to keep
        read_memo.keep(SECTION, FORMAT, key, log, list(loaded.fragments),
                       boundaries=[os.fspath(b) for b in request.boundaries],
                       aside=keeping == "aside" and _spare_cpu(request))
    return loaded


def _key(request: Request, kind: str) -> str | None:
    """What the outcome depends on besides the files it read; None when one of them has no digest."""
    from linter.policy_files import knowledge_digest

    try:
        return value_digest([FORMAT, code_digest(), knowledge_digest(request.knowledge), value_digest(request.config),
                             os.path.realpath(request.cwd), [os.fspath(b) for b in request.boundaries],
                             list(request.of(kind))])
    except TypeError:
        return None


def _spare_cpu(request: Request) -> bool:
    """Whether a child may take a second CPU (``--jobs``) to keep the outcome while the scan goes on."""
    return forked.effective_jobs(request.jobs) >= 2
