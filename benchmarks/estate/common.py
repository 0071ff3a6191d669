"""What every provider family shares: the root being written, names, classification tags, HCL text."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

MINISTRIES = ("sante", "justice", "interieur", "education", "culture", "travail", "agriculture", "armees",
              "ecologie", "finances", "solidarites", "transports", "outremer", "sports", "recherche")
APPS = ("dossiers", "titres", "archives", "paie", "aides", "portail", "casier", "notes", "permis",
        "allocations", "licences", "subventions", "agenda", "courrier", "referentiel", "signalements",
        "marches", "formulaires", "annuaire", "statistiques", "rdv", "visio", "ged", "identite")
ENVS = ("dev", "integration", "recette", "formation", "perf", "preprod", "prod", "secours")

# classification values as people write them (SPEC §5), weighted by repetition
PARTICULIERE = ("particuliere",) * 6 + ("particulière", "dsp", "PARTICULIERE", "Particulière")
STANDARD = ("standard",) * 5 + ("interne", "internal", "public", "none")
TYPOS = ("particuliare", "particulier", "standart", "sensible", "confidentiel")
SENSITIVITY_KEYS = ("data_sensitivity",) * 8 + ("sensibilite",) * 2 + ("data-classification",)
UNSET_VARIABLE = "classification_override"  # declared without default and given no value

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass
class Root:
    """What the files of one root module agree on: names, region, tag key, extra variables."""

    rng: random.Random
    team: str
    env: str
    family: str
    region: str
    variant: str  # e.g. "s3ns" or "public" for google, the region for outscale
    sens_key: str
    modules: set[str] = field(default_factory=set)  # local shared modules called
    uses_unset: bool = False
    aliases: set[str] = field(default_factory=set)  # provider aliases declared

    @property
    def path(self) -> str:
        return f"envs/{self.team}/{self.env}"

    @property
    def prefix(self) -> str:
        return f"{self.team}-{self.env}"

    @property
    def is_prod(self) -> bool:
        return self.env in ("prod", "secours")

    def pick(self, *values: str) -> str:
        return self.rng.choice(values)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


def key(name: str) -> str:
    """An HCL object key: bare when it is an identifier, quoted otherwise."""
    return name if _IDENT.match(name) and "-" not in name else f'"{name}"'


def sensitivity(root: Root) -> str | None:
    """The HCL expression classifying one data store, or None for a data store without a tag.

    About 20 % particularly sensitive, a few typos and a few unevaluable values, as in real estates.
    """
    r = root.rng.random()
    if r < 0.17:
        return f'"{root.pick(*PARTICULIERE)}"'
    if r < 0.22:
        return 'local.is_prod ? "particuliere" : "standard"'
    if r < 0.78:
        return f'"{root.pick(*STANDARD)}"'
    if r < 0.82:
        return "var.data_sensitivity"  # has a default, sometimes overridden in terraform.tfvars
    if r < 0.94:
        return None
    if r < 0.97:
        return f'"{root.pick(*TYPOS)}"'
    root.uses_unset = True
    return f"var.{UNSET_VARIABLE}"


def tag_map(root: Root, value: str | None, base: str = "local.common_tags", **extra: str) -> str:
    """``merge(base, {key = value, …})`` or just ``base`` when there is nothing to add."""
    pairs = dict(extra)
    if value is not None:
        pairs[root.sens_key] = value
    if not pairs:
        return base
    inner = ", ".join(f"{key(k)} = {v}" for k, v in pairs.items())
    return f"merge({base}, {{ {inner} }})"


def hcl_object(pairs: dict[str, str], indent: int) -> str:
    """A multi-line HCL object of raw expressions, keys aligned as ``terraform fmt`` would."""
    if not pairs:
        return "{}"
    pad = " " * (indent + 2)
    width = max(len(key(k)) for k in pairs)
    body = "\n".join(f"{pad}{key(k).ljust(width)} = {v}" for k, v in pairs.items())
    return "{\n" + body + "\n" + " " * indent + "}"


def block(header: str, attrs: dict[str, str], *, indent: int = 0, tail: str = "") -> str:
    """A block whose attributes are aligned; ``tail`` holds nested blocks, already indented."""
    pad = " " * (indent + 2)
    width = max((len(k) for k in attrs), default=0)
    lines = [f"{pad}{k.ljust(width)} = {v}" for k, v in attrs.items()]
    body = "\n".join(lines)
    if tail:
        body = f"{body}\n\n{tail}" if body else tail
    return f"{' ' * indent}{header} {{\n{body}\n{' ' * indent}}}\n"


def q(text: str) -> str:
    return f'"{text}"'
