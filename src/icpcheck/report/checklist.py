"""Materials checklists as text, Markdown, CSV, JSON and a fill-in XLSX sheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import IO

from icpcheck.materials import Checklist
from icpcheck.textsafe import printable, rich_text
from icpcheck.words import LABELS, entity


def _title(item_title: str, item_title_en: str, lang: str) -> str:
    return item_title_en if lang == "en" else item_title


def _header(checklist: Checklist, lang: str) -> str:
    from icpcheck.provinces import province_name

    h = LABELS[lang]
    return (
        f"{h['m_' + checklist.type]} · {h['province']} "
        f"{province_name(checklist.province, lang) if checklist.province else h['m_national']} · "
        f"{h['m_entity']} {entity(checklist.entity, lang)}"
    )


def render_text(checklist: Checklist, lang: str, *, color: bool = False) -> str:
    from rich.console import Console

    h = LABELS[lang]
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=100, highlight=False, soft_wrap=True
    )
    console.print(f"[bold]{rich_text(_header(checklist, lang))}[/]")
    for note in checklist.general:
        console.print(f" [bold]{h['m_general']}[/]: {rich_text(note.text)}")
        console.print(f"       [dim]{h['source']}: {rich_text(note.source)}[/]")
    for n, item in enumerate(checklist.items, 1):
        mark = "[green]■[/]" if item.required else "[yellow]□[/]"
        tag = h["m_required"] if item.required else h["m_conditional"]
        console.print(
            f" {n:>2}. {mark} {rich_text(_title(item.title, item.title_en, lang))} [dim]({tag}; {item.id})[/]"
        )
        if item.why:
            console.print(f"       {h['m_why']}: {rich_text(item.why)}")
        if item.notes:
            console.print(f"       {h['m_notes']}: {rich_text(item.notes)}")
        console.print(f"       [dim]{h['source']}: {rich_text(item.source)}[/]")
    return buffer.getvalue()


def render_markdown(checklist: Checklist, lang: str) -> str:
    h = LABELS[lang]
    rows = [
        f"### {_header(checklist, lang)}",
        "",
        *[f"- **{h['m_general']}**: {g.text} ({h['source']}: {g.source})" for g in checklist.general],
        *([""] if checklist.general else []),
        f"| # | {h['m_item']} | {h['m_required']} | {h['m_why']} | {h['m_notes']} | {h['source']} |",
        "|---|---|---|---|---|---|",
    ]
    for n, item in enumerate(checklist.items, 1):
        cells = [
            _title(item.title, item.title_en, lang),
            "✔" if item.required else "?",
            item.why,
            item.notes,
            item.source,
        ]
        rows.append(f"| {n} | " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return printable("\n".join(rows) + "\n")


def statuses(lang: str) -> list[str]:
    """The states of a document in the status column, the first one where every item starts."""
    return LABELS[lang]["m_statuses"].split(",")


def render_csv(checklist: Checklist, lang: str) -> str:
    """CSV with a UTF-8 BOM, so that Excel (on Chinese Windows too) opens it as UTF-8; a status column."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["id", "title", "title_en", "required", "why", "notes", "source", "status"])
    first, h = statuses(lang)[0], LABELS[lang]  # column names are keys; the cells are in the language
    for i in checklist.items:
        writer.writerow(
            [
                printable(cell)
                for cell in (i.id, i.title, i.title_en, h["m_required"] if i.required else h["m_conditional"])
            ]
            + [printable(i.why), printable(i.notes), printable(i.source), first]
        )
    for g in checklist.general:  # form requirements for every document, after the items
        writer.writerow([g.id, "", "", h["m_general"], "", g.text, g.source, ""])
    return out.getvalue()


def render_json(checklist: Checklist, lang: str) -> str:
    return json.dumps(checklist.to_dict(), ensure_ascii=False, indent=2) + "\n"


def write_xlsx(
    checklist: Checklist,
    lang: str,
    path: Path | IO[bytes],
    *,
    company: str = "",
    as_of: dt.date | None = None,
) -> None:
    """A formatted sheet to hand to the client: item, why, notes, source, then status (a drop-down) and owner
    to fill in; the company and the date in the title, the header row frozen."""
    from icpcheck.errors import UsageError

    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.worksheet.datavalidation import DataValidation
    except ImportError:
        raise UsageError("xlsx output needs openpyxl: pip install 'icpcheck[xlsx]'") from None
    h = LABELS[lang]
    book = Workbook()
    sheet = book.active
    sheet.title = checklist.type
    title = [printable(company, one_line=True), _header(checklist, lang), as_of.isoformat() if as_of else ""]
    sheet.append([" · ".join(t for t in title if t)])
    sheet["A1"].font = Font(bold=True, size=13)
    columns = [
        "#",
        *(h[k] for k in ("m_item", "m_required", "m_why", "m_notes", "source", "status", "m_owner")),
    ]
    sheet.append(columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
    for n, item in enumerate(checklist.items, 1):
        sheet.append(
            [
                n,
                printable(_title(item.title, item.title_en, lang)),
                "✔" if item.required else "?",
                printable(item.why),
                printable(item.notes),
                printable(item.source),
                statuses(lang)[0],
                "",
            ]
        )
    if checklist.items:
        choices = DataValidation(type="list", formula1='"' + ",".join(statuses(lang)) + '"', allow_blank=True)
        sheet.add_data_validation(choices)
        choices.add(f"G3:G{len(checklist.items) + 2}")
    for note in checklist.general:
        sheet.append(["", h["m_general"], "", "", note.text, note.source, "", ""])
    for letter, width in zip("ABCDEFGH", (5, 42, 8, 36, 42, 40, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    book.save(path)


def catalogue_markdown() -> str:
    """Every item of the materials catalogue, for the README (generated, never hand-copied)."""
    from icpcheck.materials import load_catalogue
    from icpcheck.sources import cite

    rows = ["| ID | document | applies to | when | source |", "|---|---|---|---|---|"]
    for m in load_catalogue():
        spec = m.spec
        scope = [
            f"only {', '.join(spec.provinces)}" if spec.provinces else "",
            f"not {', '.join(spec.not_provinces)}" if spec.not_provinces else "",
            ", ".join(spec.entities) if spec.entities else "",
        ]
        when = spec.when.en if spec.when else ("one per " + spec.each if spec.each else "always")
        cells = [
            f"`{spec.id}`",
            f"{spec.title.zh}<br>{spec.title.en}",
            "; ".join(s for s in scope if s) or "all",
            when,
            cite(spec.source),
        ]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"
