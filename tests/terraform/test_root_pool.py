"""Folders parsed and root modules evaluated by forked workers give exactly what doing it all in
this process gives, whatever happens to the workers."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Iterator, Sequence

import pytest

from linter.policy_files import load_knowledge
from linter.terraform.modules import root_pool
from linter.terraform.modules.frontend import load_terraform
from linter.terraform.modules.root_pool import Claims, Pool, shares

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forked workers are Linux-only")

ROOT = ('provider "aws" {{\n  region = "eu-west-3"\n}}\n\n'
        'module "db" {{\n  source = "./modules/db"\n  level  = "{level}"\n}}\n')
DB = ('variable "level" {}\n\nresource "aws_s3_bucket" "b" {\n  tags = { sensibilite = var.level }\n}\n')
ROOTS = 20


@pytest.fixture()
def estate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``ROOTS`` roots, each calling a module folder beside it; one root with a broken file."""
    files = []
    for n in range(ROOTS):
        folder = tmp_path / f"env{n:02}"
        (folder / "modules" / "db").mkdir(parents=True)
        (folder / "main.tf").write_text(ROOT.format(level="particuliere" if n % 2 else "standard"))
        (folder / "modules" / "db" / "main.tf").write_text(DB)
        files += [f"env{n:02}/main.tf", f"env{n:02}/modules/db/main.tf"]
    (tmp_path / "env00" / "broken.tf").write_text('resource "x" "y" {\n')
    files.append("env00/broken.tf")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SNCLINT_CACHE_DIR", str(tmp_path / ".cache"))
    return sorted(files)


def load(files: list[str], tmp_path: Path, **options: Any) -> Any:
    return load_terraform(files, knowledge=load_knowledge(), boundary=tmp_path, **options)


def expected_shape(fragment: Any) -> None:
    assert [n.address for n in fragment.nodes][:2] == ["module.db.aws_s3_bucket.b"] * 2
    assert [n.scope for n in fragment.nodes] == [f"env{n:02}" for n in range(ROOTS)]
    assert [(p.location.file, p.location.line) for p in fragment.problems] == [("env00/broken.tf", 1)]


def test_workers_and_in_process_agree(estate: list[str], tmp_path: Path) -> None:
    alone = load(estate, tmp_path, jobs=1)
    expected_shape(alone)
    assert load(estate, tmp_path, jobs=2) == alone
    assert load(estate, tmp_path, jobs=2, parse_cache=True, incremental="") == alone  # cold: workers keep roots
    assert load(estate, tmp_path, jobs=2, parse_cache=True, incremental="") == alone  # warm: all kept


def test_roots_of_a_worker_that_dies_are_evaluated_here(estate: list[str], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    alone = load(estate, tmp_path, jobs=1)
    parent = os.getpid()
    real = root_pool._serve

    def dying(connection: Any, serve: Any, *rest: Any) -> None:
        def serve_then_die(phase: str, items: Sequence[Any]) -> Iterator[tuple[str, Any]]:
            for n, item in enumerate(serve(phase, items)):
                if phase == "roots" and n == 1 and os.getpid() != parent:
                    os._exit(137)  # as the kernel's OOM killer would end it
                yield item
        real(connection, serve_then_die, *rest)

    monkeypatch.setattr(root_pool, "_serve", dying)
    assert load(estate, tmp_path, jobs=2) == alone


def test_folders_of_a_worker_that_dies_are_read_here(estate: list[str], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    alone = load(estate, tmp_path, jobs=1)
    monkeypatch.setattr(root_pool, "_serve", lambda *args: os._exit(137))
    assert load(estate, tmp_path, jobs=2) == alone


def test_without_fork_everything_is_done_here(estate: list[str], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    alone = load(estate, tmp_path, jobs=1)
    import multiprocessing

    def no_fork(method: str | None = None) -> Any:
        raise ValueError(f"cannot find context for {method!r}")

    monkeypatch.setattr(multiprocessing, "get_context", no_fork)
    assert load(estate, tmp_path, jobs=2) == alone


def test_without_shared_memory_everything_is_done_here(estate: list[str], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers' claims live in a memory file: a sandbox refusing one starts no worker."""
    alone = load(estate, tmp_path, jobs=1)

    def refused(name: str, flags: int = 0) -> int:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "memfd_create", refused)
    assert Pool.start(2, lambda phase, items: iter(())) is None
    assert load(estate, tmp_path, jobs=2) == alone


def test_a_result_that_cannot_come_back_is_computed_here() -> None:
    """A worker's result is pickled; one that cannot be (here a function) is left to the caller,
    and the worker goes on with the next item."""
    marker = lambda: None  # noqa: E731 - a lambda is what pickle refuses

    def serve(phase: str, items: Sequence[Any]) -> Iterator[tuple[str, Any]]:
        for item in items:
            yield item, (marker if item == "r1" else f"{phase}:{item}")

    pool = Pool.start(2, serve)
    assert pool is not None
    try:
        got = {name: result for _, name, result in pool.run("p", [["r0", "r1", "r2"], ["r3"]], chunk=1)}
    finally:
        pool.close()
    assert got == {"r0": "p:r0", "r2": "p:r2", "r3": "p:r3"}


def test_a_worker_done_with_its_share_takes_from_another() -> None:
    import time

    def serve(phase: str, items: Sequence[Any]) -> Iterator[tuple[str, Any]]:
        for item in items:
            time.sleep(0.02)  # long enough for the other worker to start on them
            yield item, os.getpid()

    pool = Pool.start(2, serve)
    assert pool is not None
    try:
        got = list(pool.run("p", [[f"a{n}" for n in range(40)], []], chunk=2))
    finally:
        pool.close()
    assert sorted(name for _, name, _ in got) == sorted(f"a{n}" for n in range(40))
    assert {worker for worker, _, _ in got} == {0, 1}


def test_the_share_of_a_worker_that_dies_is_taken_by_another(monkeypatch: pytest.MonkeyPatch) -> None:
    real = root_pool._serve

    def first_dies(connection: Any, serve: Any, claims: Claims, worker: int) -> None:
        if worker == 0:
            os._exit(137)
        real(connection, serve, claims, worker)

    def serve(phase: str, items: Sequence[Any]) -> Iterator[tuple[str, Any]]:
        for item in items:
            yield item, phase

    monkeypatch.setattr(root_pool, "_serve", first_dies)
    pool = Pool.start(2, serve)
    assert pool is not None
    try:
        got = list(pool.run("p", [[f"a{n}" for n in range(10)], ["b0", "b1"]], chunk=3, hold=True))
    finally:
        pool.close()
    assert sorted(name for _, name, _ in got) == sorted([f"a{n}" for n in range(10)] + ["b0", "b1"])
    assert {worker for worker, _, _ in got} == {1}


def test_chunks_are_taken_from_the_front_of_ones_share_then_from_the_end_of_anothers() -> None:
    claims = Claims(2)
    try:
        claims.set([len(root_pool._chunks(range(10), None)), 1])  # halves: 5, 2, 1, 1, 1 items
        assert root_pool._chunks(range(10), None) == [[0, 1, 2, 3, 4], [5, 6], [7], [8], [9]]
        assert [claims.take(1), claims.take(1), claims.take(0), claims.take(1), claims.take(0)] == [
            (1, 0), (0, 4), (0, 0), (0, 3), (0, 1)]
        assert claims.take(0) == (0, 2)
        assert claims.take(0) is None and claims.take(1) is None
    finally:
        claims.close()


def test_a_worker_that_dies_holding_the_claims_lock_does_not_stop_the_others() -> None:
    """A worker killed while it takes a chunk (the kernel's OOM killer) releases the lock."""
    import multiprocessing

    claims = Claims(1)
    try:
        claims.set([2])

        def take_and_die() -> None:
            with claims._locked():
                os._exit(137)

        process = multiprocessing.get_context("fork").Process(target=take_and_die)
        process.start()
        process.join(timeout=10)
        assert process.exitcode == 137
        assert claims.take(0) == (0, 0)
    finally:
        claims.close()


def test_shares_are_contiguous_and_balanced() -> None:
    items = [f"f{n:02}" for n in range(10)]
    weights = {item: 9 if item == "f00" else 1 for item in items}
    assert shares(items, weights.__getitem__, 2) == [["f00"], items[1:]]
    assert shares(items, lambda _: 1, 3) == [items[:4], items[4:7], items[7:]]
    assert shares([], lambda _: 1, 2) == [[], []]


def test_small_scans_start_no_worker() -> None:
    """The pre-commit case: no process is forked, ``multiprocessing`` is not imported."""
    import subprocess

    code = ("import sys, pathlib\n"
            "from linter.policy_files import load_knowledge\n"
            "from linter.terraform.modules.frontend import load_terraform\n"
            "root = pathlib.Path('fixtures/terraform/aws-paris')\n"
            "files = sorted(str(p) for p in root.glob('*.tf'))\n"
            "load_terraform(files, knowledge=load_knowledge(), boundary=pathlib.Path('.'), jobs=0)\n"
            "print('multiprocessing' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_cold_scan_keeping_roots_writes_no_parse_cache_entry(estate: list[str], tmp_path: Path) -> None:
    """With kept roots, the files of folders no scan kept are parsed without the parse cache
    (docs/architecture.md#parallel-work); the files an edit makes read again go through it."""
    entries = tmp_path / ".cache" / "ir"
    cold = load(estate, tmp_path, jobs=2, parse_cache=True, incremental="")
    assert sorted(entries.glob("*/*/*.json")) == []
    (tmp_path / "env03" / "main.tf").write_text(ROOT.format(level="particuliere") + "\n")
    assert load(estate, tmp_path, jobs=2, parse_cache=True, incremental="") == cold
    assert len(sorted(entries.glob("*/*/*.json"))) == 2  # the edited file, and the module it calls
    load(estate, tmp_path, jobs=1, parse_cache=True)  # no kept roots: every distinct file is kept
    assert len(sorted(entries.glob("*/*/*.json"))) == 5


def test_model_values_come_back_equal_through_the_pipe(estate: list[str], tmp_path: Path) -> None:
    import pickle

    fragment = load(estate, tmp_path, jobs=1)
    value = (fragment.nodes, fragment.problems, fragment)
    again = pickle.loads(root_pool.dumps(value))
    assert again == value
    assert len(root_pool.dumps(value)) < len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) * 1.1


def test_a_pool_closed_before_its_results_are_read_ends_quietly(capfd: pytest.CaptureFixture[str]) -> None:
    """The scan stopped by an error of its own closes the pool unread: its workers end, no traceback."""
    def serve(phase: str, items: Sequence[Any]) -> Iterator[tuple[str, Any]]:
        for item in items:
            yield item, "x" * 100_000  # more than a pipe holds: the worker waits on it

    pool = Pool.start(2, serve)
    assert pool is not None
    pool.run("p", [["a0", "a1"], ["b0", "b1"]], hold=True)
    processes = list(pool.processes)
    pool.close()
    assert [p.exitcode for p in processes] == [0, 0]
    assert "Traceback" not in capfd.readouterr().err


def test_a_worker_does_not_wait_for_the_scan_to_read(tmp_path: Path) -> None:
    """Results of a root's size (20 KB), far more of them than a connection holds: the worker does
    all its work while the scan is busy elsewhere (it keeps what does not fit), and every result
    still comes."""
    import time

    done = tmp_path / "done"
    items = [f"r{n}" for n in range(200)]

    def serve(phase: str, chunk: Sequence[Any]) -> Iterator[tuple[str, Any]]:
        for item in chunk:
            yield item, item * 5_000
        done.write_text("all")

    pool = Pool.start(2, serve)
    assert pool is not None
    try:
        results = pool.run("p", [items, []], chunk=len(items))
        deadline = time.monotonic() + 20
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.01)  # the scan busy elsewhere: nothing read yet
        assert done.exists()
        got = {name: result for _, name, result in results}
    finally:
        pool.close()
    assert got == {item: item * 5_000 for item in items}


def test_every_model_class_comes_back_from_its_slots() -> None:
    """``dumps``' instances are rebuilt by setting each field's slot (``root_pool._builder``): every
    model dataclass has one per field; values that are not one per field are refused."""
    from dataclasses import FrozenInstanceError

    from linter.loaders.model_json import FIELDS
    from linter.model import Location

    assert all(hasattr(vars(cls).get(name), "__set__") for cls, names in FIELDS.items() for name in names)
    built = root_pool._rebuilt(Location, ("main.tf", 3))
    assert built == Location("main.tf", 3) and hash(built) == hash(Location("main.tf", 3))
    with pytest.raises(FrozenInstanceError):
        built.line = 4  # type: ignore[misc]
    with pytest.raises(ValueError):
        root_pool._rebuilt(Location, ("main.tf",))
