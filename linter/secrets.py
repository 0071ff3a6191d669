"""Values that look like secrets are never printed in full: a message shows the key and a shape.

Findings quote values (a tag value that is not a known level, a provider attribute that decided
the hosting), and those values come from files that also hold passwords and tokens: a tfvars
value meant for ``db_password`` can end up in a tag. A value is taken for a secret when a key
names one (password, secret, token, key…), when it has the shape of a known token (AWS, GitHub,
GitLab, Slack, Google, JWT, private keys, credentials in a URL), or when it is a long string of
high entropy. Reports are scrubbed as a whole before they are written (``scrub_finding``), and
the messages that quote a value on purpose describe it with ``shown``.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from typing import Collection

from linter.model import Finding

_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern)) for name, pattern in (
    ("an AWS access key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("a GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{30,255})\b"),
    ("a GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,255}"),
    ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,255}"),
    ("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}\b"),
    ("a JSON Web Token", r"\beyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{0,4096}"),
    ("a private key", r"-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----"),
))
_SECRET_KEY = re.compile(r"(?i)(?:passw(?:or)?d|secret|token|api_?key|private_?key|access_?key|credential|"
                         r"auth|pwd|\bkey\b|_key\b)")
# key = value, key: "value", key=value in running text (a tfvars line, an evidence detail); the
# key is any word, tested for a secret's name afterwards (a regex naming them all is 50 times slower)
_KEYED = re.compile(r"\b([\w.-]{1,128})(\s{0,4}=\s{0,4}|:\s{0,4}(?=['\"]))(['\"]?)([^\s'\",;)]{1,4096})")
_SECRET_WORDS = ("passw", "passwd", "secret", "token", "apikey", "api_key", "private_key", "privatekey",
                 "access_key", "accesskey", "credential", "pwd")
_URL_CREDENTIALS = re.compile(r"(://[^/\s:@]{1,256}:)([^/\s@]{1,256})(@)")
_WORD = re.compile(r"[A-Za-z0-9+/=_-]{20,4096}")
MIN_ENTROPY_LENGTH = 20
ENTROPY_BITS = 4.0  # per character: random base64 is ~5.5, identifiers and addresses stay under 4


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def token_kind(value: str) -> str | None:
    """What kind of secret ``value`` looks like, None when it does not."""
    for name, pattern in _TOKENS:
        if pattern.search(value):
            return name
    if _URL_CREDENTIALS.search(value):
        return "a URL with a password"
    for word in _WORD.findall(value):
        if _high_entropy(word):
            return "a random string (a key or a token?)"
    return None


def _high_entropy(word: str) -> bool:
    core = word.strip("=-_/")
    return (len(core) >= MIN_ENTROPY_LENGTH and any(c.isdigit() for c in core) and any(c.isupper() for c in core)
            and any(c.islower() for c in core) and entropy(core) >= ENTROPY_BITS)


def shape(value: str, why: str | None = None) -> str:
    """``<40 characters, letters and digits, looks like a GitHub token: not shown>``."""
    classes = [name for name, test in (("letters", str.isalpha), ("digits", str.isdigit)) if any(map(test, value))]
    if any(not c.isalnum() for c in value):
        classes.append("symbols")
    looks = f", looks like {why}" if why else ""
    return f"<{len(value)} characters, {' and '.join(classes) or 'empty'}{looks}: not shown>"


def shown(value: object, key: str | None = None) -> str:
    """``value`` as a message quotes it (``repr``), or its shape when it looks like a secret or
    ``key`` names one."""
    text = str(value)
    why = token_kind(text)
    if why is None and key is not None and _SECRET_KEY.search(key):
        why = f"the value of {key}"
    return shape(text, why) if why else repr(value)


def is_secret_name(name: str) -> bool:
    return _SECRET_KEY.search(name) is not None


def listing(paths: Collection[str]) -> str:
    """The scanned paths as one text, for ``scrub``: a file name such as
    ``repoA1/k8s/overlay/kustomization.yaml`` is listed by the repository itself, not a secret,
    and a report that hid it could not be acted on."""
    return "\n".join(paths)


def scrub(text: str, known: Collection[str] = (), paths: str = "") -> str:
    """``text`` with every secret-looking part, and every ``known`` secret, replaced by its shape;
    a random-looking word that is part of ``paths`` (from ``listing``) is shown as it is."""
    if not text:
        return text
    for secret in known:
        if secret in text:
            text = text.replace(secret, shape(secret, "the value of a secret variable"))
    lowered = text.lower()
    if any(word in lowered for word in _SECRET_WORDS):
        text = _KEYED.sub(_keyed, text)
    text = _URL_CREDENTIALS.sub(lambda m: m.group(1) + "<password: not shown>" + m.group(3), text)
    for name, pattern in _TOKENS:
        text = pattern.sub(lambda m, n=name: shape(m.group(), n), text)  # type: ignore[misc]
    return _WORD.sub(lambda m: shape(m.group(), "a random string (a key or a token?)")
                     if _high_entropy(m.group()) and "not shown" not in m.group() and m.group() not in paths
                     else m.group(), text)


def _keyed(match: re.Match[str]) -> str:
    key = match.group(1)
    if not any(word in key.lower() for word in _SECRET_WORDS):
        return match.group()
    return key + match.group(2) + match.group(3) + shape(match.group(4), f"the value of {key}")


def scrub_finding(finding: Finding, known: Collection[str] = (), paths: str = "") -> Finding:
    """A finding whose message and evidence show no secret (its fingerprint is unchanged)."""
    evidence = tuple(replace(e, detail=scrub(e.detail, known, paths)) for e in finding.evidence)
    return replace(finding, message=scrub(finding.message, known, paths), evidence=evidence)
