"""The frontend contract (docs/architecture.md#adding-an-input-format): discovery takes the files the
registered frontends claim and the scan runs them, neither knowing a frontend by name; every
frontend is exercised by a fixture; a scan imports only the frontends it has files for."""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from helpers import knowledge

from linter.config import Config
from linter.discovery import discover
from linter.frontend_contract import Claim, Frontend, Loaded, Request
from linter.frontends import FRONTENDS, claims, run_frontends, run_order, skipped
from linter.model import Fragment, Location, Node, NodeKind

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
DOC = REPO / "docs" / "architecture.md"


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_claims_are_unambiguous_and_the_order_keeps_every_dependency() -> None:
    every = claims()
    assert len({c.kind for c in every}) == len(every), "a claim kind names one set of files"
    plain = [c for c in every if c.sniff is None]
    names = [n for c in plain for n in c.names]
    suffixes = [s for c in plain for s in c.suffixes]
    assert len(set(names)) == len(names) and len(set(suffixes)) == len(suffixes), (
        "two frontends claim one name pattern without a sniff to tell their files apart")
    known = {f.name for f in FRONTENDS}
    assert len(known) == len(FRONTENDS)
    for index, frontend in enumerate(FRONTENDS):
        assert set(frontend.after) | set(frontend.runs_with) <= known, frontend.name
        assert set(frontend.after) <= {f.name for f in FRONTENDS[:index]}, frontend.name
        assert frontend.claims or frontend.runs_with, f"{frontend.name} would never run"


def test_the_run_order_follows_after_and_refuses_a_cycle() -> None:
    def made(name: str, *after: str) -> Frontend:
        return Frontend(name=name, after=after, load=lambda request: Loaded())

    assert [f.name for f in run_order((made("b", "a"), made("c"), made("a")))] == ["c", "a", "b"]
    with pytest.raises(ValueError, match="read each other"):
        run_order((made("a", "b"), made("b", "a")))


def test_discovery_takes_the_files_the_claims_give(tmp_path: Path) -> None:
    """Discovery knows no file name: a new claim takes its files, the most specific claim wins,
    and a sniffing claim takes a file only when its sniff says so."""
    _tree(tmp_path, {"compose.yaml": "services: {}\n", "k8s/app.yaml": "kind: Pod\n", "main.tf": "",
                     "stack.json": '{"AWSTemplateFormatVersion": "2010-09-09"}', "list.json": "{}"})
    compose = Claim(kind="compose", names=("compose.yaml",))
    stack = Claim(kind="stack", suffixes=(".json",), sniff=lambda head: b"AWSTemplateFormatVersion" in head)
    inputs = discover(["."], tmp_path, (*claims(), compose, stack))
    assert inputs.files == {"compose": ("compose.yaml",), "manifest": ("k8s/app.yaml", "list.json"),
                            "stack": ("stack.json",), "terraform": ("main.tf",)}
    assert discover(["."], tmp_path, ()).files == {}


def test_the_folders_of_the_tools_state_are_skipped_as_the_frontends_say(tmp_path: Path) -> None:
    _tree(tmp_path, {"main.tf": "", ".terraform/modules/m/main.tf": "", ".terragrunt-cache/x/main.tf": ""})
    assert {".terraform", ".terragrunt-cache"} <= skipped()
    assert discover(["."], tmp_path, claims(), skipped()).of("terraform") == ("main.tf",)
    assert len(discover(["."], tmp_path, claims()).of("terraform")) == 3


def test_the_scan_runs_a_registered_frontend_it_does_not_know(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.ini": "", "b.ini": ""})
    seen: list[Request] = []

    def load(request: Request) -> Loaded:
        seen.append(request)
        nodes = tuple(Node(key=f"{p}::x", address="x", type="ini_file", kind=NodeKind.OTHER, origin="ini",
                           location=Location(p, 1), scope=p) for p in request.of("ini"))
        return Loaded(fragments=(Fragment(nodes=nodes, files=request.of("ini")),))

    ini = Frontend(name="ini", claims=(Claim(kind="ini", suffixes=(".ini",)),), load=load)
    after = Frontend(name="count", runs_with=("ini",), after=("ini",),
                     load=lambda request: Loaded(fragments=(Fragment(notes=(f"{len(request.earlier)} before",)),)))
    idle = Frontend(name="idle", claims=(Claim(kind="none", suffixes=(".none",)),),
                    load=lambda request: pytest.fail("a frontend without files is not run"))
    frontends = run_order((after, idle, ini))
    inputs = discover(["."], tmp_path, claims(frontends))
    request = Request(files=inputs.files, knowledge=knowledge(), config=Config(), cwd=tmp_path,
                      boundaries=inputs.boundaries)
    fragments = run_frontends(request, inputs.problems, frontends)
    assert [n.key for f in fragments for n in f.nodes] == ["a.ini::x", "b.ini::x"]
    assert [n for f in fragments for n in f.notes] == ["2 before"]
    assert seen[0].files == {"ini": ("a.ini", "b.ini")}


def test_a_started_frontend_ends_before_those_that_read_it_and_keeps_its_place(tmp_path: Path) -> None:
    """``Frontend.start``: the frontends that read no other one run while it works, then it ends,
    given the scan's own work (``meanwhile``) to run once its other processes are busy again, run
    after it ended if it did not; one that reads it (``after``) runs once it has ended; the
    fragments are in the order of a run one by one."""
    _tree(tmp_path, {"a.one": "", "b.two": "", "c.three": ""})
    events: list[str] = []

    def fragment(note: str) -> Loaded:
        return Loaded(fragments=(Fragment(notes=(note,)),))

    def start(request: Request) -> Any:
        events.append("one started")

        def finish(meanwhile: Callable[[], object]) -> Loaded:
            events.append("one ending")
            meanwhile()
            meanwhile()  # once only
            events.append("one ended")
            return fragment("one")
        return finish

    def idle(request: Request) -> Any:
        events.append("idle started")
        return lambda meanwhile: (events.append("idle ended"), fragment("idle"))[1]

    def loaded(name: str) -> Any:
        return lambda request: (events.append(f"{name} ran, {len(request.earlier)} before"), fragment(name))[1]

    one = Frontend(name="one", claims=(Claim(kind="one", suffixes=(".one",)),), load=loaded("never"), start=start)
    two = Frontend(name="two", claims=(Claim(kind="two", suffixes=(".two",)),), load=loaded("two"))
    three = Frontend(name="three", claims=(Claim(kind="three", suffixes=(".three",)),), after=("one",),
                     load=loaded("three"))
    frontends = (one, two, three)
    inputs = discover(["."], tmp_path, claims(frontends))
    request = Request(files=inputs.files, knowledge=knowledge(), config=Config(), cwd=tmp_path,
                      boundaries=inputs.boundaries)
    fragments = run_frontends(request, inputs.problems, frontends, meanwhile=lambda: events.append("meanwhile"))
    assert [n for f in fragments for n in f.notes] == ["one", "two", "three"]
    assert events == ["one started", "two ran, 1 before", "one ending", "meanwhile", "one ended", "three ran, 3 before"]
    assert [n for f in run_frontends(request, inputs.problems, (one, two)) for n in f.notes] == ["one", "two"]
    events.clear()
    run_frontends(request, inputs.problems, (replace(one, start=idle), two),
                  meanwhile=lambda: events.append("meanwhile"))
    assert events == ["idle started", "two ran, 1 before", "idle ended", "meanwhile"]
    events.clear()
    run_frontends(request, inputs.problems, (two, three), meanwhile=lambda: events.append("meanwhile"))
    assert events == ["two ran, 1 before", "three ran, 2 before"]  # nothing started: nothing to do meanwhile


def _worked_example() -> Frontend:
    """The ``entry.py`` of docs/architecture.md#adding-an-input-format, run as written."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("### Adding an input format"):]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found is not None
    namespace: dict[str, Any] = {"__name__": "worked_example"}
    exec(compile(found.group(1), str(DOC), "exec"), namespace)  # the project's own doc, not a scanned file
    frontend = namespace["CLOUDFORMATION"]
    assert isinstance(frontend, Frontend)
    return frontend


def test_the_worked_example_takes_its_templates_and_leaves_the_manifests(tmp_path: Path) -> None:
    _tree(tmp_path, {"stack.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
                     "k8s/app.yaml": "kind: Pod\n",
                     "plan.json": '{"format_version": "1.2", "terraform_version": "1.9"}'})
    example = _worked_example()
    frontends = run_order((*FRONTENDS, example))
    assert frontends[-1] is example
    inputs = discover(["."], tmp_path, claims(frontends))
    assert inputs.files == {"cloudformation": ("stack.yaml",), "manifest": ("k8s/app.yaml",), "plan": ("plan.json",)}


def _fixture_kinds(folder: Path, expected: dict[str, Any]) -> set[str]:
    """The claim kinds a fixture's scan reads (its paths as its ``args`` give them), ``-`` for
    standard input."""
    args = expected.get("args", ["scan", "."])[1:]
    paths = []
    for arg in args:
        if arg.startswith("--"):
            break
        paths.append(arg)
    kinds = {"-"} if "-" in paths else set()
    return kinds | set(discover([p for p in paths if p != "-"] or ["."], folder, claims(), skipped()).files)


def test_every_frontend_is_exercised_by_a_fixture() -> None:
    """Each claim of each registered frontend gives files in a fixture with its expected findings,
    a frontend that reads standard input is fed it in one, and one that claims no files runs in a
    fixture where a frontend it runs with has files."""
    fixtures = {p.parent: _fixture_kinds(p.parent, yaml.safe_load(p.read_text(encoding="utf-8")))
                for p in sorted(FIXTURES.glob("*/*/expected.yaml"))}
    owner = {c.kind: f.name for f in FRONTENDS for c in f.claims}
    ran = [{owner[k] for k in kinds if k in owner} for kinds in fixtures.values()]
    for frontend in FRONTENDS:
        for claim in frontend.claims:
            assert any(claim.kind in kinds for kinds in fixtures.values()), f"no fixture has {claim.kind} files"
        if frontend.stdin:
            assert any("-" in kinds for kinds in fixtures.values()), f"no fixture feeds {frontend.name} stdin"
        if not frontend.claims:
            assert any(names & set(frontend.runs_with) for names in ran), f"no fixture runs {frontend.name}"


PROBE = """
import json, sys
import linter.scan
print(json.dumps(sorted(m for m in sys.modules if m.startswith("linter."))))
"""


def test_the_registry_imports_no_frontend_it_does_not_run() -> None:
    """Claims are declared apart from the parsers: the scan imports a frontend's modules only when
    the frontend has something to read."""
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60)
    modules = set(yaml.safe_load(run.stdout.splitlines()[-1]))
    packages = ("terraform.modules", "terraform.plan", "terragrunt", "kubernetes")
    loaders = {f"linter.{package}.frontend" for package in packages}
    assert modules & loaders == set()
