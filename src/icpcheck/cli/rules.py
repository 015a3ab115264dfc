"""`icpcheck rules list|show|validate`: the rule catalogue."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from icpcheck.cli.app import LangOption, RulesOption, app, default_lang

rules_app = typer.Typer(help="List, show and validate the rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


class ListFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


@rules_app.command("list")
def list_rules(
    type_: Annotated[str | None, typer.Option("--type", "-t", help="Only filing or licence rules.")] = None,
    format_: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """List every rule with its ID, type, severity and title."""
    from icpcheck.engine import load_ruleset
    from icpcheck.report.catalogue import catalogue_json, catalogue_markdown, catalogue_text

    ruleset = load_ruleset(rules)
    language = (lang or default_lang()).value
    selected = [r for r in ruleset.rules if type_ is None or r.spec.type == type_]
    render = {
        ListFormat.text: catalogue_text,
        ListFormat.json: catalogue_json,
        ListFormat.markdown: catalogue_markdown,
    }[format_]
    typer.echo(render(selected, ruleset, language), nl=False)


@rules_app.command("show")
def show_rule(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="Rule ID, e.g. licence.capital.")],
    province: Annotated[
        str | None, typer.Option(help="Show the parameters in force in this province.")
    ] = None,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """Show one rule: requirement, remedy, source, condition and the parameters it uses."""
    import difflib

    from icpcheck.engine import load_ruleset
    from icpcheck.errors import UsageError
    from icpcheck.provinces import resolve_province
    from icpcheck.report.catalogue import rule_detail

    ruleset = load_ruleset(rules)
    rule = ruleset.rule(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, [r.id for r in ruleset.rules], n=1)
        raise UsageError(f"no rule {rule_id!r}" + (f"; did you mean {close[0]!r}?" if close else ""))
    key = resolve_province(province).key if province else None
    typer.echo(rule_detail(rule, ruleset, key, (lang or default_lang()).value), nl=False)


@rules_app.command("validate")
def validate_rules(
    path: Annotated[
        Path | None,
        typer.Argument(help="A rules directory (default: the bundled rules).", show_default=False),
    ] = None,
) -> None:
    """Load and validate a rules directory; exit 2 naming file, line and problem if it is broken.

    Its fidelity ledger (ledger.yaml), if it has one, must be in step with the rules (see `rules coverage`).
    """
    from icpcheck.engine import load_ruleset
    from icpcheck.ledger import checked_ledger

    ruleset = load_ruleset(path)
    has_ledger = (ruleset.directory / "ledger.yaml").is_file()
    ledger = f", {len(checked_ledger(ruleset.directory).statements)} ledger statements" if has_ledger else ""
    typer.echo(
        f"ok: {len(ruleset.rules)} rules, {len(ruleset.national)} parameters, "
        f"{len(ruleset.overrides)} province override file(s){ledger} in {ruleset.directory}"
    )


@rules_app.command("coverage")
def coverage(
    format_: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    status: Annotated[
        str | None,
        typer.Option(
            help="Only statements with this status (encoded, info_only, not_checkable, superseded, pending)."
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """The fidelity ledger: each checkable seed statement, what encodes it, and counts per seed and status.

    Exit 2 if the ledger names an ID that does not exist, or a rule, materials item, parameter or guidance
    entry cites a seed passage that no statement of that seed lists.
    """
    from icpcheck.errors import UsageError
    from icpcheck.ledger import STATUSES, checked_ledger
    from icpcheck.report.coverage import coverage_json, coverage_markdown, coverage_text
    from icpcheck.sources import cite

    if status is not None and status not in STATUSES:
        raise UsageError(f"--status: one of {', '.join(STATUSES)} (not {status!r})")
    ledger = checked_ledger()
    if status is not None:
        ledger.statements = [st for st in ledger.statements if st.status == status]
    language = (lang or default_lang()).value
    text = {
        ListFormat.text: lambda: coverage_text(ledger, language),
        ListFormat.json: lambda: coverage_json(ledger),
        ListFormat.markdown: lambda: coverage_markdown(ledger, language),
    }[format_]()
    typer.echo(cite(text), nl=False)  # resolutions and notes name seeds in prose: give each its title
