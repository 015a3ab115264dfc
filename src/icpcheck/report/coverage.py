"""`icpcheck rules coverage`: the fidelity ledger as text, JSON and Markdown, with counts per seed."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter

from icpcheck.ledger import REF_KINDS, STATUSES, Ledger, Statement
from icpcheck.sources import cite, find_source
from icpcheck.textsafe import table_cell
from icpcheck.words import LABELS


def _status(status: str, lang: str) -> str:
    return LABELS[lang]["cov_" + status]


def _seed(seed: str, lang: str) -> str:
    """ "seed 000《北京 ICP 证办理指南（代理机构）》": a seed by its title, as every output names it."""
    return f"{LABELS[lang]['cov_seed']} {seed}《{find_source(seed).title.get(lang)}》"


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
    parts = ", ".join(f"{counts[s]} {_status(s, lang)}" for s in STATUSES if counts[s])
    return f"{total} {LABELS[lang]['cov_statements']}: {parts}"


def coverage_text(ledger: Ledger, lang: str) -> str:
    counts = ledger.counts()
    words = LABELS[lang]
    width = max((len(st.key) for st in ledger.statements), default=10)
    status_width = max(len(_status(s, lang)) for s in STATUSES)
    out: list[str] = []
    for seed in (s for s in counts if s != "total"):
        out.append(f"{_seed(seed, lang)}  ({_summary(counts[seed], lang)})")
        for st in (st for st in ledger.statements if st.seed == seed):
            out.append(f"  {st.key:<{width}}  {_status(st.status, lang):<{status_width}}  「{st.quote}」")
            out.append(f"  {'':<{width}}  {'':<{status_width}}  → {cite(_what(st))}")
            if st.resolution:
                out.append(
                    f"  {'':<{width}}  {'':<{status_width}}  {words['cov_resolution']}: {cite(st.resolution)}"
                )
        out.append("")
    out.append(words["cov_counts"])
    out.extend(_count_rows(counts, lang, markdown=False))
    return "\n".join(out) + "\n"


def _count_rows(counts: dict[str, Counter[str]], lang: str, *, markdown: bool) -> list[str]:
    words = LABELS[lang]
    header = [words["cov_seed"], *(_status(s, lang) for s in STATUSES), words["cov_total"]]
    rows = [
        [
            words["cov_total"] if seed == "total" else seed,
            *(str(c[s]) for s in STATUSES),
            str(sum(c.values())),
        ]
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
    words = LABELS[lang]
    out = [f"## {words['cov_counts']}", "", *_count_rows(counts, lang, markdown=True), ""]
    for seed in (s for s in counts if s != "total"):
        out += [f"## {_seed(seed, lang)}", "", "| key | status | quote | encoded by / reason |"]
        out.append("|---|---|---|---|")
        for st in (st for st in ledger.statements if st.seed == seed):
            what = cite(
                _what(st) + (f"<br>{words['cov_resolution']}: {st.resolution}" if st.resolution else "")
            )
            out.append(
                f"| `{st.key}` | {_status(st.status, lang)} | {table_cell(st.quote)} | {table_cell(what)} |"
            )
        out.append("")
    return "\n".join(out)
