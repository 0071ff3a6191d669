"""The plan frontend as the scan sees it (``linter.frontend_contract``): a plan is a ``.json`` file
told apart from a manifest by its first bytes (``terraform show -json``), read after the Terraform
files its planned values may replace."""
from __future__ import annotations

from linter.frontend_contract import Claim, Frontend, Loaded, Request


def is_plan(head: bytes) -> bool:
    return b'"format_version"' in head and (b'"terraform_version"' in head or b'"planned_values"' in head)


PLANS = Claim(kind="plan", suffixes=(".json",), sniff=is_plan)


def _load(request: Request) -> Loaded:
    from linter.terraform.plan.frontend import load_plans

    return Loaded(fragments=(load_plans(request.of(PLANS.kind), knowledge=request.knowledge, hcl=request.earlier,
                                        cwd=request.cwd),))


PLAN = Frontend(name="plan", claims=(PLANS,), after=("terragrunt", "terraform"), load=_load)
