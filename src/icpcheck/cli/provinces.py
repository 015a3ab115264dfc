"""`icpcheck provinces [PROVINCE]`: the 31 regions, their authorities, review times and local requirements,
each with its date and source, as in force on `--as-of` (and, for one province, its history and the
references that disagree)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

from icpcheck.choices import TableFormat
from icpcheck.cli.app import AsOfOption, LangOption, RulesOption, app, parse_date, settings_for

if TYPE_CHECKING:
    from icpcheck.engine.loader import RuleSet
    from icpcheck.provinces import Province


# Parameters shown with the review times rather than among the local parameters.
_REVIEW = ("filing.review_working_days", "licence.review_days", "licence.review_unit", "licence.review_note")


@app.command()
def provinces(
    province: Annotated[
        str | None, typer.Argument(help="One province in full (beijing / 北京 / 京); default: all 31.")
    ] = None,
    format_: Annotated[
        TableFormat | None, typer.Option("--format", "-f", help="Output format [default: text].")
    ] = None,
    as_of: AsOfOption = None,
    rules: RulesOption = None,
    lang: LangOption = None,
) -> None:
    """The 31 mainland provinces: 管局, review times and local requirements with their dates and sources;
    what no source confirms is marked unverified, with the reason."""
    import json

    from icpcheck.engine import load_ruleset
    from icpcheck.provinces import province_table
    from icpcheck.sources import cite

    settings = settings_for(TableFormat, format=format_, as_of=parse_date(as_of), rules=rules, lang=lang)
    day, language = settings.as_of, settings.lang
    ruleset = load_ruleset(settings.rules)
    table = province_table(settings.rules)
    chosen = [table.resolve(province)] if province else list(table.provinces.values())
    rows = [_row(p, ruleset, day, language, full=province is not None) for p in chosen]
    # sources name seeds ("seed 000 (…)"): cite() gives each its title in every format
    if settings.format == "json":
        typer.echo(cite(json.dumps(rows[0] if province else rows, ensure_ascii=False, indent=2, default=str)))
        return
    from icpcheck.words import section

    # the words of the text output (the references' own words stay as written); lang: values said in it
    labels = section("pv", language) | {"lang": language}
    if province:
        typer.echo(cite(_full_text(rows[0], day, labels)))
        return
    typer.echo(labels["count"].format(n=len(rows), day=day.isoformat()))
    if any(_unverified(row) for row in rows):
        typer.echo(labels["legend"])
    for row in rows:
        typer.echo(cite(_summary_text(row, labels)))


def _row(prov: Province, ruleset: RuleSet, day: dt.date, lang: str, *, full: bool) -> dict[str, Any]:
    from icpcheck.provinces import requirements_at

    current, history = requirements_at(prov, day)
    params = ruleset.params_for(prov.key, day)
    extra = {k: v for k, v in prov.extra.items() if k not in {"requirements", "local_requirements"}}
    for key, value in extra.items():  # reasons are written in both languages: the one asked for
        if key.endswith("_reason") and isinstance(value, dict):
            extra[key] = value.get(lang) or value.get("en")
    row: dict[str, Any] = {
        "key": prov.key,
        "zh": prov.zh,
        "abbr": prov.abbr,
        "full_name": prov.full_name,
        "aliases": list(prov.aliases),
        **extra,
        "as_of": day.isoformat(),
        "review": {name: _param(ruleset, name, prov.key, day, params) for name in _REVIEW},
        "local_requirements": [r.to_dict() for r in current],
    }
    if full:
        row["history"] = [r.to_dict() for r in history]
        local = ruleset.overrides.get(prov.key, {})
        names = [n for n in ruleset.national if n not in _REVIEW]
        row["parameters"] = [
            _param(ruleset, n, prov.key, day, params)
            for n in names
            if n in local or ruleset.param_spec(n, prov.key).disagreements
        ]
    return row


def _param(
    ruleset: RuleSet, name: str, province: str, day: dt.date, params: dict[str, Any]
) -> dict[str, Any]:
    spec = ruleset.param_spec(name, province)
    local = name in ruleset.overrides.get(province, {})
    return {
        "name": name,
        "value": params[name],
        "source": spec.source_at(day),
        "scope": province if local else "national",
        "values": [d.model_dump(mode="json") for d in spec.values or []],
        "disagreements": [a.model_dump(mode="json") for a in spec.disagreements],
        "decision": spec.decision,
    } | ({} if spec.verified else {"verified": False, "reason": spec.reason})


def _show(value: Any, labels: dict[str, str]) -> str:
    from icpcheck.engine.loader import format_text

    if isinstance(value, list) and len(value) > 12:
        return labels["entries"].format(n=len(value))
    return format_text("{v}", {"v": value}, labels["lang"]) if value is not None else "—"


def _unverified(row: dict[str, Any]) -> bool:
    return row.get("authority_verified") is False or row.get("local_requirements_verified") is False


def _mark(labels: dict[str, str], reason: str | None = None) -> str:
    return f" [{labels['unverified']}" + (f": {reason}]" if reason else "]")


def _review_line(row: dict[str, Any], labels: dict[str, str]) -> str:
    review = row["review"]
    filing, licence = review["filing.review_working_days"], review["licence.review_days"]
    unit = str(review["licence.review_unit"]["value"])
    typical = str(row.get("filing_review_estimate", "?")).replace(" 天", " " + labels["days"])  # "4 - 11 天"
    return labels["review"].format(
        filing=filing["value"], typical=typical, licence=licence["value"], unit=labels.get(unit, "")
    )


def _requirement_lines(entries: list[dict[str, Any]], indent: str, labels: dict[str, str]) -> list[str]:
    lines = []
    for entry in entries:
        dated = labels["consulted"] if entry["dated"] == "consulted" else labels["since"]
        lines.append(f"{indent}[{dated} {entry['since']}] {entry['source']}")
        lines.extend(f"{indent}  - {item}" for item in entry["items"])
    return lines


def _authority(row: dict[str, Any], labels: dict[str, str]) -> str:
    if row.get("authority_source"):
        return f"{row['authority']} ({labels['source']}: {row['authority_source']})"
    return f"{row['authority']}{_mark(labels, row.get('authority_reason'))}"


def _no_requirements(row: dict[str, Any], labels: dict[str, str]) -> str:
    if row.get("local_requirements_verified") is False:
        return labels["none"] + _mark(labels, row.get("local_requirements_reason"))
    return labels["none"]


def _phones(row: dict[str, Any], labels: dict[str, str]) -> str:
    return ", ".join(f"{labels.get(k, k)}: {v}" for k, v in (row.get("phones") or {}).items())


def _summary_text(row: dict[str, Any], labels: dict[str, str]) -> str:
    phones = _phones(row, labels)
    authority = row["authority"] + ("" if row.get("authority_verified") is not False else _mark(labels))
    head = f"\n{row['key']}  {row['zh']} ({row['abbr']})  {authority}"
    lines = [head + (f"  ☎ {phones}" if phones else ""), "  " + _review_line(row, labels)]
    if row["local_requirements"]:
        lines += _requirement_lines(row["local_requirements"], "  ", labels)
    else:
        lines.append("  " + _no_requirements(row, labels))
    return "\n".join(lines)


def _full_text(row: dict[str, Any], day: dt.date, labels: dict[str, str]) -> str:
    lines = [
        f"{row['key']} · {row['full_name']} ({row['zh']}, {row['abbr']}) · "
        f"{labels['as_of']} {day.isoformat()}",
        f"{labels['authority']}: {_authority(row, labels)}",
    ]
    if row.get("phones"):
        phones = _phones(row, labels)
        lines.append(f"{labels['phones']}: {phones} ({labels['source']}: {row.get('phones_source', '')})")
    lines.append(f"\n{labels['review_head']}")
    lines.append("  " + _review_line(row, labels))
    for item in row["review"].values():
        if item["value"] is not None:
            lines += _param_lines(item, labels)
    lines.append(f"\n{labels['current_head']}")
    if row["local_requirements"]:
        lines += _requirement_lines(row["local_requirements"], "  ", labels)
    else:
        lines.append("  " + _no_requirements(row, labels))
    if row["history"]:
        lines.append(f"\n{labels['history_head']}")
        lines += _requirement_lines(row["history"], "  ", labels)
    lines.append(f"\n{labels['params_head']}")
    for item in row["parameters"]:
        lines += _param_lines(item, labels)
    for dispute in row.get("disagreements") or []:
        lines.append(f"\n{labels['disagreement']}: {dispute['topic']}")
        lines.extend(f"  - {s['value']} ({s['source']})" for s in dispute["says"])
        lines.append(f"  {labels['decision']}: {dispute['decision']}")
    return "\n".join(lines)


def _param_lines(item: dict[str, Any], labels: dict[str, str]) -> list[str]:
    scope = labels["national"] if item["scope"] == "national" else item["scope"]
    mark = _mark(labels, item.get("reason")) if item.get("verified") is False else ""
    lines = [f"  {item['name']} = {_show(item['value'], labels)} [{scope}]{mark}"]
    lines.append(f"      {labels['source']}: {item['source']}")
    for dated in item["values"]:
        how = labels["consulted"] if dated.get("dated") == "consulted" else labels["since"]
        note = f" — {dated['note']}" if dated.get("note") else ""
        lines.append(f"      {how} {dated['since']}: {_show(dated['value'], labels)}{note}")
    for alt in item["disagreements"]:
        note = f" — {alt['note']}" if alt.get("note") else ""
        lines.append(
            f"      {labels['disagreement']} ({alt['date']}): {_show(alt['value'], labels)} "
            f"{labels['per']} {alt['source']}{note}"
        )
    if item["decision"]:
        lines.append(f"      {labels['decision']}: {item['decision']}")
    return lines
