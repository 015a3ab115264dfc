"""The rule catalogue as text, JSON and Markdown (the README's catalogue is generated from this)."""

from __future__ import annotations

import json
from typing import Any

from icpcheck.engine.loader import Rule, RuleSet, format_text
from icpcheck.sources import cite, source_refs
from icpcheck.textsafe import table_cell
from icpcheck.words import LABELS, say, severity


def _title(rule: Rule, ruleset: RuleSet, lang: str) -> str:
    return format_text(rule.spec.title.get(lang), ruleset.params_for(None, _today()), lang)


def _today() -> Any:
    import datetime as dt

    return dt.date.today()


def catalogue_text(rules: list[Rule], ruleset: RuleSet, lang: str) -> str:
    width = max((len(r.id) for r in rules), default=10)
    w = LABELS[lang]
    lines = [
        f"{r.id:<{width}}  {w['t_' + r.spec.type]:<7}  {severity(r.spec.severity, lang):<7}  "
        f"{_title(r, ruleset, lang)}"
        for r in rules
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
            "settles": r.spec.settles,
        }
        for r in rules
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def catalogue_markdown(rules: list[Rule], ruleset: RuleSet, lang: str | None = None) -> str:
    """Table of rules: ID, type, severity, requirement, source; in `lang`, or (the README's) the requirement
    in both languages under English headings."""
    params = ruleset.params_for(None, _today())
    w = LABELS[lang or "en"]
    rows = [
        f"| ID | {w['type']} | {w['severity']} | {w['requirement']} | {w['source']} |",
        "|---|---|---|---|---|",
    ]
    for r in rules:
        texts = [format_text(r.spec.message.get(x), params, x) for x in ((lang,) if lang else ("zh", "en"))]
        kind = w["t_" + r.spec.type] if lang else r.spec.type
        sev = severity(r.spec.severity, lang) if lang else r.spec.severity
        rows.append(
            f"| `{r.id}` | {kind} | {sev} | {table_cell('<br>'.join(texts))} "
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
    w = LABELS[lang]
    out = [
        f"{spec.id}  ({w['t_' + spec.type]}, {severity(spec.severity, lang)})",
        f"  {format_text(spec.title.get(lang), params, lang)}",
        "",
        f"{w['requirement']}: {format_text(spec.message.get(lang), params, lang)}",
        f"{w['remediation']}: {format_text(spec.remediation.get(lang), params, lang)}",
        *([f"{w['about']}: {spec.doc.get(lang)}"] if spec.doc else []),
        f"{w['source']}: {cite(spec.source)}",
        f"{w['defined_in']}: {rule.file}:{rule.line}",
    ]
    if spec.settles:
        out.append(w["settles"].format(type=w["t_" + spec.type]))
    if spec.province_switch:
        where = say(ruleset.provinces_where(spec.province_switch, today), lang)
        out.append(f"{w['provinces']}: " + w["switch"].format(where=where, switch=spec.province_switch))
    if used:
        out.append(w["parameters"].format(where=province or w["national"]) + ":")
        for name in used:
            p = ruleset.param_spec(name, province)
            out.append(f"  {name} = {say(params[name], lang)}    [{cite(p.source_at(today))}]")
    if spec.applies:  # the conditions as written in the rule file
        out += [
            f"{w['applies_when']}:",
            _indent(yaml.safe_dump(spec.applies, allow_unicode=True, sort_keys=False)),
        ]
    if spec.produced_by:
        out.append(w["produced_by"].format(stage=spec.produced_by))
    else:
        out += [f"{w['check']}:", _indent(yaml.safe_dump(spec.check, allow_unicode=True, sort_keys=False))]
    return "\n".join(out) + "\n"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.rstrip().splitlines())
