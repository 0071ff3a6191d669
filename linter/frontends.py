"""The registered input formats (docs/architecture.md#adding-an-input-format), and running them.

Discovery asks ``claims()`` which files to read; ``run_frontends`` runs each frontend that has
something to read, in an order where every frontend comes after those it reads, and gathers their
fragments. Neither knows a frontend by name: a new input format is one more declaration here.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

from linter.frontend_contract import Claim, Finish, Frontend, Request
from linter.kubernetes.entry import KUBERNETES, TERRAFORM_OBJECTS
from linter.model import Fragment, Problem
from linter.terraform.modules.entry import TERRAFORM
from linter.terraform.plan.entry import PLAN
from linter.terragrunt.entry import TERRAGRUNT


def run_order(frontends: Sequence[Frontend]) -> tuple[Frontend, ...]:
    """The frontends as listed, each moved after those it names in ``after`` (a name no frontend
    has is ignored); a cycle is an error of the registry."""
    names = {f.name for f in frontends}
    placed: list[Frontend] = []
    waiting = list(frontends)
    while waiting:
        done = {f.name for f in placed}
        ready = next((f for f in waiting if all(a in done or a not in names for a in f.after)), None)
        if ready is None:
            raise ValueError(f"frontends read each other: {', '.join(f.name for f in waiting)}")
        placed.append(ready)
        waiting.remove(ready)
    return tuple(placed)


FRONTENDS: tuple[Frontend, ...] = run_order((TERRAGRUNT, TERRAFORM, KUBERNETES, TERRAFORM_OBJECTS, PLAN))


def claims(frontends: Sequence[Frontend] = FRONTENDS) -> tuple[Claim, ...]:
    return tuple(claim for frontend in frontends for claim in frontend.claims)


def skipped(frontends: Sequence[Frontend] = FRONTENDS) -> frozenset[str]:
    """The folders no walk enters: every frontend's tools' state."""
    return frozenset(name for frontend in frontends for name in frontend.skips)


def run_frontends(request: Request, problems: Sequence[Problem] = (), frontends: Sequence[Frontend] = FRONTENDS,
                  meanwhile: Callable[[], object] | None = None) -> list[Fragment]:
    """Every fragment of the scan, the discovery's ``problems`` first. Each frontend's part of the
    config is checked first, whether it has files or not. ``meanwhile``: work of the scan's own
    process for the time started frontends (``Frontend.start``) work in others (the later stages'
    imports), called once: given to the first of them to be ended, after the frontends that run
    while they work, which calls it once its other processes are busy with the last of their work
    (or after it ended, if it did not); not called when no frontend was started."""
    for frontend in frontends:
        if frontend.check_config is not None:
            frontend.check_config(request.config, request.cwd)
    fragments = [Fragment(problems=tuple(problems))]
    if request.parse_cache and any(f.parse_cache and _claimed(f, request) for f in frontends):
        from linter.loaders.cache import status

        off = status()  # the cache directory is not safe to use: parse without it, and say so
        if off:
            fragments.append(Fragment(notes=(off,)))
    ran: set[str] = set()
    taken: frozenset[str] = frozenset()
    # frontends started (``Frontend.start``) and not yet ended: their place among the fragments
    started: list[tuple[Frontend, int, Finish]] = []

    def end(frontend: Frontend, at: int, finish: Finish) -> None:
        nonlocal taken, meanwhile
        pending, meanwhile = meanwhile, None

        def hook() -> None:
            nonlocal pending
            if pending is not None:
                work, pending = pending, None
                work()

        loaded = finish(hook)
        hook()  # a frontend that had no use for it
        fragments[at:at] = loaded.fragments
        for index, (other, place, rest) in enumerate(started):
            if place >= at:
                started[index] = (other, place + len(loaded.fragments), rest)
        taken |= loaded.taken
        if loaded.fragments:
            ran.add(frontend.name)

    for frontend in frontends:
        if frontend.after or frontend.runs_with:  # it may read a started one: that one ends first
            while started:
                end(*started.pop(0))
        if not (_claimed(frontend, request) or (frontend.stdin and request.stdin is not None)
                or ran.intersection(frontend.runs_with)):
            continue
        own = {claim.kind: request.of(claim.kind) for claim in frontend.claims}
        given = replace(request, files=own, stdin=request.stdin if frontend.stdin else None,
                        earlier=tuple(fragments), taken=taken)
        if frontend.start is not None:
            started.append((frontend, len(fragments), frontend.start(given)))
            continue
        loaded = frontend.load(given)
        if loaded.revised is not None:
            fragments = list(loaded.revised)
        fragments.extend(loaded.fragments)
        taken |= loaded.taken
        if loaded.fragments or loaded.revised is not None:
            ran.add(frontend.name)
    while started:
        end(*started.pop(0))
    return fragments


def _claimed(frontend: Frontend, request: Request) -> bool:
    return any(request.of(claim.kind) for claim in frontend.claims)

