"""`icpcheck domain NAME...`: whois facts and the domain rules' results for each domain."""

from __future__ import annotations

from typing import Annotated

import typer

from icpcheck.choices import SimpleFormat
from icpcheck.cli.app import (
    EXIT_GAPS,
    EXIT_OK,
    AsOfOption,
    LangOption,
    RulesOption,
    app,
    check_timeout,
    parse_date,
    settings_for,
)

# The rules this command runs are tagged in rules/*.yaml: `domain` (decided by a domain's registration
# facts, which whois gives) and, among them, `holder` (they compare the holder with --holder).
DOMAIN_TAG, HOLDER_TAG = "domain", "holder"


@app.command()
def domain(
    names: Annotated[
        list[str], typer.Argument(help="Domain names (subdomains resolve to the registrable domain).")
    ],
    holder: Annotated[
        str | None, typer.Option(help="The filing subject the holder must match (公司名 / 姓名).")
    ] = None,
    as_of: AsOfOption = None,
    format_: Annotated[
        SimpleFormat | None, typer.Option("--format", "-f", help="Output format [default: text].")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Query the whois servers, ignoring the cache.")
    ] = False,
    offline: Annotated[bool, typer.Option("--offline", help="Use only the whois cache; no network.")] = False,
    timeout: Annotated[float | None, typer.Option(help="Seconds per whois query [default: 5].")] = None,
    show_pii: Annotated[
        bool, typer.Option("--show-pii", help="Show holders' names, ID numbers and mobiles unmasked.")
    ] = False,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """Look domains up with whois and check them against the filing and licence domain rules."""
    from pydantic import ValidationError

    from icpcheck.engine import load_ruleset
    from icpcheck.errors import UsageError
    from icpcheck.facts.whois import lookup_many
    from icpcheck.findings import Status
    from icpcheck.pipeline import Options, evaluate_domain
    from icpcheck.policy import Policy
    from icpcheck.profile.model import Company
    from icpcheck.report.json import finding_dict
    from icpcheck.report.writers import WriterContext, make_command_writer
    from icpcheck.textsafe import printable

    for name in names:
        if not name.strip() or len(name) > 253 or any(c.isspace() or not c.isprintable() for c in name):
            raise UsageError(f"not a domain name: {printable(name, one_line=True)!r}")
    try:
        Company(name=holder or "?")
    except ValidationError:
        raise UsageError(f"--holder: not a name: {printable(holder or '', one_line=True)!r}") from None
    settings = settings_for(
        SimpleFormat,
        as_of=parse_date(as_of),
        format=format_,
        timeout=check_timeout(timeout) if timeout is not None else None,
        show_pii=show_pii,
        lang=lang,
        rules=rules,
    )
    ruleset = load_ruleset(settings.rules)
    facts = lookup_many(names, timeout=settings.timeout or 5.0, use_cache=not no_cache, offline=offline)
    holder_rules = set(ruleset.tagged(HOLDER_TAG))
    selected = [r for r in ruleset.tagged(DOMAIN_TAG) if holder is not None or r not in holder_rules]
    context = WriterContext(settings.as_of, settings.lang, ruleset)
    writer = make_command_writer("domain", settings.format or "text", context)
    options = Options(
        as_of=settings.as_of,
        lang=settings.lang,
        policy=Policy(only=tuple(selected)),
        show_pii=show_pii,
        render=lambda outcome: writer.add(
            {
                "domain": outcome.facts,
                "findings": [finding_dict(f) for r in outcome.results for f in r.findings],
            }
        ),
    )
    text, ok = writer.begin(), True
    for fact in facts:
        outcome = evaluate_domain(fact, holder, ruleset, options)
        text += outcome.rendered or ""
        statuses = {f.status for r in outcome.results for f in r.findings}
        ok = ok and fact.error is None and statuses <= {Status.PASS, Status.SKIP}
    typer.echo(text + writer.end(), nl=False)
    raise typer.Exit(EXIT_OK if ok else EXIT_GAPS)
