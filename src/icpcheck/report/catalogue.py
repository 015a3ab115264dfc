"""The rule catalogue as text, JSON and Markdown (the README's catalogue is generated from this)."""

from __future__ import annotations

import json
from typing import Any

from icpcheck.engine.loader import Rule, RuleSet, format_text
from icpcheck.sources import cite, source_refs
from icpcheck.textsafe import table_cell

_TYPE = {
    "filing": "备案 filing",
    "licence": "许可证 licence",
    "waiver": "豁免 waiver",
    "domain": "域名 domain",
    "site": "首页 site",
    "profile": "档案 profile",
}


def _title(rule: Rule, ruleset: RuleSet, lang: str) -> str:
    return format_text(rule.spec.title.get(lang), ruleset.params_for(None, _today()), lang)


def _today() -> Any:
    import datetime as dt

    return dt.date.today()


def catalogue_text(rules: list[Rule], ruleset: RuleSet, lang: str) -> str:
    width = max((len(r.id) for r in rules), default=10)
    lines = [
        f"{r.id:<{width}}  {r.spec.type:<7}  {r.spec.severity:<7}  {_title(r, ruleset, lang)}" for r in rules
    ]
    return "\n".join(lines) + "\n"


def catalogue_json(rules: list[Rule], ruleset: RuleSet, lang: str) -> str:
    data = [
        {
            "id": r.id,
            "type": r.spec.type,
            "severity": r.spec.severity,
            "title": r.spec.title.model_dump(),
            "message": r.spec.message.model_dump(),
            "remediation": r.spec.remediation.model_dump(),
            "source": cite(r.spec.source),
            "sources": source_refs(r.spec.source),
            "doc": r.spec.doc.model_dump() if r.spec.doc else None,
            "province_switch": r.spec.province_switch,
            "provinces": ruleset.provinces_where(r.spec.province_switch, _today())
            if r.spec.province_switch
            else None,
            "tags": r.spec.tags,
            "aliases": r.spec.aliases,
            "produced_by": r.spec.produced_by,
        }
        for r in rules
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def catalogue_markdown(rules: list[Rule], ruleset: RuleSet, lang: str = "en") -> str:
    """Table of rules: ID, type, severity, requirement in both languages, source."""
    params = ruleset.params_for(None, _today())
    rows = ["| ID | type | severity | requirement | source |", "|---|---|---|---|---|"]
    for r in rules:
        zh, en = (format_text(r.spec.message.get(lang), params, lang) for lang in ("zh", "en"))
        text = f"{zh}<br>{en}"
        rows.append(
            f"| `{r.id}` | {r.spec.type} | {r.spec.severity} | {table_cell(text)} "
            f"| {table_cell(cite(r.spec.source))} |"
        )
    return "\n".join(rows) + "\n"


def rule_detail(rule: Rule, ruleset: RuleSet, province: str | None, lang: str) -> str:
    import yaml

    spec = rule.spec
    today = _today()
    params = ruleset.params_for(province, today)
    used = sorted(
        (rule.check.params() if rule.check else set())
        | (rule.applies.params() if rule.applies else set())
        | ({spec.province_switch} if spec.province_switch else set())
    )
    out = [
        f"{spec.id}  ({_TYPE[spec.type]}, {spec.severity})",
        f"  {format_text(spec.title.get(lang), params, lang)}",
        "",
        f"requirement: {format_text(spec.message.get(lang), params, lang)}",
        f"remediation: {format_text(spec.remediation.get(lang), params, lang)}",
        *([f"about:       {spec.doc.get(lang)}"] if spec.doc else []),
        f"source:      {cite(spec.source)}",
        f"defined in:  {rule.file}:{rule.line}",
    ]
    if spec.province_switch:
        where = ", ".join(ruleset.provinces_where(spec.province_switch, today)) or "none"
        out.append(f"provinces:   {where} (where {spec.province_switch} is true)")
    if used:
        out.append(f"parameters ({province or 'national'}):")
        for name in used:
            p = ruleset.param_spec(name, province)
            out.append(f"  {name} = {params[name]!r}    [{cite(p.source_at(today))}]")
    if spec.applies:
        out += ["applies when:", _indent(yaml.safe_dump(spec.applies, allow_unicode=True, sort_keys=False))]
    if spec.produced_by:
        out.append(f"produced by: the {spec.produced_by} stage of the pipeline (no condition)")
    else:
        out += ["check:", _indent(yaml.safe_dump(spec.check, allow_unicode=True, sort_keys=False))]
    return "\n".join(out) + "\n"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.rstrip().splitlines())
