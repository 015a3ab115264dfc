"""`icpcheck provinces [PROVINCE]`: the 31 regions, their authorities, review times and local requirements,
each with its date and source, as in force on `--as-of` (and, for one province, its history and the
references that disagree)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

from icpcheck.choices import TableFormat
from icpcheck.cli.app import AsOfOption, RulesOption, app, parse_date, settings_for

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
) -> None:
    """The 31 mainland provinces: 管局, review times and local requirements with their dates and sources."""
    import json

    from icpcheck.engine import load_ruleset
    from icpcheck.provinces import province_table
    from icpcheck.sources import cite

    settings = settings_for(TableFormat, format=format_, as_of=parse_date(as_of), rules=rules)
    day = settings.as_of
    ruleset = load_ruleset(settings.rules)
    table = province_table(settings.rules)
    chosen = [table.resolve(province)] if province else list(table.provinces.values())
    rows = [_row(p, ruleset, day, full=province is not None) for p in chosen]
    # sources name seeds ("seed 000 (…)"): cite() gives each its title in every format
    if settings.format == "json":
        typer.echo(cite(json.dumps(rows[0] if province else rows, ensure_ascii=False, indent=2, default=str)))
        return
    if province:
        typer.echo(cite(_full_text(rows[0], day)))
        return
    typer.echo(f"{len(rows)} provinces, as of {day.isoformat()} (one in full: icpcheck provinces PROVINCE)")
    for row in rows:
        typer.echo(cite(_summary_text(row)))


def _row(prov: Province, ruleset: RuleSet, day: dt.date, *, full: bool) -> dict[str, Any]:
    from icpcheck.provinces import requirements_at

    current, history = requirements_at(prov, day)
    params = ruleset.params_for(prov.key, day)
    extra = {k: v for k, v in prov.extra.items() if k not in {"requirements", "local_requirements"}}
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
    }


def _show(value: Any) -> str:
    from icpcheck.engine.loader import format_text

    if isinstance(value, list) and len(value) > 12:
        return f"{len(value)} entries"
    return format_text("{v}", {"v": value}, "zh") if value is not None else "—"


def _review_line(row: dict[str, Any]) -> str:
    review = row["review"]
    filing, licence = review["filing.review_working_days"], review["licence.review_days"]
    unit = {"working": "working days", "calendar": "days"}.get(str(review["licence.review_unit"]["value"]))
    typical = row.get("filing_review_estimate", "?")
    return (
        f"filing review ≤ {filing['value']} working days (typical: {typical}); "
        f"licence decision ≤ {licence['value']} {unit or ''}"
    )


def _requirement_lines(entries: list[dict[str, Any]], indent: str) -> list[str]:
    lines = []
    for entry in entries:
        dated = "consulted" if entry["dated"] == "consulted" else "since"
        lines.append(f"{indent}[{dated} {entry['since']}] {entry['source']}")
        lines.extend(f"{indent}  - {item}" for item in entry["items"])
    return lines


def _authority(row: dict[str, Any]) -> str:
    if row.get("authority_source"):
        return f"{row['authority']} (source: {row['authority_source']})"
    return f"{row['authority']} (unverified: {row.get('authority_reason', 'no source names it')})"


def _summary_text(row: dict[str, Any]) -> str:
    phones = ", ".join(f"{k}: {v}" for k, v in (row.get("phones") or {}).items())
    head = f"\n{row['key']}  {row['zh']} ({row['abbr']})  {row['authority']}"
    lines = [head + (f"  ☎ {phones}" if phones else ""), "  " + _review_line(row)]
    if row["local_requirements"]:
        lines += _requirement_lines(row["local_requirements"], "  ")
    else:
        lines.append(f"  no local requirements found: {row.get('local_requirements_reason', '')}")
    return "\n".join(lines)


def _full_text(row: dict[str, Any], day: dt.date) -> str:
    lines = [
        f"{row['key']} · {row['full_name']} ({row['zh']}, {row['abbr']}) · as of {day.isoformat()}",
        f"authority: {_authority(row)}",
    ]
    if row.get("phones"):
        phones = ", ".join(f"{k}: {v}" for k, v in row["phones"].items())
        lines.append(f"phones: {phones} (source: {row.get('phones_source', '')})")
    lines.append("\nreview times")
    lines.append("  " + _review_line(row))
    for item in row["review"].values():
        if item["value"] is not None:
            lines += _param_lines(item)
    lines.append("\nlocal requirements in force")
    if row["local_requirements"]:
        lines += _requirement_lines(row["local_requirements"], "  ")
    else:
        lines.append(f"  none found: {row.get('local_requirements_reason', '')}")
    if row["history"]:
        lines.append("\nhistory (superseded by the references above)")
        lines += _requirement_lines(row["history"], "  ")
    lines.append("\nparameters the rules use (this province, or disputed)")
    for item in row["parameters"]:
        lines += _param_lines(item)
    for dispute in row.get("disagreements") or []:
        lines.append(f"\ndisagreement: {dispute['topic']}")
        lines.extend(f"  - {s['value']} ({s['source']})" for s in dispute["says"])
        lines.append(f"  decision: {dispute['decision']}")
    return "\n".join(lines)


def _param_lines(item: dict[str, Any]) -> list[str]:
    lines = [f"  {item['name']} = {_show(item['value'])} [{item['scope']}]"]
    lines.append(f"      source: {item['source']}")
    for dated in item["values"]:
        how = "consulted" if dated.get("dated") == "consulted" else "since"
        note = f" — {dated['note']}" if dated.get("note") else ""
        lines.append(f"      {how} {dated['since']}: {_show(dated['value'])}{note}")
    for alt in item["disagreements"]:
        note = f" — {alt['note']}" if alt.get("note") else ""
        lines.append(f"      disagreement ({alt['date']}): {_show(alt['value'])} per {alt['source']}{note}")
    if item["decision"]:
        lines.append(f"      decision: {item['decision']}")
    return lines
