"""Root modules evaluated in forked worker processes (``--jobs``), for large estates.

Evaluation, not parsing, is most of a large scan, and root modules are independent: each worker
evaluates a share of them with everything already parsed inherited through ``fork``, and returns
plain nodes, problems and file names. Whatever goes wrong with the pool (no ``fork`` on this
platform, a worker that dies, a result that cannot be sent back) falls back to evaluating those
roots here, so the outcome never depends on the pool.
"""
from __future__ import annotations

import sys
from typing import Any, Callable, Sequence, TypeVar

MIN_ROOTS = 8  # below this the pool costs more than it saves
Result = TypeVar("Result")  # what one root module gives (``root_cache.Outcome``)
_EVALUATE: list[Callable[[str], Any]] = []  # set just before forking; read by the workers


def evaluate_roots(roots: Sequence[str], evaluate: Callable[[str], Result], workers: int,
                   forked: Callable[[], None] | None = None) -> dict[str, Result]:
    """``evaluate(root)`` for each root, by root. ``forked()`` is called once the workers hold their
    copy of this process: what only they need (the parsed files) can be let go here, while their
    results come in (a root evaluated here after all reads its files again)."""
    if workers < 2 or len(roots) < MIN_ROOTS or sys.platform != "linux":
        return {root: evaluate(root) for root in roots}
    chunks = [list(roots[i::workers * 4]) for i in range(workers * 4)]
    results: dict[str, Result] = {}
    _EVALUATE[:] = [evaluate]
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_evaluate_chunk, chunk) for chunk in chunks if chunk]
            if forked is not None:  # a fork pool starts all its workers at the first submit
                forked()
            for future in futures:
                try:
                    results.update(future.result())
                except Exception:  # noqa: BLE001 - those roots are evaluated below
                    continue
    except (OSError, RuntimeError, ValueError):  # no processes in this sandbox
        pass
    finally:
        _EVALUATE.clear()
    for root in roots:  # evaluate() turns any error, MemoryError included, into a problem
        if root not in results:
            results[root] = evaluate(root)
    return results


def _evaluate_chunk(roots: list[str]) -> dict[str, Any]:
    evaluate = _EVALUATE[0]
    return {root: evaluate(root) for root in roots}
