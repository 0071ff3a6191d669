"""Root modules ``envs/<team>/<env>/``: the files every root has, filled in by the team's provider
family (providers, module calls, plain resources)."""
from __future__ import annotations

import random
import re
from types import ModuleType

from estate import aws, azure, google, outscale, ovh, scaleway
from estate.common import APPS, ENVS, MINISTRIES, SENSITIVITY_KEYS, UNSET_VARIABLE, Root, hcl_object, q

FAMILIES: tuple[ModuleType, ...] = (aws, outscale, google, azure, ovh, scaleway)
_MODULE_LABEL = re.compile(r'^module "([a-z0-9_]+)"', re.M)


def plan(rng: random.Random, count: int) -> list[tuple[str, str, ModuleType]]:
    """(team, env, family) of every root: teams keep one provider family and have 2 to 6 envs."""
    teams = [f"{m}-{a}" for m in MINISTRIES for a in APPS]
    rng.shuffle(teams)
    weights = [f.WEIGHT for f in FAMILIES]
    out: list[tuple[str, str, ModuleType]] = []
    for i in range(count):
        team = teams[i % len(teams)] + (f"-{i // len(teams)}" if i >= len(teams) else "")
        family = rng.choices(FAMILIES, weights)[0]
        middle = rng.sample(ENVS[1:6], rng.randint(0, 3))
        envs = [e for e in ENVS if e in ("dev", "prod", *middle)] + (["secours"] if rng.random() < 0.1 else [])
        out.extend((team, env, family) for env in envs)
        if len(out) >= count:
            return out[:count]
    return out


def build(rng: random.Random, team: str, env: str, family: ModuleType) -> tuple[Root, dict[str, str]]:
    """The files of one root module, by name."""
    root = Root(rng=rng, team=team, env=env, family=family.NAME, region="", variant="",
                sens_key=rng.choice(SENSITIVITY_KEYS))
    root.variant, root.region = family.variant(root)
    main = _header(root) + family.main(root)
    files = {
        "versions.tf": _versions(root, family),
        "providers.tf": family.providers(root),
        "locals.tf": _locals(root),
        "main.tf": main,
        "backend.tf": _backend(root),
        **family.extras(root),
    }
    files["outputs.tf"] = _outputs(main)
    files["variables.tf"] = _variables(root) + "\n" + family.variables(root)
    files["terraform.tfvars"] = _tfvars(root, family)
    if rng.random() < 0.15:
        files["pipeline.auto.tfvars"] = f'# written by the pipeline\ncost_center = "{rng.randint(1000, 9999)}"\n'
    # copied boilerplate still differs from team to team (a header, versions): as in real estates,
    # few files are byte-identical, which matters to a cache keyed by content
    header = f"# {root.team} ({root.env})\n\n"
    files = {n: t if n == "main.tf" or not n.endswith(".tf") else header + t for n, t in files.items()}
    return root, dict(sorted(files.items()))


def _header(root: Root) -> str:
    return (f"/*\n * {root.team} — {root.env}\n * Owner: team {root.team.split('-')[0]}. "
            "Apply through the pipeline only.\n */\n\n")


def _versions(root: Root, family: ModuleType) -> str:
    entries = family.required(root)
    width = max(len(k) for k in entries)
    lines = "\n".join(f"    {k.ljust(width)} = {v}" for k, v in entries.items())
    required = root.pick(">= 1.5.0", ">= 1.6.0", ">= 1.6.0", "~> 1.9", ">= 1.8, < 2.0")
    return f'terraform {{\n  required_version = "{required}"\n\n  required_providers {{\n{lines}\n  }}\n}}\n'


def _backend(root: Root) -> str:
    ministry = root.team.split("-")[0]
    if root.family == "aws":
        return f'''terraform {{
  backend "s3" {{
    bucket         = "tfstate-{ministry}"
    key            = "{root.team}/{root.env}/terraform.tfstate"
    region         = "eu-west-3"
    encrypt        = true
    dynamodb_table = "terraform-locks"
  }}
}}
'''
    if root.family == "outscale":
        return f'''terraform {{
  backend "s3" {{
    bucket                      = "tfstate-{ministry}"
    key                         = "{root.team}/{root.env}.tfstate"
    region                      = "{root.region}"
    endpoints                   = {{ s3 = "https://oos.{root.region}.outscale.com" }}
    skip_credentials_validation = true
    skip_region_validation      = true
    skip_requesting_account_id  = true
  }}
}}
'''
    project = root.rng.randint(100, 9999)
    return f'''terraform {{
  # state kept by the forge (GitLab-managed Terraform state)
  backend "http" {{
    address        = "https://forge.example.org/api/v4/projects/{project}/terraform/state/{root.env}"
    lock_method    = "POST"
    unlock_method  = "DELETE"
    retry_wait_min = 5
  }}
}}
'''


def _locals(root: Root) -> str:
    common = {"team": "var.team", "environment": "var.env", "cost_center": "var.cost_center",
              "managed_by": q("terraform")}
    if root.rng.random() < 0.3:
        common["contact"] = 'format("%s@%s", var.team, "example.org")'
    return f'''locals {{
  name_prefix = "${{var.team}}-${{var.env}}"
  is_prod     = var.env == "prod" || var.env == "secours"

  # tags shared by every resource; the classification is added per data store
  common_tags = merge(var.extra_tags, {hcl_object(common, 2)})
}}
'''


def _variables(root: Root) -> str:
    text = f'''variable "team" {{
  description = "Team owning this environment."
  type        = string
}}

variable "env" {{
  type = string

  validation {{
    condition     = contains({_env_list()}, var.env)
    error_message = "Unknown environment."
  }}
}}

variable "region" {{
  type    = string
  default = "{root.region}"
}}

variable "data_sensitivity" {{
  description = "Default classification of this environment's data (sensibilite)."
  type        = string
  default     = "standard"
}}

variable "cost_center" {{
  type    = string
  default = "0000"
}}

variable "extra_tags" {{
  type    = map(string)
  default = {{}}
}}
'''
    if root.uses_unset:
        text += f'''
variable "{UNSET_VARIABLE}" {{
  description = "Classification decided at deploy time by the pipeline (no value in the repository)."
  type        = string
}}
'''
    return text


def _env_list() -> str:
    return "[" + ", ".join(q(e) for e in ENVS) + "]"


def _tfvars(root: Root, family: ModuleType) -> str:
    values = {"team": q(root.team), "env": q(root.env), "region": q(root.region)}
    if root.is_prod and root.rng.random() < 0.3:
        values["data_sensitivity"] = q("particuliere")
    values.update(family.tfvars(root))
    if root.rng.random() < 0.6:
        values["extra_tags"] = hcl_object({"projet": q(root.team.split("-", 1)[1]),
                                           "ministere": q(root.team.split("-")[0])}, 0)
    width = max(len(k) for k in values)
    return "".join(f"{k.ljust(width)} = {v}\n" for k, v in values.items())


def _outputs(main: str) -> str:
    out = ['output "name_prefix" {\n  value = local.name_prefix\n}\n']
    for label in _MODULE_LABEL.findall(main):
        sensitive = "\n  sensitive   = true" if label.startswith(("db", "rds", "database")) else ""
        out.append(f'output "{label}" {{\n  description = "Outputs of module {label}."\n'
                   f"  value       = module.{label}{sensitive}\n}}\n")
    return "\n".join(out)
