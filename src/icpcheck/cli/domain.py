"""`icpcheck domain NAME...`: whois facts and the domain rules' results for each domain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

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

if TYPE_CHECKING:
    from icpcheck.engine.loader import Bilingual
    from icpcheck.findings import Finding

# The rules this command runs are tagged in rules/*.yaml: `domain` (decided by a domain's registration
# facts, which whois gives) and, among them, `holder` (they compare the holder with --holder).
DOMAIN_TAG, HOLDER_TAG = "domain", "holder"
# There is no profile here: an unknown comes from whois lacking a fact, or from a fact about the filing
# subject (shareholders, legal representative) that only a profile gives.
_NO_PROFILE = {
    "zh": {
        "whois": "WHOIS 未显示 {field}：请在注册商控制台核对",
        "subject": (
            "WHOIS 显示的持有者不是 --holder：仅当其为备案主体的股东或主要负责人时才可能被接受，"
            "请用 icpcheck eligibility 档案 --whois 核对"
        ),
    },
    "en": {
        "whois": "whois does not show {field}: check it in the registrar's console",
        "subject": (
            "whois shows a holder other than --holder: it can pass only as a shareholder or the principal "
            "of the filing subject; check with icpcheck eligibility PROFILE --whois"
        ),
    },
}


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

    from icpcheck.engine import evaluate, load_ruleset
    from icpcheck.errors import UsageError
    from icpcheck.facts.whois import lookup_many
    from icpcheck.findings import Status
    from icpcheck.pii import Redactor
    from icpcheck.profile.model import Company, Profile
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
    day, language = settings.as_of, settings.lang
    ruleset = load_ruleset(settings.rules)
    facts = lookup_many(names, timeout=settings.timeout or 5.0, use_cache=not no_cache, offline=offline)
    hints = {r.id: r.spec.unknown for r in ruleset.rules}
    holder_rules = set(ruleset.tagged(HOLDER_TAG))
    selected = {r for r in ruleset.tagged(DOMAIN_TAG) if holder is not None or r not in holder_rules}
    report: list[dict[str, Any]] = []
    ok = True
    for fact in facts:
        # Only the facts whois gave are set, so the rules see the others as missing (unknown).
        fields = {
            "registered": fact.registered,
            "expires": fact.expires,
            "registrar": fact.registrar,
            "holder": fact.holder,
        }
        known = {k: v for k, v in fields.items() if v}
        try:
            profile = Profile.model_validate(
                {"version": 1, "company": {"name": holder or "?"}, "domains": [{"name": fact.name} | known]}
            )
        except ValidationError as exc:  # a whois value the profile format refuses is unknown, not a crash
            fact.error = f"unusable whois value: {exc.errors()[0]['msg']}"
            profile = Profile.model_validate(
                {"version": 1, "company": {"name": holder or "?"}, "domains": [{"name": fact.name}]}
            )
        results = evaluate(
            profile,
            ruleset,
            as_of=day,
            lang=language,
            name=fact.name,
            select=selected.__contains__,
        )
        findings = [f for r in results for f in r.findings]
        for finding in findings:
            if finding.status is Status.UNKNOWN:
                _without_profile(finding, hints.get(finding.rule), language, holder, fact.holder)
        ok = ok and fact.error is None and all(f.status.value in ("pass", "skip") for f in findings)
        entry: dict[str, Any] = {"domain": fact.to_dict(), "findings": [finding_dict(f) for f in findings]}
        if not show_pii:  # the holder may be a natural person; a registry may show IDs and mobiles
            redactor = Redactor()
            redactor.holders([fact.holder, holder])
            entry = redactor.value(entry)
        report.append(entry)
    writer = make_command_writer("domain", settings.format or "text", WriterContext(day, language, ruleset))
    typer.echo(writer.begin() + "".join(writer.add(entry) for entry in report) + writer.end(), nl=False)
    raise typer.Exit(EXIT_OK if ok else EXIT_GAPS)


def _without_profile(
    finding: Finding, hint: Bilingual | None, lang: str, holder: str | None, whois_holder: str | None
) -> None:
    """An unknown that a profile cannot fix, since this command has none. The holder rules read facts
    about the subject (entity type, shareholders, legal representative); all that is known here is the
    --holder name: the same name passes, another name stays unknown with what would decide it."""
    from icpcheck.findings import Status

    text = _NO_PROFILE[lang]
    if not (finding.field or "").startswith("domains["):
        finding.field, finding.expected, finding.actual = "domains[0].holder", holder, whois_holder
        if whois_holder is not None and holder is not None:
            if _same_name(holder, whois_holder):
                finding.status, finding.remediation = Status.PASS, ""
            else:
                finding.remediation = text["subject"]
            return
    finding.remediation = hint.get(lang) if hint else text["whois"].format(field=finding.field)


def _same_name(a: str, b: str) -> bool:
    """Names as registries write them: full-width brackets, spaces and case do not make another name."""
    import unicodedata

    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split()).casefold()

    return norm(a) == norm(b)
