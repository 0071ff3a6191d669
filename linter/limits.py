"""Every bound that keeps a hostile repository from crashing, hanging or exhausting a scan.

Scanned repositories are untrusted (merge requests from anyone, audits of unknown estates): each
input that could make work or memory grow faster than its size is bounded here, in one place, with
why its value was chosen. Going past a bound is never silent: the file, expression or module is
reported (SNC000 or an ``Unknown`` with the bound's name) and the rest of the scan goes on.
``docs/security.md`` lists them with how each is enforced.
"""
from __future__ import annotations

MIB = 1024 * 1024

# --- files --------------------------------------------------------------------------------------
# Any file discovery accepts: Terraform plans of large estates reach tens of MiB.
DISCOVERED_FILE_BYTES = 200 * MIB
# A plan is parsed by the C JSON reader: about 10 bytes of memory per byte of text.
PLAN_BYTES = 200 * MIB
# A Terraform file the reader opens (``.tf``, ``.tf.json``, tfvars, modules.json).
TERRAFORM_FILE_BYTES = 20 * MIB
# Terraform text parsed (``.tf``, ``.tf.json``): the largest ``.tf`` seen in public estates is 45 KB.
HCL_BYTES = 5 * MIB
# Native HCL text given to tree-sitter, which keeps 100 to 500 bytes of memory per byte of input
# (a 1 MB string literal: 180 MB): 20 times the largest public ``.tf``, 200 MiB at most.
HCL_NATIVE_BYTES = 1 * MIB
# A Kubernetes manifest file (CRD bundles reach a few MiB).
MANIFEST_BYTES = 20 * MIB
# A policy pack or catalogue file.
POLICY_FILE_BYTES = 5_000_000
# The parse cache: inputs it keeps (the loaders refuse larger ones anyway), one stored entry it reads
# back (entries are signed, but the folder is shared), and the whole cache before the oldest entries go.
CACHE_INPUT_BYTES = 5 * MIB
CACHE_ENTRY_BYTES = 64 * MIB
CACHE_BYTES = 500 * MIB
# A file hashed to tell whether an incremental cache entry still holds (larger: evaluated again).
CACHE_HASHED_BYTES = 64 * MIB
# One compiled knowledge entry read back from the cache (the shipped knowledge compiles to under 1 MiB).
COMPILED_ENTRY_BYTES = 16 * MIB
# A git index read to learn whether an enclosing work tree tracks the scanned paths.
GIT_INDEX_BYTES = 64 * MIB

# --- one file's memory ----------------------------------------------------------------------------
# Elements are counted before parsing, as the separators that can start one (commas, newlines,
# opening brackets): an upper bound on the list items, attributes and blocks the text can hold.
# Measured peak cost per element: tree-sitter HCL front end 1.0-1.6 KB, python-hcl2 3.5 KB and
# 100 µs, the tf.json reader 0.25 KB, YAML under 0.1 KB. So one file costs at most about 160 MiB
# and 2 s in the HCL front end, 70 MiB and 2.5 s in the reference HCL parser, 120 MiB in the JSON
# and YAML readers: the documented ceiling of one file is 256 MiB. Public estates' largest files
# hold under 5,000 elements.
HCL_ELEMENTS = 100_000
# The reference HCL parser (python-hcl2) is asked only about files this small: it reports syntax
# errors precisely but is 30 times slower than tree-sitter (a 5 MB file took 67 s).
HCL_REFERENCE_ELEMENTS = 20_000
HCL_REFERENCE_BYTES = 256 * 1024  # and this short: it keeps about 250 bytes per byte of text
# JSON and YAML (manifests, ``.tf.json``, tfvars.json).
DATA_ELEMENTS = 500_000

# --- nesting --------------------------------------------------------------------------------------
# Expressions and values (HCL, evaluation): far above hand-written code, below Python's recursion.
EXPRESSION_DEPTH = 200
# The tree-sitter front end refuses earlier than the reference, whose depth count differs a little.
HCL_FAST_DEPTH = EXPRESSION_DEPTH - 40
# YAML nesting: Kubernetes CRD schemas nest about 40 levels; consumers walk recursively.
YAML_DEPTH = 256
# ``kind: List`` inside ``kind: List``: three levels is already unusual.
LIST_NESTING = 3
# Module calls nested in one root module (Terraform itself has no limit; real trees nest < 6).
MODULE_DEPTH = 32
# Folders walked upward to find the callers of a changed module (pre-commit file names).
CALLER_DEPTH = 16
# Folders walked upward by Terragrunt's find_in_parent_folders: Terragrunt's own default
# (--terragrunt-max-folders-to-check).
TERRAGRUNT_PARENT_FOLDERS = 100
# read_terragrunt_config of read_terragrunt_config…: real configurations chain two or three.
TERRAGRUNT_READ_DEPTH = 8
# Plan JSON: nested values and child modules.
PLAN_VALUE_DEPTH = 100
PLAN_MODULE_DEPTH = 64
# Folders below a scanned path: deeper ones are skipped with a note (public estates: < 15).
DIRECTORY_DEPTH = 64
# References followed from one attribute to another (``a -> b -> c``), in HCL and in plans.
REFERENCE_HOPS = 16
# Lazily computed cells evaluated inside each other: cut well before Python's recursion limit.
LAZY_CHAIN = 48

# --- evaluation -----------------------------------------------------------------------------------
STRING_CHARS = 1_000_000  # characters in one evaluated string
COLLECTION_ITEMS = 100_000  # items in one evaluated list or map
EVALUATION_STEPS = 1_000_000  # work units of one evaluate() call (about a second)
WALK_NODES = 2_000_000  # nodes visited by one deep walk of a value
RANGE_VALUES = 1024  # Terraform's own limit for range()
EXPANDED_INSTANCES = 512  # count / for_each / dynamic elements of one block; more is not known
# Module and resource instances of one root module, every instantiation counted (single calls
# too, so nesting and fan-out are bounded: 30 folders each calling the next twice is 2^30). The
# largest real roots measured (2026-12): 440 instances (ministryofjustice/cloud-platform-environments,
# 1,155 roots), 421 (cloud-foundation-fabric FAST stage 0-org-setup, 74 roots); more than ten times
# that, so the fan-out case stops in about a second (4 s at 20,000).
ROOT_INSTANCES = 5_000
TAGS_PER_RESOURCE = 1000

# --- kustomize ------------------------------------------------------------------------------------
# Kustomization folders of one tree (itself, its bases and components, recursively).
KUSTOMIZATIONS = 500
# Kustomizations rendered for one top kustomization, a base used twice counting twice: bases that
# use each other many times over grow exponentially, like module fan-out.
KUSTOMIZE_BUILDS = 2_000
# Objects rendered for one top kustomization (100 times a large real overlay).
KUSTOMIZE_OBJECTS = 50_000
# A patch target's name or namespace pattern: Kubernetes' longest name (253), so it cannot grow work.
KUSTOMIZE_PATTERN_CHARS = 253
ADDRESS_CHARS = 4096  # one plan address
YAML_ALIAS_NODES = 100_000  # nodes copied in by YAML aliases and merges, per file

# --- output ---------------------------------------------------------------------------------------
MESSAGE_CHARS = 240  # one policy message
