"""The source registry (rules/sources.yaml): what "seed 002" or a statute name in a rule's `source` refers to.

Rules keep their source text as written; outputs pass it through `cite()`, which names every seed by its
title ("seed 002《企业 ICP 备案申请流程及注意事项》"), and JSON adds `source_refs()` — the keys and titles
cited — so a reader can follow each one with `icpcheck sources KEY`.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from icpcheck.data import rules_dir
from icpcheck.engine.loader import Bilingual, StrictModel, load_spec
from icpcheck.errors import RuleFileError, UsageError

SEED = re.compile(r"(?i:seed) (\d{3})(?!《)")  # also "Seed 001" at the start of a sentence
_SEED_ANY = re.compile(r"(?i:seed) (\d{3})")


class SourceSpec(StrictModel):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    title: Bilingual
    kind: Literal["statute", "authority", "provider documentation", "agency guide", "standard", "repository"]
    stated_title: str | None = None
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    seed: str | None = Field(default=None, pattern=r"^\d{3}$")
    file: str | None = None
    cited_as: list[str] = Field(default_factory=list)
    notes: Bilingual | None = None

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        data = self.model_dump(exclude_none=True, exclude_defaults=True)
        if lang is not None:
            data["title"] = self.title.get(lang)
            if self.notes is not None:
                data["notes"] = self.notes.get(lang)
        return data


class SourcesFile(StrictModel):
    sources: list[SourceSpec]


@cache
def load_sources(directory: Path | None = None) -> tuple[SourceSpec, ...]:
    path = (directory or rules_dir()) / "sources.yaml"
    spec, loaded = load_spec(path, SourcesFile)
    seen: dict[str, int] = {}
    for i, item in enumerate(spec.sources):
        for name in [item.key] + ([f"seed {item.seed}"] if item.seed else []):
            if name in seen:
                raise RuleFileError(
                    f"{name!r} is registered twice", file=loaded.name, line=loaded.line_of(("sources", i))
                )
            seen[name] = i
    return tuple(spec.sources)


@cache
def _by_seed() -> dict[str, SourceSpec]:
    return {s.seed: s for s in load_sources() if s.seed}


def find_source(name: str, directory: Path | None = None) -> SourceSpec:
    """A source by key, "seed 002" or "002" (of the rules `directory`, default: the bundled rules);
    UsageError naming the keys otherwise."""
    wanted = name.strip()
    number = wanted.removeprefix("seed").strip()
    for item in load_sources(directory):
        if wanted == item.key or (item.seed and number == item.seed):
            return item
    keys = ", ".join(s.key for s in load_sources(directory))
    raise UsageError(f"no source {name!r} (known: {keys})")


@lru_cache(maxsize=4096)
def cite(text: str) -> str:
    """`text` with every bare "seed NNN" followed by its title; unregistered seeds are left as they are
    (a test makes sure every seed the rules cite is registered)."""
    seeds = _by_seed()

    def title(m: re.Match[str]) -> str:
        item = seeds.get(m.group(1))
        return f"{m.group(0)}《{item.title.zh}》" if item else m.group(0)

    return SEED.sub(title, text)


@lru_cache(maxsize=4096)
def _refs(text: str) -> tuple[SourceSpec, ...]:
    seeds = _by_seed()
    found: list[tuple[int, SourceSpec]] = []
    for m in _SEED_ANY.finditer(text):
        if m.group(1) in seeds:
            found.append((m.start(), seeds[m.group(1)]))
    for item in load_sources():
        positions = [text.find(name) for name in item.cited_as if name in text]
        if positions:
            found.append((min(positions), item))
    out: list[SourceSpec] = []
    for _, item in sorted(found, key=lambda pair: pair[0]):
        if item not in out:
            out.append(item)
    return tuple(out)


def cited_sources(text: str) -> tuple[SourceSpec, ...]:
    """The registered sources `text` cites, in order of mention (reports list them by title)."""
    return _refs(text)


def source_refs(text: str) -> list[dict[str, str]]:
    """The registered sources `text` cites, in order of mention: [{"key", "title"}] for JSON outputs."""
    return [{"key": s.key, "title": s.title.zh} for s in _refs(text)]
