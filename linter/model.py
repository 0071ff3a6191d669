"""The plain values passed from one stage to the next (loaders → frontends → graph → rules → reporters).

Every stage takes and returns these frozen dataclasses; nothing downstream reaches back into a parser
or a library object. Addresses follow docs/architecture.md#addresses; node keys add the scope (root
module or cluster) so that two root modules defining the same address stay two nodes.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping


class Severity(enum.IntEnum):
    """Comparable, so that ``--fail-on`` is a plain ``>=``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.upper()]


class NodeKind(str, enum.Enum):
    DATASTORE = "datastore"
    COMPUTE = "compute"
    CLUSTER = "cluster"
    HOSTING = "hosting"
    OTHER = "other"


# what holds or processes data: the kinds an inherited classification (provider default tags,
# a Namespace's labels) applies to (SPEC §4)
HOLDS_DATA = frozenset({NodeKind.DATASTORE, NodeKind.COMPUTE, NodeKind.CLUSTER})


class Relation(str, enum.Enum):
    """Edge relations of the graph. The data-flow ones carry sensitivity from source to target."""

    HOSTED_ON = "hosted_on"
    MOUNTS = "mounts"
    USES = "uses"
    REPLICATES_TO = "replicates_to"
    BACKS_UP_TO = "backs_up_to"
    EXPORTS_TO = "exports_to"
    COPIES_TO = "copies_to"
    CONTAINS = "contains"
    REFERENCES = "references"


DATA_FLOWS = frozenset(
    {Relation.REPLICATES_TO, Relation.BACKS_UP_TO, Relation.EXPORTS_TO, Relation.COPIES_TO}
)

# Node.type of a module call whose source was not read: the node stands for everything the module
# creates, and resource-types.yaml knows it by its source address
OPAQUE_MODULE = "module"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a scanned file: posix path relative to the repository root, 1-based line."""

    file: str
    line: int = 1


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that could not be evaluated. It is never empty, never false: it says why."""

    reason: str = "not known"

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


class ProblemKind(str, enum.Enum):
    """What a frontend or the graph could not do. Which rule reports each kind is the checks'
    business (``linter/rules/checks``): no stage below the rules names a rule."""

    UNREADABLE = "unreadable"  # a file that could not be read or understood
    UNEVALUATED = "unevaluated"  # an input refused or not evaluated (a kustomization's remote base)
    HOSTING_UNDETERMINED = "hosting-undetermined"  # a sensitive object whose hosting cannot be told
    NOTE = "note"  # a notice for the report, not a finding


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """A file that could not be read or understood, or another gap a rule reports (``kind``)."""

    location: Location
    message: str
    kind: ProblemKind = ProblemKind.UNREADABLE
    address: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Suppression:
    """``# snclint:ignore RULES reason="…" until=YYYY-MM-DD``, a ``snclint.io/ignore`` annotation,
    or a config exception."""

    rules: tuple[str, ...]
    reason: str | None
    until: date | None
    location: Location
    origin: str = "inline"  # inline | annotation | config
    unreadable_date: str | None = None  # ``until=2027-13-45``: a usage error, never "no end date"

    def covers(self, rule_id: str) -> bool:
        return not self.rules or rule_id in self.rules or "all" in self.rules


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    """A label, tag or annotation that may carry a classification, with where it came from."""

    key: str
    value: Any  # str, or Unknown when the expression could not be evaluated
    location: Location
    source: str = "tags"  # tags | default_tags | labels | annotations | namespace …


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderConfig:
    """A Terraform provider configuration, evaluated: what hosting recognition reads."""

    name: str  # local name: "aws", "google", "outscale"
    source: str | None  # "hashicorp/aws" … from required_providers, None when not declared
    alias: str | None
    attributes: Mapping[str, Any]  # evaluated; nested blocks always as a list of dicts
    address: str  # "provider.aws", "provider.google.trusted", "module.db.provider.aws"
    location: Location | None  # None for an implicit (empty) default configuration


@dataclass(frozen=True, slots=True, kw_only=True)
class Destination:
    """Storage that an object names by address rather than by reference: a back-up bucket's
    endpoint and URL, a Velero storage provider, or the cloud API group of a resource declared
    as a Kubernetes object. ``graph.hosting`` recognises it from ``recognition.yaml``."""

    endpoint: str | None = None  # an endpoint URL or host
    endpoints: str = "s3"  # the recognition list that reads ``endpoint``
    url: str | None = None  # an object URL: s3://bucket/path, gs://…, https://…
    bucket: str | None = None  # a bucket's name, when it is given apart from the URL
    provider: str | None = None  # a storage provider's name: velero.io/aws, gcs
    api_group: str | None = None  # s3.aws.upbound.io
    region: str | None = None
    what: str = ""  # where it is written, for a person: "spec.backup.barmanObjectStore"

    def words(self) -> str:
        """The destination as written: its URL, else its bucket, endpoint, provider."""
        if self.url:
            return self.url
        bucket = f"bucket {self.bucket}" if self.bucket else ""
        where = self.endpoint or self.provider or self.api_group or ""
        return f"{bucket} at {where}" if bucket and where else bucket or where or self.what


@dataclass(frozen=True, slots=True, kw_only=True)
class Egress:
    """Data an object sends out of the scan's objects (a database's WAL archive to a bucket)."""

    relation: Relation
    attribute: str  # dotted path of the destination in the object
    location: Location
    destination: Destination


@dataclass(frozen=True, slots=True, kw_only=True)
class HostAddress:
    """The object a node runs on, named by its address in a root module (the config names the
    Terraform resource that creates a cluster): the graph finds it among the nodes of root modules,
    whichever frontend read them (HCL, a plan, a Terragrunt unit)."""

    address: str
    root: str | None = None  # the root module, when the address is in several


@dataclass(frozen=True, slots=True, kw_only=True)
class HostingClue:
    """What a frontend knows about where a node runs; ``graph.hosting`` resolves it.

    Exactly one way is used: a Terraform provider configuration (with the resource's own
    attributes, which may carry ``region``/``location``), a hosting declared in the config file,
    or the cluster a Kubernetes object runs on (a node key). ``alternatives`` are the other
    configurations the node may use (a module whose provider type is not known inherits every
    default configuration of its caller): the hosting is known only when they all resolve alike.
    """

    provider: ProviderConfig | None = None
    alternatives: tuple[ProviderConfig, ...] = ()
    declared: Mapping[str, str] | None = None  # {"provider": …, "offer": …, "region": …}
    cluster: str | None = None
    signals: Mapping[str, str] = field(default_factory=dict)  # e.g. {"csi_driver": "ebs.csi.aws.com"}
    host_address: HostAddress | None = None
    # the object stands for storage elsewhere (a Velero BackupStorageLocation, a Crossplane
    # bucket): hosted where that is, the cluster only when it is in the cluster
    destination: Destination | None = None
    why: str = ""
    declaration: "Declaration | None" = None  # the config entry and evidence of a declared hosting


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """An attribute of a node that points at another node (Terraform reference, claimName …)."""

    attribute: str  # dotted path of the attribute holding the reference: "replicate_source_db"
    target: str  # node key of the target
    location: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """One object of the graph, as a frontend produced it."""

    key: str  # unique within a scan: f"{scope}::{address}"
    address: str  # docs/architecture.md#addresses
    type: str  # "aws_db_instance", "StatefulSet", "cluster", "hosting"
    kind: NodeKind
    origin: str  # terraform | plan | kubernetes | config
    location: Location
    scope: str  # root module directory, or "cluster:<name>"
    root: str | None = None  # folder of the root module, Terragrunt unit or plan file; None for manifests
    cluster: str | None = None
    namespace: str | None = None  # Kubernetes namespace, as its frontend read it (a Namespace: its own name)
    tags: tuple[Tag, ...] = ()
    attributes: Mapping[str, Any] = field(default_factory=dict)
    hosting: HostingClue | None = None
    references: tuple[Reference, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    notes: tuple[str, ...] = ()
    egress: tuple[Egress, ...] = ()  # data flows to storage outside the scan (graph: to its hosting)


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    """An edge of the graph: ``relation`` from the node keyed ``source`` to ``target``, where it is declared."""

    source: str
    target: str
    relation: Relation
    location: Location
    attribute: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Fragment:
    """What one frontend contributes to a scan."""

    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    problems: tuple[Problem, ...] = ()
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # node keys of *other* fragments that this one supersedes (a plan over the Terraform files of
    # its own root module): the graph leaves those nodes out
    replaces: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()  # values given to secret-named variables: never printed in full


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogueFact:
    """The catalogue row a hosting verdict rests on, with its dates: every verdict names it."""

    subject: str  # "outscale/iaas in cloudgouv-eu-west-1", or a provider id for a provider-wide row
    status: str  # the row's status: qualified | in_qualification | not_qualified | ineligible | unknown
    version: str | None = None  # SecNumCloud version of the visa
    since: str | None = None  # visa date, as precisely as the sources give it
    valid_until: str | None = None
    newest_source: str | None = None  # date of the newest dated source of the row
    checked_on: str | None = None  # when the row was last checked
    caveats: tuple[str, ...] = ()  # why a qualified verdict may no longer hold (SNC008)

    def dates(self) -> str:
        """``SecNumCloud 3.2, since 2025-12-17, valid until 2028-12-17, newest source 2026-01-07,
        catalogue row checked on 2026-12-07``: the row's dates, for a verdict's evidence."""
        parts = [f"SecNumCloud {self.version}" if self.version else "",
                 f"since {self.since}" if self.since else "",
                 f"valid until {self.valid_until}" if self.valid_until else "",
                 f"newest source {self.newest_source}" if self.newest_source else "",
                 f"catalogue row checked on {self.checked_on}" if self.checked_on else "catalogue row never checked"]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True, kw_only=True)
class Declaration:
    """A hosting the team declared in its config, with the evidence it holds (contract, attestation)."""

    where: str  # "hosting[0] (provider.vsphere.main)": which entry of the config
    evidence: str  # what the team holds, as written in the config
    date: str | None = None  # date of that evidence
    # the evidence names a qualification attestation (the config's ``attestation``), not only a
    # contract: what may answer a catalogue row's caveats. The reports show it in ``evidence``.
    attested: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Hosting:
    """A resolved hosting: provider + offer + region, and its SecNumCloud status for them."""

    provider: str | None
    offer: str | None
    region: str | None
    qualification: str  # qualified | in-qualification | not-qualified | unknown
    reason: str | None  # SNC001 reasons (docs/architecture.md#qualification-reasons), None when qualified
    evidence: str = ""  # how it was decided, for a person
    fact: CatalogueFact | None = field(default=None, compare=False)  # the catalogue row it rests on
    declared: Declaration | None = field(default=None, compare=False)  # set when the config declared it

    @property
    def key(self) -> str:
        """``hosting:outscale/iaas/eu-west-2`` (offer ids carry their provider: not repeated)."""
        provider = self.provider or "?"
        offer = (self.offer or "-").removeprefix(f"{provider}/")
        return f"hosting:{provider}/{offer}/{self.region or '-'}"

    @property
    def qualified(self) -> bool:
        return self.qualification == "qualified"


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """One link of the chain that explains a finding."""

    address: str
    relation: str
    file: str | None
    line: int | None
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """What a rule reports about one object, with where it is and the evidence that decided it."""

    rule_id: str
    severity: Severity
    message: str
    address: str
    location: Location
    root: str | None = None  # the root the node was evaluated in (two roots, two findings)
    cluster: str | None = None
    system: str | None = None  # the system (config ``systems``) the object belongs to
    sensitivity: str | None = None
    hosting: Hosting | None = None
    evidence: tuple[Evidence, ...] = ()
    fingerprint: str = ""
    suppressed_by: Suppression | None = None

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.location.file, self.location.line, self.rule_id, self.address)


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleInfo:
    """A rule's documentation, from its policy file: what `explain`, SARIF and HTML show."""

    id: str
    title: str
    severity: Severity
    check: str
    rationale: str
    remediation: str
    references: tuple[str, ...] = ()
    help_uri: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    examples: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemRow:
    """One sensitive object of the estate and its verdict, for the audit's per-system table: the
    compliant ones as well as those with findings."""

    system: str  # the root module, Terragrunt unit or plan folder; "cluster NAME" for manifests
    address: str
    kind: str
    location: Location
    sensitivity: str
    hosting: Hosting | None
    verdict: str  # compliant | non-compliant | undetermined | exception (every finding on it suppressed)
    flows: tuple[tuple[str, str], ...] = ()  # (relation, address) of the sensitive objects it sends data to
    repository: str = ""  # a merged result: the report it came from


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """One repository's report in a merged result (``snclint merge``): its own totals."""

    name: str  # the folder its paths are prefixed with ("" for a report in the working directory)
    report: str  # the report file
    summary: Mapping[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogueStamp:
    """When the provider catalogue was checked and against what: every report header says it."""

    checked_on: str | None
    checked_against: str = ""
    extra_files: int = 0  # catalogue files added with --catalog or the config


@dataclass(frozen=True, slots=True, kw_only=True)
class SystemInfo:
    """A system declared in the config, as reports name it."""

    name: str
    level: str
    owner: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanResult:
    """The only thing reporters see."""

    tool_version: str
    files: tuple[str, ...]
    resources: int
    findings: tuple[Finding, ...]  # sorted, suppressed ones included (suppressed_by set)
    rules: tuple[RuleInfo, ...]
    notes: tuple[str, ...] = ()
    declared_systems: tuple[SystemInfo, ...] = ()  # config ``systems``, in its order
    baseline: Mapping[str, int] | None = None  # {"baselined": n, "fixed": m} when --baseline
    # UTC, "YYYY-MM-DDTHH:MM:SS" (no zone, no fraction): the GitLab SAST and JUnit reports need them
    started_at: str | None = None
    finished_at: str | None = None
    parts: tuple[Part, ...] = ()  # a merged result: the repositories it is made of
    catalogue: CatalogueStamp | None = None
    systems: tuple[SystemRow, ...] = ()  # every sensitive object, compliant or not (linter.inventory)
    scanned: tuple[str, ...] = ()  # the paths given, relative to the repository root (the audit's scope)
    config_file: str | None = None  # the configuration the scan ran with

    @property
    def active(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.suppressed_by is None)
