"""Regular expressions from policy packs, run by RE2: linear time in the text, whatever the pattern.

Packs are data a user adds (``--policies``, a repository's config), and Python's backtracking
engine takes exponential time on patterns such as ``^(a+)+$``. RE2 (``google-re2``) guarantees
time linear in the text and refuses the constructs that need backtracking (look-arounds,
back-references): a pack using one is refused when it is loaded, with the pattern's path.
Matching is case-insensitive, as the packs' documentation says.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator, Mapping

PATTERN_KEYS = ("pattern", "types")  # keys whose string value is a regular expression
PATTERN_LISTS = ("patterns", "cluster_scoped_groups")  # keys whose list items are


def _options() -> Any:
    import re2  # on use: most scans compile no pattern of a pack

    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # the error is reported as a policy problem instead
    return options


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> Any:
    """The RE2 program of a pack's pattern (``search``, ``fullmatch``, named ``group``s as ``re``)."""
    import re2

    return re2.compile(pattern, _options())


@lru_cache(maxsize=1024)
def compiled_path_pattern(pattern: str) -> Any:
    """A regular expression built from a path glob of a config (which a scanned repository may
    write): case-sensitive, ``.`` matching newlines too, run by RE2 (``**/**/**/…`` backtracks
    exponentially in Python's engine)."""
    import re2

    options = re2.Options()
    options.dot_nl = True
    options.log_errors = False
    return re2.compile(pattern, options)


def refused(pattern: str) -> str | None:
    """Why RE2 refuses ``pattern`` (a backtracking-only construct or a syntax error), else None."""
    import re2

    try:
        compiled(pattern)
    except re2.error as error:
        reason = error.args[0] if error.args else error
        text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        return f"not a regular expression RE2 runs in linear time ({text})"
    return None


def patterns_in(data: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every (path, pattern) of a pack's data, wherever a pattern key appears."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            path = f"{where}.{key}" if where else str(key)
            if key in PATTERN_KEYS and isinstance(value, str):
                yield path, value
            elif key in PATTERN_LISTS and isinstance(value, list):
                yield from ((f"{path}[{i}]", v) for i, v in enumerate(value) if isinstance(v, str))
            else:
                yield from patterns_in(value, path)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from patterns_in(item, f"{where}[{i}]")
