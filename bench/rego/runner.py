"""Evaluate profiles with the Rego version of the licence rules (regopy) and compare with icpcheck.

Each profile goes to the policy as JSON with the parameters in force for its province, so that both
engines see the same data; dates stay ISO strings, which compare correctly as text.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

POLICY = Path(__file__).with_name("licence.rego")


def _json_ready(value: Any) -> Any:
    return json.loads(
        json.dumps(value, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))
    )


def rego_inputs(paths: list[Path], as_of: dt.date) -> list[str]:
    """The policy input per profile, as JSON text (profile, parameters in force, month list, limits)."""
    import yaml

    from icpcheck.engine import load_ruleset
    from icpcheck.engine.conditions import add_months
    from icpcheck.provinces import resolve_province

    ruleset = load_ruleset()
    months = [add_months(as_of.replace(day=1), -n).strftime("%Y-%m") for n in range(12, 0, -1)]
    inputs = []
    for path in paths:
        profile = yaml.safe_load(path.read_text(encoding="utf-8"))
        province = profile["company"].get("province")
        key = resolve_province(province).key if province else None
        if key:
            profile["company"]["province"] = key
        hosting = profile.get("hosting") or {}
        if hosting.get("province"):
            hosting["province"] = resolve_province(hosting["province"]).key
        params = ruleset.params_for(key, as_of)
        limit = add_months(as_of, int(params["domain.min_validity_months"])).isoformat()
        inputs.append(
            json.dumps(
                _json_ready(
                    {
                        "profile": profile,
                        "as_of": as_of.isoformat(),
                        "months": months,
                        "validity_limit": limit,
                        "params": params,
                    }
                ),
                ensure_ascii=False,
            )
        )
    return inputs


def rego_verdicts(inputs: list[str]) -> list[str]:
    """One interpreter with the policy loaded once; a new input per profile."""
    from regopy import Interpreter

    rego = Interpreter()
    rego.add_module("licence", POLICY.read_text(encoding="utf-8"))
    verdicts = []
    for text in inputs:
        rego.set_input_term(text)
        verdicts.append(json.loads(str(rego.query("data.icp.licence.verdict")))["expressions"][0])
    return verdicts


def rego_statuses(text: str) -> dict[str, str]:
    from regopy import Interpreter

    rego = Interpreter()
    rego.add_module("licence", POLICY.read_text(encoding="utf-8"))
    rego.set_input_term(text)
    return dict(json.loads(str(rego.query("data.icp.licence.status")))["expressions"][0])


def icpcheck_verdicts(paths: list[Path], as_of: dt.date) -> list[str]:
    from icpcheck.engine import evaluate, load_ruleset
    from icpcheck.profile import load_profile

    ruleset = load_ruleset()
    return [
        evaluate(load_profile(p), ruleset, as_of=as_of, types=["licence"])[0].verdict.value for p in paths
    ]
