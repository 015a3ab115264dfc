"""`icpcheck rules list|show|validate`: the rule catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from icpcheck.choices import ListFormat, RuleType
from icpcheck.cli.app import LangOption, RulesOption, app, settings_for

rules_app = typer.Typer(help="List, show and validate the rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


@rules_app.command("list")
def list_rules(
    type_: Annotated[
        RuleType | None, typer.Option("--type", "-t", help="Only the rules of this type.")
    ] = None,
    format_: Annotated[
        ListFormat | None, typer.Option("--format", "-f", help="Output format [default: text].")
    ] = None,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """List every rule with its ID, type, severity and title."""
    from icpcheck.engine import load_ruleset
    from icpcheck.report.catalogue import catalogue_json, catalogue_markdown, catalogue_text

    settings = settings_for(ListFormat, format=format_, lang=lang, rules=rules)
    ruleset = load_ruleset(settings.rules)
    selected = [r for r in ruleset.rules if type_ is None or r.spec.type == type_]
    render = {"text": catalogue_text, "json": catalogue_json, "markdown": catalogue_markdown}
    typer.echo(render[settings.format or "text"](selected, ruleset, settings.lang), nl=False)


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
    from icpcheck.report.catalogue import rule_detail

    settings = settings_for(province=province, lang=lang, rules=rules)
    ruleset = load_ruleset(settings.rules)
    rule = ruleset.rule(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, [r.id for r in ruleset.rules], n=1)
        raise UsageError(f"no rule {rule_id!r}" + (f"; did you mean {close[0]!r}?" if close else ""))
    typer.echo(rule_detail(rule, ruleset, settings.province, settings.lang), nl=False)


@rules_app.command("validate")
def validate_rules(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="A rules directory (default: the configured one, else the bundled rules).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Load and validate a rules directory; exit 2 naming file, line and problem if it is broken.

    Its fidelity ledger (ledger.yaml), if it has one, must be in step with the rules (see `rules coverage`).
    """
    from icpcheck.engine import load_ruleset
    from icpcheck.ledger import checked_ledger

    ruleset = load_ruleset(settings_for(rules=path).rules)
    has_ledger = (ruleset.directory / "ledger.yaml").is_file()
    ledger = f", {len(checked_ledger(ruleset.directory).statements)} ledger statements" if has_ledger else ""
    typer.echo(
        f"ok: {len(ruleset.rules)} rules, {len(ruleset.national)} parameters, "
        f"{len(ruleset.overrides)} province override file(s){ledger} in {ruleset.directory}"
    )


@rules_app.command("coverage")
def coverage(
    format_: Annotated[
        ListFormat | None, typer.Option("--format", "-f", help="Output format [default: text].")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Only statements with this status (encoded, info_only, not_checkable, superseded, pending)."
        ),
    ] = None,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """The fidelity ledger: each checkable seed statement, what encodes it, and counts per seed and status.

    Exit 2 if the ledger names an ID that does not exist, or a rule, materials item, parameter or guidance
    entry cites a seed passage that no statement of that seed lists, or the rules directory has no ledger.
    """
    from icpcheck.errors import UsageError
    from icpcheck.ledger import STATUSES, checked_ledger
    from icpcheck.report.coverage import coverage_json, coverage_markdown, coverage_text
    from icpcheck.sources import cite

    if status is not None and status not in STATUSES:
        raise UsageError(f"--status: one of {', '.join(STATUSES)} (not {status!r})")
    settings = settings_for(ListFormat, format=format_, lang=lang, rules=rules)
    ledger = checked_ledger(settings.rules)
    if status is not None:
        ledger.statements = [st for st in ledger.statements if st.status == status]
    language = settings.lang
    text = {
        "text": lambda: coverage_text(ledger, language),
        "json": lambda: coverage_json(ledger),
        "markdown": lambda: coverage_markdown(ledger, language),
    }[settings.format or "text"]()
    typer.echo(cite(text), nl=False)  # resolutions and notes name seeds in prose: give each its title
