"""`icpcheck rules coverage`: the fidelity ledger as text, JSON and Markdown, with counts per seed."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter

from icpcheck.ledger import REF_KINDS, STATUSES, Ledger, Statement
from icpcheck.sources import cite, find_source
from icpcheck.textsafe import table_cell

_STATUS = {
    "zh": {
        "encoded": "已编码",
        "info_only": "仅供参考",
        "not_checkable": "无法检查",
        "superseded": "已被取代",
        "pending": "待编码",
    },
    "en": {s: s.replace("_", " ") for s in STATUSES},
}
_WORDS = {
    "zh": {
        "seed": "种子",
        "statements": "条陈述",
        "total": "合计",
        "counts": "统计",
        "resolution": "分歧处理",
    },
    "en": {
        "seed": "seed",
        "statements": "statements",
        "total": "total",
        "counts": "counts",
        "resolution": "resolution",
    },
}


def _seed(seed: str, lang: str) -> str:
    """ "seed 000《北京 ICP 证办理指南（代理机构）》": a seed by its title, as every output names it."""
    return f"{_WORDS[lang]['seed']} {seed}《{find_source(seed).title.get(lang)}》"


def _encoding(st: Statement) -> str:
    return "; ".join(f"{kind}: {', '.join(ids)}" for kind, ids in st.refs().items() if ids)


def _what(st: Statement) -> str:
    """The encoding, or the reason (with where it shows up, if anywhere)."""
    encoding = _encoding(st)
    if st.status == "encoded":
        return encoding
    return st.reason + (f" [{encoding}]" if encoding else "")


def _summary(counts: Counter[str], lang: str) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{counts[s]} {_STATUS[lang][s]}" for s in STATUSES if counts[s])
    return f"{total} {_WORDS[lang]['statements']}: {parts}"


def coverage_text(ledger: Ledger, lang: str) -> str:
    counts = ledger.counts()
    words = _WORDS[lang]
    width = max((len(st.key) for st in ledger.statements), default=10)
    status_width = max(len(v) for v in _STATUS[lang].values())
    out: list[str] = []
    for seed in (s for s in counts if s != "total"):
        out.append(f"{_seed(seed, lang)}  ({_summary(counts[seed], lang)})")
        for st in (st for st in ledger.statements if st.seed == seed):
            out.append(f"  {st.key:<{width}}  {_STATUS[lang][st.status]:<{status_width}}  「{st.quote}」")
            out.append(f"  {'':<{width}}  {'':<{status_width}}  → {cite(_what(st))}")
            if st.resolution:
                out.append(
                    f"  {'':<{width}}  {'':<{status_width}}  {words['resolution']}: {cite(st.resolution)}"
                )
        out.append("")
    out.append(words["counts"])
    out.extend(_count_rows(counts, lang, markdown=False))
    return "\n".join(out) + "\n"


def _count_rows(counts: dict[str, Counter[str]], lang: str, *, markdown: bool) -> list[str]:
    words = _WORDS[lang]
    header = [words["seed"], *(_STATUS[lang][s] for s in STATUSES), words["total"]]
    rows = [
        [words["total"] if seed == "total" else seed, *(str(c[s]) for s in STATUSES), str(sum(c.values()))]
        for seed, c in counts.items()
    ]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return lines + ["| " + " | ".join(r) + " |" for r in rows]
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  " + "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]


def _width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def coverage_json(ledger: Ledger) -> str:
    data = {
        "statements": [
            {
                "key": st.key,
                "seed": st.seed,
                "id": st.id,
                "quote": st.quote,
                "status": st.status,
                **{kind: st.refs()[kind] for kind in REF_KINDS},
                "source": {"key": find_source(st.seed).key, "title": find_source(st.seed).title.zh},
                "reason": st.reason or None,
                "resolution": st.resolution,
                "note": st.note,
            }
            for st in ledger.statements
        ],
        "counts": {
            seed: {**{s: c[s] for s in STATUSES}, "total": sum(c.values())}
            for seed, c in ledger.counts().items()
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def coverage_markdown(ledger: Ledger, lang: str) -> str:
    counts = ledger.counts()
    words = _WORDS[lang]
    out = [f"## {words['counts']}", "", *_count_rows(counts, lang, markdown=True), ""]
    for seed in (s for s in counts if s != "total"):
        out += [f"## {_seed(seed, lang)}", "", "| key | status | quote | encoded by / reason |"]
        out.append("|---|---|---|---|")
        for st in (st for st in ledger.statements if st.seed == seed):
            what = cite(_what(st) + (f"<br>{words['resolution']}: {st.resolution}" if st.resolution else ""))
            out.append(
                f"| `{st.key}` | {_STATUS[lang][st.status]} | {table_cell(st.quote)} | {table_cell(what)} |"
            )
        out.append("")
    return "\n".join(out)
