"""The fidelity ledger (rules/ledger.yaml): every checkable statement of the seeds and what encodes it.

Each statement has a seed, a short verbatim quote, and either references to what encodes it (rule IDs,
materials item IDs, parameter names, guidance entries, province data fields, profile fields) or the reason
nothing does: `info_only`, `not_checkable`, `superseded_by` (what replaces it and why) or `pending` (should be
encoded, not yet). `references()` and `uncited()` keep the ledger honest against the rule data; the tests
run both, and `icpcheck rules coverage` prints the table and the counts.
"""

from __future__ import annotations

import re
import typing
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, model_validator

from icpcheck.data import rules_dir
from icpcheck.engine.loader import StrictModel, load_spec
from icpcheck.errors import RuleFileError
from icpcheck.yamlio import LoadedYaml, load_yaml_file

STATUSES = ("encoded", "info_only", "not_checkable", "superseded", "pending")
REASONS = ("info_only", "not_checkable", "superseded_by", "pending")
REF_KINDS = ("rules", "materials", "params", "guidance", "provinces", "profile")
_ONE = {
    "rules": "rule",
    "materials": "materials item",
    "params": "parameter",
    "guidance": "guidance entry",
    "provinces": "province field",
    "profile": "profile field",
}
_SEED_CITE = re.compile(r"\bseeds?\s+(\d{3}(?:\s*(?:/|,|，|、|&|and)\s*\d{3})*)")
_KEY = re.compile(r"^\d{3}\.[a-z0-9_]+$")


class Superseded(StrictModel):
    by: str = Field(min_length=1)  # a ledger key (NNN.id) or a statute / source
    reason: str = Field(min_length=1)


class Statement(StrictModel):
    seed: str = Field(pattern=r"^\d{3}$")
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    quote: str = Field(min_length=2)
    rules: list[str] = Field(default_factory=list)
    materials: list[str] = Field(default_factory=list)
    params: list[str] = Field(default_factory=list)
    guidance: list[str] = Field(default_factory=list)  # <file stem>.<entry>, e.g. classify.licence
    provinces: list[str] = Field(default_factory=list)  # <province key or *>.<field>
    profile: list[str] = Field(default_factory=list)  # dotted profile field, e.g. people.site_owner.email
    info_only: str | None = None
    not_checkable: str | None = None
    superseded_by: Superseded | None = None
    pending: str | None = None
    resolution: str | None = None  # where the seeds disagree: what icpcheck does and why
    note: str | None = None

    @model_validator(mode="after")
    def _one_status(self) -> Statement:
        reasons = [r for r in REASONS if getattr(self, r)]
        if len(reasons) > 1:
            raise ValueError(f"give one of {', '.join(REASONS)}, not {' and '.join(reasons)}")
        if not reasons and not any(self.refs().values()):
            raise ValueError(
                f"neither an encoding ({', '.join(REF_KINDS)}) nor a reason ({', '.join(REASONS)})"
            )
        return self

    @property
    def key(self) -> str:
        return f"{self.seed}.{self.id}"

    @property
    def status(self) -> str:
        """pending / superseded / not_checkable / info_only win over references (those only show where)."""
        if self.pending:
            return "pending"
        if self.superseded_by:
            return "superseded"
        if self.not_checkable:
            return "not_checkable"
        if self.info_only:
            return "info_only"
        return "encoded"

    @property
    def reason(self) -> str:
        if self.superseded_by:
            return f"{self.superseded_by.by}: {self.superseded_by.reason}"
        return self.pending or self.not_checkable or self.info_only or ""

    def refs(self) -> dict[str, list[str]]:
        return {kind: getattr(self, kind) for kind in REF_KINDS}


class LedgerFile(StrictModel):
    statements: list[Statement]


@dataclass(slots=True)
class Ledger:
    statements: list[Statement]
    source: LoadedYaml

    def line_of(self, index: int) -> int | None:
        return self.source.line_of(("statements", index))

    def counts(self) -> dict[str, Counter[str]]:
        """Per seed (and "total"): how many statements have each status."""
        out: dict[str, Counter[str]] = {}
        for st in self.statements:
            out.setdefault(st.seed, Counter())[st.status] += 1
        out = dict(sorted(out.items()))
        out["total"] = sum(out.values(), Counter())
        return out


def load_ledger(directory: Path | None = None) -> Ledger:
    path = (directory or rules_dir()) / "ledger.yaml"
    if not path.exists():  # optional in a rules directory (`rules validate` passes without one)
        bundled = rules_dir() / "ledger.yaml"
        start = (
            f"; to keep one, start from a copy of {bundled}" if bundled != path and bundled.is_file() else ""
        )
        raise RuleFileError(
            "no fidelity ledger in this rules directory: `rules coverage` prints ledger.yaml, each checkable "
            f"seed statement and what encodes it{start}",
            file=str(path),
        )
    spec, source = load_spec(path, LedgerFile)
    seen: dict[str, int] = {}
    for i, st in enumerate(spec.statements):
        if st.key in seen:
            raise RuleFileError(
                f"duplicate statement {st.key} (also at line {source.line_of(('statements', seen[st.key]))})",
                file=source.name,
                line=source.line_of(("statements", i)),
            )
        seen[st.key] = i
    ledger = Ledger(spec.statements, source)
    for i, st in enumerate(ledger.statements):
        by = st.superseded_by.by if st.superseded_by else ""
        if _KEY.match(by) and by not in seen:
            raise RuleFileError(
                f"superseded_by names unknown statement {by}", file=source.name, line=ledger.line_of(i)
            )
    return ledger


# --- what the ledger may reference ---------------------------------------------------------------------


def known_ids(directory: Path | None = None) -> dict[str, set[str]]:
    """Every ID a ledger entry may name, per reference kind."""
    from icpcheck.engine import load_ruleset
    from icpcheck.materials import TYPES, load_catalogue, load_general

    base = directory or rules_dir()
    ruleset = load_ruleset(base)
    general = {g.id for kind in TYPES for g in load_general(kind, directory)}
    return {
        "rules": {r.id for r in ruleset.rules},
        "materials": {m.spec.id for m in load_catalogue(directory)} | general,
        "params": set(ruleset.national),
        "guidance": _guidance_names(base / "guidance"),
        "provinces": _province_fields(base / "provinces.yaml"),
        "profile": _profile_fields(),
    }


def _guidance_names(folder: Path) -> set[str]:
    """`<stem>.<top-level key>`, and each list item by its ID (see `_guidance_id`)."""
    names: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        data = load_yaml_file(path, error=RuleFileError).data
        if not isinstance(data, dict):
            continue
        stem = path.stem
        for key, value in data.items():
            names.add(f"{stem}.{key}")
            for item in value if isinstance(value, list) else []:
                ident = item.get("id") if isinstance(item, dict) else None
                if isinstance(ident, str):
                    names.add(_guidance_id(stem, key, ident))
    return names


def _guidance_id(stem: str, key: str, ident: str) -> str:
    """A dotted item ID is already global (classify.licence, obligation.change_filing); a bare one is
    qualified by its file and list (timeline.filing.preparation)."""
    return ident if "." in ident else f"{stem}.{key}.{ident}"


def _province_fields(path: Path) -> set[str]:
    """`<key>.<field>` for each province, and `*.<field>` for fields every province has."""
    data = load_yaml_file(path, error=RuleFileError).data
    provinces = data.get("provinces", {}) if isinstance(data, dict) else {}
    names: set[str] = set()
    common: set[str] | None = None
    for key, fields in provinces.items():
        keys = set(fields) if isinstance(fields, dict) else set()
        names |= {f"{key}.{f}" for f in keys}
        common = keys if common is None else common & keys
    return names | {f"*.{f}" for f in common or ()}


def _profile_fields() -> set[str]:
    from icpcheck.profile.model import Profile

    names: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = prefix + name
            names.add(path)
            sub = _model_in(info.annotation)
            if sub is not None:
                walk(sub, path + ".")

    walk(Profile, "")
    return names


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside Optional[...] / list[...] / Annotated[...], if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def references(ledger: Ledger, directory: Path | None = None) -> list[str]:
    """Problems: ledger entries naming an ID that does not exist (file:line: key: kind 'id')."""
    known = known_ids(directory)
    problems = []
    for i, st in enumerate(ledger.statements):
        for kind, ids in st.refs().items():
            for ident in ids:
                if ident not in known[kind]:
                    where = f"{ledger.source.name}:{ledger.line_of(i)}"
                    problems.append(f"{where}: {st.key}: unknown {_ONE[kind]} {ident!r}")
    return problems


def cited_seeds(source: str) -> set[str]:
    """Seed numbers a `source` text cites: "seed 000 (…); seeds 001/004" → {000, 001, 004}."""
    return {n for m in _SEED_CITE.finditer(source) for n in re.findall(r"\d{3}", m.group(1))}


def citing_entries(directory: Path | None = None) -> list[tuple[str, str, str]]:
    """(kind, id, source) of every rule, materials item, parameter and guidance entry that has a source."""
    from icpcheck.engine import load_ruleset
    from icpcheck.materials import TYPES, load_catalogue, load_general

    base = directory or rules_dir()
    ruleset = load_ruleset(base)
    out = [("rules", r.id, r.spec.source) for r in ruleset.rules]
    out += [("materials", m.spec.id, m.spec.source) for m in load_catalogue(directory)]
    out += [("materials", g.id, g.source) for kind in TYPES for g in load_general(kind, directory)]
    for layer in [ruleset.national, *ruleset.overrides.values()]:
        for name, param in layer.items():
            out += [
                ("params", name, text) for text in [param.source, *(v.source for v in param.values or [])]
            ]
    for path in sorted((base / "guidance").glob("*.yaml")):
        data = load_yaml_file(path, error=RuleFileError).data
        for key, value in data.items() if isinstance(data, dict) else []:
            if isinstance(value, str) and "source" in key:  # e.g. site.yaml's source_filing
                out.append(("guidance", f"{path.stem}.{key}", value))
            for item in value if isinstance(value, list) else []:
                if (
                    isinstance(item, dict)
                    and isinstance(item.get("id"), str)
                    and isinstance(item.get("source"), str)
                ):
                    out.append(("guidance", _guidance_id(path.stem, key, item["id"]), item["source"]))
    return out


def uncited(ledger: Ledger, directory: Path | None = None) -> list[str]:
    """Entries whose source cites seed NNN while no ledger statement of seed NNN names them."""
    listed: set[tuple[str, str, str]] = set()
    for st in ledger.statements:
        for kind, ids in st.refs().items():
            listed |= {(st.seed, kind, ident) for ident in ids}
    problems = []
    for kind, ident, source in citing_entries(directory):
        for seed in sorted(cited_seeds(source)):
            if (seed, kind, ident) not in listed:
                problems.append(
                    f"{_ONE[kind]} {ident!r} cites seed {seed}, but no statement of seed {seed} in "
                    f"rules/ledger.yaml lists it under {kind}"
                )
    return sorted(set(problems))


def checked_ledger(directory: Path | None = None) -> Ledger:
    """The ledger, refused (exit 2) when it is out of step with the rule data (`references`, `uncited`)."""
    ledger = load_ledger(directory)
    problems = references(ledger, directory) + uncited(ledger, directory)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise RuleFileError(f"ledger out of step with the rules: {problems[0]}{more}")
    return ledger


# --- quotes ---------------------------------------------------------------------------------------------

_DROP = re.compile(r"[\s\"'“”‘’「」『』`*]+")


def normalise(text: str) -> str:
    """Compare quotes with seed text: NFKC (full-width → ASCII), no whitespace or quotation marks."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


def quote_in(quote: str, text: str) -> bool:
    """Each part of the quote (parts separated by … or ...) occurs in the text, in order."""
    haystack = normalise(text)
    pos = 0
    for part in re.split(r"…+|\.\.\.", quote):
        needle = normalise(part)
        if not needle:
            continue
        found = haystack.find(needle, pos)
        if found < 0:
            return False
        pos = found + len(needle)
    return True
