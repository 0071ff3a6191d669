"""Terraform resource addresses as a plan writes them: ``module.db[0].aws_db_instance.main["eu"]``.

A plan's addresses are expanded (every ``count``/``for_each`` instance has its key), while the
configuration part of a plan, and the HCL frontend, use unexpanded ones. Instance keys may be
strings holding dots, brackets and escaped quotes, so an address is split by a small scanner,
never with ``str.split``.
"""
from __future__ import annotations

from dataclasses import dataclass

from linter import limits

Step = tuple[str, str | None]  # (name, instance key as written, e.g. '0' or '"eu"'; None: no key)
MAX_ADDRESS = limits.ADDRESS_CHARS


@dataclass(frozen=True, slots=True)
class Address:
    """One resource instance: the module instance it lives in and its module-relative part."""

    module: tuple[Step, ...]  # (("db", "0"),) for module.db[0]
    relative: str  # 'aws_db_instance.main["eu"]' or 'data.aws_region.this'
    base: str  # the relative part without its key: 'aws_db_instance.main'
    key: str | None  # '"eu"', '0' or None

    @property
    def module_path(self) -> tuple[str, ...]:
        """The module's configuration path: call names without keys."""
        return tuple(name for name, _ in self.module)

    @property
    def unexpanded(self) -> str:
        """The address as the configuration (and the HCL frontend) names it."""
        return join_module(tuple((name, None) for name, _ in self.module), self.base)


def segments(text: str) -> list[Step] | None:
    """``a.b["x.y"].c[0]`` → ``[("a", None), ("b", '"x.y"'), ("c", "0")]``; None when malformed."""
    if not text or len(text) > MAX_ADDRESS:
        return None
    out: list[Step] = []
    i, n = 0, len(text)
    while i < n:
        start = i
        while i < n and text[i] not in ".[":
            i += 1
        name = text[start:i]
        if not name:
            return None
        key: str | None = None
        if i < n and text[i] == "[":
            end = _key_end(text, i + 1)
            if end is None:
                return None
            key, i = text[i + 1:end], end + 1
        out.append((name, key))
        if i < n:
            if text[i] != ".":
                return None
            i += 1
            if i == n:
                return None
    return out


def _key_end(text: str, i: int) -> int | None:
    """Index of the ``]`` closing a key that starts at ``i`` (a number or a quoted string)."""
    n, start = len(text), i
    if i < n and text[i] == '"':
        i += 1
        while i < n and text[i] != '"':
            i += 2 if text[i] == "\\" else 1
        i += 1
    else:
        while i < n and text[i] != "]":
            i += 1
    return i if i < n and text[i] == "]" and i > start else None


def parse(address: str) -> Address | None:
    """A resource instance address, or None when it is not one."""
    parts = segments(address)
    if parts is None:
        return None
    module: list[Step] = []
    while len(parts) > 2 and parts[0] == ("module", None):
        module.append(parts[1])
        parts = parts[2:]
    mode = ""
    if parts and parts[0] == ("data", None):
        mode, parts = "data.", parts[1:]
    if len(parts) != 2 or parts[0][1] is not None or parts[0][0] == "module":
        return None
    (type_, _), (name, key) = parts
    base = f"{mode}{type_}.{name}"
    relative = base if key is None else f"{base}[{key}]"
    return Address(module=tuple(module), relative=relative, base=base, key=key)


def parse_module(address: str) -> tuple[Step, ...] | None:
    """``module.a[0].module.b`` → ``(("a", "0"), ("b", None))``; ``""`` → ``()``."""
    if not address:
        return ()
    parts = segments(address)
    if parts is None or len(parts) % 2:
        return None
    steps = []
    for i in range(0, len(parts), 2):
        if parts[i] != ("module", None):
            return None
        steps.append(parts[i + 1])
    return tuple(steps)


def join_module(module: tuple[Step, ...], relative: str = "") -> str:
    """The inverse of ``parse_module``, with an optional module-relative address appended."""
    words = [f"module.{name}" if key is None else f"module.{name}[{key}]" for name, key in module]
    if relative:
        words.append(relative)
    return ".".join(words)


def strip_keys(address: str) -> str:
    """``module.a[0].x.y["k"]`` → ``module.a.x.y`` (the address unchanged when malformed)."""
    parts = segments(address)
    return ".".join(name for name, _ in parts) if parts else address
