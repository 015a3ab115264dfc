"""Load and validate the rule set: rule files, named conditions, and layered, dated parameters.

Layout under a rules directory:
  *.yaml (but provinces.yaml, ledger.yaml)   rule files: `rules:` (and optional `conditions:` shared by name)
  params/national.yaml          every parameter, with its value(s) and source
  params/<province>.yaml        overrides for one province (only what differs)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from icpcheck.choices import RuleType
from icpcheck.data import rules_dir
from icpcheck.engine.conditions import ConditionError, Node, compile_condition
from icpcheck.errors import RuleFileError
from icpcheck.words import say
from icpcheck.yamlio import LoadedYaml, dotted, load_yaml_file, parse_dotted

RULE_ID = r"^[a-z][a-z0-9_]*\.[a-z0-9_.]+$"
TAG = r"[a-z][a-z0-9_-]*"
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_.]*)\}")
NOT_RULE_FILES = {"provinces.yaml", "ledger.yaml", "sources.yaml"}  # see icpcheck.ledger, icpcheck.sources


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bilingual(StrictModel):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class RuleDates(StrictModel):
    """How a rule words its dates to act on (icpcheck.engine.evaluate): besides parameters, the placeholders
    {earliest} (a failing rule passes from then), {last_day} (the day before), {deadline} (a passing rule's
    last day) and {actual} (the profile's date that decides it)."""

    earliest: Bilingual | None = None
    deadline: Bilingual | None = None


DATE_PLACEHOLDERS = {"earliest", "last_day", "deadline", "actual"}


# Rules of these types are conditions the engine evaluates for a verdict; the others are findings another
# stage of the pipeline makes (`produced_by`), listed here for their title, severity and source.
EVALUATED_TYPES = ("filing", "licence")


class RuleSpec(StrictModel):
    id: str = Field(pattern=RULE_ID)
    type: RuleType
    severity: Literal["error", "warning", "info"]
    title: Bilingual
    message: Bilingual
    remediation: Bilingual
    source: str = Field(min_length=1)
    applies: dict[str, Any] | None = None
    check: dict[str, Any] | None = None  # required for filing and licence rules
    produced_by: Literal["waivers", "whois", "site", "draft"] | None = (
        None  # the pipeline stage that makes this finding (no check)
    )
    # the one form of province limit: a yes/no parameter, true in the provinces where the rule holds (each
    # province's value dated and sourced in params/<province>.yaml); elsewhere the rule is skipped
    province_switch: str | None = None
    doc: Bilingual | None = None  # longer explanation: `rules show`, `rules list -f json`
    unknown: Bilingual | None = None  # where to find the data when it is missing (added to the remedy)
    dates: RuleDates | None = None  # wording of the dates to act on (else a general sentence)
    tags: list[str] = Field(default_factory=list)  # to select by: --only tag:whois
    aliases: list[str] = Field(default_factory=list)  # former IDs: --skip/--only and waivers still name it
    # Failing, it decides the type alone: the type's other findings are not reported (an individual is told
    # that only a company can hold the licence, not asked for a company's capital and staff).
    settles: bool = False

    @model_validator(mode="after")
    def _tags_and_aliases(self) -> RuleSpec:
        for tag in self.tags:
            if not re.fullmatch(TAG, tag):
                raise ValueError(f"tag {tag!r}: lower-case letters, digits, '_' and '-'")
        for alias in self.aliases:
            if not re.fullmatch(RULE_ID, alias) or alias == self.id:
                raise ValueError(f"alias {alias!r}: a former rule ID (family.name), not this one")
        return self

    @model_validator(mode="after")
    def _check_or_producer(self) -> RuleSpec:
        if (self.type in EVALUATED_TYPES) != (self.check is not None):
            raise ValueError(f"a {self.type} rule {'needs' if self.check is None else 'has no'} 'check'")
        if (self.check is None) != (self.produced_by is not None):
            raise ValueError("a rule has either a 'check' or 'produced_by' (the stage that makes it)")
        if self.check is None and (self.applies or self.province_switch or self.unknown or self.settles):
            raise ValueError(
                "'applies', 'province_switch', 'unknown' and 'settles' belong to rules with a 'check'"
            )
        return self


class RuleFileSpec(StrictModel):
    conditions: dict[str, dict[str, Any]] = Field(default_factory=dict)
    rules: list[RuleSpec] = Field(default_factory=list)


class DatedValue(StrictModel):
    since: dt.date
    value: Any
    source: str = Field(min_length=1)  # the reference for this value (the parameter's `source` is `value`'s)
    # `stated`: the reference gives this date; `consulted`: it gives none, so the value is known to hold
    # from the day the reference was read (earlier evaluation dates keep the older value)
    dated: Literal["stated", "consulted"] = "stated"
    note: str | None = None


class Alternative(StrictModel):
    """A value another reference gives, which the rules do not use (see the parameter's `decision`)."""

    value: Any
    source: str = Field(min_length=1)
    date: str = Field(min_length=1)  # the date the reference states, or "undated (commit …)"
    note: str | None = None


class ParamSpec(StrictModel):
    value: Any = None
    values: list[DatedValue] | None = None  # OpenFisca-style: the value in force at the as-of date
    from_file: str | None = None  # a list kept in its own data file under rules/ (e.g. domains/tlds.yaml)
    source: str = Field(min_length=1)
    description: Bilingual | None = None
    unit: str | None = None
    verified: bool = True
    reason: str | None = None  # why a value is unverified
    disagreements: list[Alternative] = Field(default_factory=list)  # what other references say
    decision: str | None = None  # which value the rules use and why (required with disagreements)

    @model_validator(mode="after")
    def _decided(self) -> ParamSpec:
        if self.disagreements and not self.decision:
            raise ValueError("a parameter with disagreements needs a 'decision': which value is used and why")
        return self

    def _in_force(self, as_of: dt.date) -> DatedValue | None:
        current = None
        for dated in sorted(self.values or [], key=lambda d: d.since):
            if dated.since <= as_of:
                current = dated
        return current

    def at(self, as_of: dt.date) -> Any:
        dated = self._in_force(as_of)
        return self.value if dated is None else dated.value

    def source_at(self, as_of: dt.date) -> str:
        """The reference for the value in force at `as_of`."""
        dated = self._in_force(as_of)
        return self.source if dated is None else dated.source


class ParamFileSpec(StrictModel):
    province: str | None = None
    params: dict[str, ParamSpec]


@dataclass(slots=True)
class Rule:
    spec: RuleSpec
    applies: Node | None
    check: Node | None  # None: a finding made by another pipeline stage (spec.produced_by)
    file: str
    line: int | None

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(slots=True)
class RuleSet:
    rules: list[Rule]
    named: dict[str, Node]
    national: dict[str, ParamSpec]
    overrides: dict[str, dict[str, ParamSpec]]  # province key -> name -> spec
    directory: Path
    _cache: dict[tuple[str | None, dt.date], dict[str, Any]] = field(default_factory=dict)
    _where: dict[tuple[str, dt.date], tuple[str, ...]] = field(default_factory=dict)  # provinces_where's
    # the evaluation's answers that hold for a whole batch (icpcheck.engine.evaluate: rule texts per province,
    # date and language; cannot_apply's probes)
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def aliases(self) -> dict[str, str]:
        """Former rule ID -> its rule's current ID."""
        return {alias: r.id for r in self.rules for alias in r.spec.aliases}

    def tagged(self, tag: str) -> list[str]:
        return [r.id for r in self.rules if tag in r.spec.tags]

    def provinces_where(self, switch: str, as_of: dt.date) -> list[str]:
        """The provinces where the yes/no parameter `switch` (a rule's province_switch) is true at `as_of`."""
        key = (switch, as_of)
        if key not in self._where:  # every skipped province rule of every profile asks: once per batch
            from icpcheck.provinces import province_table

            table = province_table().provinces
            self._where[key] = tuple(p for p in table if self.param_spec(switch, p).at(as_of) is True)
        return list(self._where[key])

    def param_spec(self, name: str, province: str | None) -> ParamSpec:
        layer = self.overrides.get(province or "", {})
        return layer.get(name) or self.national[name]

    def params_for(self, province: str | None, as_of: dt.date) -> dict[str, Any]:
        key = (province, as_of)
        if key not in self._cache:
            self._cache[key] = {name: self.param_spec(name, province).at(as_of) for name in self.national}
        return self._cache[key]


def load_ruleset(directory: Path | str | None = None) -> RuleSet:
    base = Path(directory) if directory is not None else rules_dir()
    if not base.is_dir():
        raise RuleFileError("rules directory not found", file=str(base))
    national, overrides = _load_params(base / "params")
    rules: list[Rule] = []
    named: dict[str, Node] = {}
    defined: dict[str, tuple[str, int | None]] = {}  # where each named condition is, for the cross-check
    files = sorted(p for p in base.glob("*.yaml") if p.name not in NOT_RULE_FILES)
    if not files:
        raise RuleFileError("no rule files (*.yaml) found", file=str(base))
    for path in files:
        source = load_yaml_file(path, error=RuleFileError)
        spec = _validate(RuleFileSpec, source)
        for name, raw in spec.conditions.items():
            if name in named:
                raise _error(source, ("conditions", name), f"condition {name!r} is defined twice")
            named[name] = compile_at(raw, source, ("conditions", name), "")
            defined[name] = (source.name, source.line_of(("conditions", name)))
        for i, rule in enumerate(spec.rules):
            applies = compile_at(rule.applies, source, ("rules", i), "applies") if rule.applies else None
            check = compile_at(rule.check, source, ("rules", i), "check") if rule.check is not None else None
            rules.append(Rule(rule, applies, check, source.name, source.line_of(("rules", i))))
    _cross_check(rules, named, national, overrides, base)
    _check_named(named, defined)
    from icpcheck.engine import registrars  # imported with the operators already

    conditions = [*named.values(), *(n for r in rules for n in (r.applies, r.check) if n is not None)]
    listed = registrars.registrars_file(base)
    if listed != registrars.registrars_file():  # a list of its own: checked now, like the rule files
        registrars.approved_names(listed)
    registrars.bind(conditions, listed)
    return RuleSet(rules, named, national, overrides, base)


def _load_params(folder: Path) -> tuple[dict[str, ParamSpec], dict[str, dict[str, ParamSpec]]]:
    from icpcheck.provinces import province_table

    national_file = folder / "national.yaml"
    if not national_file.is_file():
        raise RuleFileError("missing national parameters", file=str(national_file))
    national = _validate(ParamFileSpec, load_yaml_file(national_file, error=RuleFileError)).params
    for spec in national.values():
        if spec.from_file:
            spec.value = _list_file(folder.parent / spec.from_file)
    overrides: dict[str, dict[str, ParamSpec]] = {}
    table = province_table()
    for path in sorted(folder.glob("*.yaml")):
        if path == national_file:
            continue
        source = load_yaml_file(path, error=RuleFileError)
        spec = _validate(ParamFileSpec, source)
        if spec.province not in table.provinces or spec.province != path.stem:
            raise _error(
                source, ("province",), f"must be the pinyin key matching the file name ({path.stem!r})"
            )
        for name, param in spec.params.items():
            if param.from_file:
                param.value = _list_file(folder.parent / param.from_file)
            if name not in national:
                raise _error(
                    source, ("params", name), f"overrides {name!r}, which national.yaml does not define"
                )
        overrides[spec.province] = spec.params
    return national, overrides


def _list_file(path: Path) -> list[Any]:
    """The list in a data file such as domains/tlds.yaml (its one list-valued key)."""
    source = load_yaml_file(path, error=RuleFileError)
    lists = (
        [v for v in (source.data or {}).values() if isinstance(v, list)]
        if isinstance(source.data, dict)
        else []
    )
    if len(lists) != 1:
        raise RuleFileError("expected a mapping with exactly one list (plus its source)", file=str(path))
    return [str(v) for v in lists[0]]


def load_spec(path: Path, model: type[Any]) -> tuple[Any, LoadedYaml]:
    """A data file under rules/ validated by `model`; errors name the file, line and field."""
    source = load_yaml_file(path, error=RuleFileError)
    return _validate(model, source), source


def _validate(model: type[Any], source: LoadedYaml) -> Any:
    try:
        return model.model_validate(source.data if source.data is not None else {})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        raise _error(source, loc, err["msg"]) from None


def compile_at(raw: Any, source: LoadedYaml, base: tuple[str | int, ...], part: str) -> Node:
    """Compile the condition at `base` in `source`; a ConditionError becomes a RuleFileError with its line."""
    try:
        return compile_condition(raw, part or "condition")
    except ConditionError as exc:
        path = base + parse_dotted(exc.where if part else exc.where.removeprefix("condition"))
        raise _error(source, path, str(exc)) from None


def _error(source: LoadedYaml, path: tuple[str | int, ...], message: str) -> RuleFileError:
    return RuleFileError(message, file=source.name, line=source.line_of(path), field=dotted(path) or None)


def _rule_error(rule: Rule, message: str) -> RuleFileError:
    return RuleFileError(message, file=rule.file, line=rule.line, field=rule.id)


def _cross_check(
    rules: list[Rule],
    named: dict[str, Node],
    national: dict[str, ParamSpec],
    overrides: dict[str, dict[str, ParamSpec]],
    base: Path,
) -> None:
    """References between files: unique IDs, known named conditions and parameters, message placeholders."""
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            raise _rule_error(rule, f"duplicate rule id (also in {seen[rule.id].file})")
        seen[rule.id] = rule
    for rule in rules:
        for alias in rule.spec.aliases:
            if alias in seen or sum(alias in r.spec.aliases for r in rules) > 1:
                raise _rule_error(rule, f"alias {alias!r} is already a rule ID or another rule's alias")
    for rule in rules:
        nodes = [n for n in (rule.applies, rule.check) if n is not None]
        for node in nodes:
            for name in node.uses() - named.keys():
                raise _rule_error(rule, f"uses unknown condition {name!r}")
            for name in node.params() - national.keys():
                raise _rule_error(rule, f"refers to unknown parameter ${name}")
        texts = [rule.spec.title, rule.spec.message, rule.spec.remediation]
        dates = rule.spec.dates
        dated = [t for t in (dates.earliest, dates.deadline) if t] if dates else []
        for text in texts + dated:
            for name in PLACEHOLDER.findall(text.zh + text.en):
                if name not in national and (text not in dated or name not in DATE_PLACEHOLDERS):
                    raise _rule_error(rule, f"message refers to unknown parameter {{{name}}}")
        if rule.spec.province_switch is not None:
            _check_switch(rule, rule.spec.province_switch, national, overrides)
    for name, node in named.items():
        for missing in node.params() - national.keys():
            raise RuleFileError(f"condition {name!r} refers to unknown parameter ${missing}", file=str(base))


def _check_named(named: dict[str, Node], defined: dict[str, tuple[str, int | None]]) -> None:
    """Named conditions use only known names, and never themselves through a chain of `use` (evaluating one
    would recurse without end: a hostile or mistaken rule file must be refused, not crash the run)."""
    for name, node in named.items():
        file, line = defined[name]
        for missing in sorted(node.uses() - named.keys()):
            raise RuleFileError(
                f"condition {name!r} uses unknown condition {missing!r}", file=file, line=line
            )
    done: set[str] = set()

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if name in chain:
            file, line = defined[chain[0]]
            cycle = " → ".join((*chain[chain.index(name) :], name))
            raise RuleFileError(f"named conditions use each other in a cycle: {cycle}", file=file, line=line)
        if name not in done:
            for used in sorted(named[name].uses()):
                visit(used, (*chain, name))
            done.add(name)

    for name in named:
        visit(name, ())


def _check_switch(
    rule: Rule, name: str, national: dict[str, ParamSpec], overrides: dict[str, dict[str, ParamSpec]]
) -> None:
    """A province switch is a parameter whose every value (national, per province, dated) is true or false."""
    if name not in national:
        raise _rule_error(rule, f"province_switch names unknown parameter {name!r}")
    layers = [("national", national[name])]
    layers += [(prov, params[name]) for prov, params in overrides.items() if name in params]
    for where, spec in layers:
        for value in [spec.value, *(d.value for d in spec.values or [])]:
            if not isinstance(value, bool):
                raise _rule_error(
                    rule, f"province_switch {name!r} is {value!r} in {where}: a switch is true or false"
                )


def format_text(text: str, params: Mapping[str, Any], lang: str = "zh") -> str:
    """Fill {param.name} placeholders with the parameter values in force (bilingual values in `lang`); in
    English a unit after a count of 1 is singular ("at least {months} months" with 1: "at least 1 month")."""
    filled = PLACEHOLDER.sub(lambda m: _show(params.get(m.group(1), m.group(0)), lang), text)
    return _ONE_UNIT.sub(r"\1\2", filled) if lang == "en" else filled


_ONE_UNIT = re.compile(r"(?<![\d.,])(1 (?:[a-z]+ ){0,2}?)(month|day|year|week|hour)s\b")


def _show(value: Any, lang: str) -> str:
    if isinstance(value, dict) and lang in value:
        return str(value[lang])
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return say(value, lang)  # yes/no, lists joined in the report's language, never an empty list
