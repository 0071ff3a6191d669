"""The frontend contract (docs/architecture.md#adding-an-input-format): what an input format claims,
what it reads before it, and how it turns its files into fragments.

Each frontend package declares one ``Frontend`` in a small module of its own (``entry.py``) that
imports nothing heavy: discovery reads every frontend's claims on each scan, while a frontend's
parsers are imported only when it has files to read. ``linter.frontends`` lists the declarations;
discovery and the scan only see these types, never a frontend's name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from linter.config import Config
from linter.knowledge import Knowledge
from linter.model import Fragment


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    """Files one frontend reads, told by their name. Where claims overlap the most specific wins:
    an exact name, then the longest suffix; at equal length a claim with a ``sniff`` wins when its
    sniff says yes on the file's first bytes (a plan is a ``.json`` file like a manifest)."""

    kind: str  # what the frontend gets these files as (``terraform``, ``var-file``): unique in a scan
    names: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    sniff: Callable[[bytes], bool] | None = None
    # read only when named on the command line, and then alone (a ``.tfvars`` Terraform loads only when told)
    named_only: bool = False

    def specificity(self, name: str) -> int:
        """How closely the claim fits ``name``: 0 when it does not claim it."""
        if name in self.names:
            return len(name) + 1
        return max((len(s) for s in self.suffixes if name.endswith(s)), default=0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """What a frontend is given: its files, the scan's settings and what ran before it."""

    files: Mapping[str, tuple[str, ...]]  # claim kind -> display paths relative to ``cwd``, sorted
    knowledge: Knowledge
    config: Config
    cwd: Path  # the repository root: every path is relative to it
    boundaries: tuple[Path, ...]  # nothing outside them is read (docs/architecture.md#boundary)
    file_names: bool = False  # files were named (pre-commit), not folders walked
    stdin: bytes | None = None  # standard input (``-``), for the frontend that reads it
    var_files: tuple[str, ...] = ()  # ``--var-file``
    variables: Mapping[str, str] = field(default_factory=dict)  # ``--var``
    jobs: int = 1  # parsing processes
    parse_cache: bool = False
    earlier: tuple[Fragment, ...] = ()  # every fragment of the frontends that ran before, in order
    taken: frozenset[str] = frozenset()  # folders an earlier frontend evaluated whole
    skipped: frozenset[str] = frozenset()  # folders no walk enters: every frontend's ``skips``

    def of(self, kind: str) -> tuple[str, ...]:
        return tuple(self.files.get(kind, ()))


@dataclass(frozen=True, slots=True, kw_only=True)
class Loaded:
    """What a frontend gives back."""

    fragments: tuple[Fragment, ...] = ()
    # folders it evaluated whole (Terragrunt units and their local modules): later frontends leave them
    taken: frozenset[str] = frozenset()
    # the earlier fragments as this frontend revised them (it reads other frontends' nodes again, as
    # Kubernetes objects declared in Terraform are); None leaves them as they were
    revised: tuple[Fragment, ...] | None = None


# What ends a started frontend (``Frontend.start``), given the scan's own work for the time its
# other processes work (``meanwhile``): it calls that once they are busy with the last of their work,
# so that they never wait on the scan; once at most, and the scan calls it after if it did not.
Finish = Callable[[Callable[[], object]], Loaded]


@dataclass(frozen=True, slots=True, kw_only=True)
class Frontend:
    """One input format. It runs when it claimed files (or was given standard input); one that
    claims none runs when a frontend of ``runs_with`` ran."""

    name: str
    load: Callable[[Request], Loaded]
    claims: tuple[Claim, ...] = ()
    after: tuple[str, ...] = ()  # frontends whose fragments it reads: they run first
    runs_with: tuple[str, ...] = ()
    stdin: bool = False  # reads standard input (``-``)
    parse_cache: bool = False  # parses through the parse cache (its status is noted when unusable)
    # folders of its tools' own state that no walk enters (Terraform's ``.terraform``: fetched modules)
    skips: tuple[str, ...] = ()
    # checks its part of the config file on every scan, files or not (raises ConfigError)
    check_config: Callable[[Config, Path], None] | None = None
    # ``load`` in two halves, for work that runs in other processes: starts it and gives what ends
    # it (``Finish``); the scan runs the frontends that read no other one (no ``after``, no
    # ``runs_with``) in between. What it ends with may not revise earlier fragments.
    start: Callable[[Request], Finish] | None = None
