"""``tawasul report``: the organisers' reports (CSV, XLSX) and the network action plan.

The tables (participants, interests, matches, commitments) are one header row and one row
per record, in Arabic or French (``bot/report_words.py``). The commitments XLSX has a
second sheet with the two charts. The action plan («خطة عمل تعزيز التشبيك داخل الشبكة»)
groups the commitments (withdrawn ones left out) by theme, the network's axes, with an
overview table of counts by theme and status and the two charts; an Arabic plan is right
to left (section and paragraphs ``w:bidi``, runs ``w:rtl``, tables ``w:bidiVisual``).
The action tables are written as raw WordprocessingML: python-docx's cell objects cost
about 0.65 ms a row of six cells, most of the 10 s budget for ten thousand actions.
"""

from __future__ import annotations

import csv
import io
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from docx.enum.table import WD_TABLE_DIRECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from bot import report_charts
from bot.agenda_cli import (
    PARAGRAPH_AFTER_BIDI,
    WORD_LANGUAGES,
    _paragraph,
    _repeat_as_header,
    _set,
    blank_document,
)
from bot.config import Settings
from bot.report_words import kind as kind_word
from bot.report_words import scope as scope_word
from bot.report_words import status as status_word
from bot.report_words import word, yes_no
from db.models import COMMITMENT_STATUSES
from db.reports import CommitmentRow, Place
from domain.themes import Taxonomy

EXIT_OK = 0
EXIT_USAGE = 2
TABLES = ("participants", "interests", "matches", "commitments")
PLAN_STATUSES = tuple(status for status in COMMITMENT_STATUSES if status != "withdrawn")


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list]


class Words:
    """What the writers need to name things in one language."""

    def __init__(self, language: str, themes: Taxonomy, timezone: str) -> None:
        self.language = language
        self.themes = {theme.slug: theme.name(language) for theme in themes.themes}
        self.zone = ZoneInfo(timezone)

    def theme(self, slug: str | None) -> str:
        if slug is None:
            return word("no_theme", self.language)
        return self.themes.get(slug, slug)

    def themes_of(self, slugs: Sequence[str]) -> str:
        return "; ".join(self.theme(slug) for slug in slugs)

    def time(self, moment: datetime | None) -> str:
        return "" if moment is None else f"{moment.astimezone(self.zone):%Y-%m-%d %H:%M}"

    def place(self, place: Place) -> str:
        return place.label(self.language)

    def places(self, places: Sequence[Place]) -> str:
        return "; ".join(self.place(place) for place in places)

    def __call__(self, key: str) -> str:
        return word(key, self.language)


def participants_table(rows, w: Words) -> Table:
    keys = ["id", "name", "collectivity", "region", "kind", "position", "phone", "email"]
    keys += ["language", "registered_at", "checked_in"]
    return Table(
        w("sheet_participants"),
        [w(key) for key in keys],
        [
            [
                row.id,
                row.name,
                w.place(row.place),
                row.place.region(w.language),
                kind_word(row.place.kind, w.language),
                row.position,
                row.phone or "",
                row.email or "",
                row.language or "",
                w.time(row.registered_at),
                w.time(row.checked_in_at),
            ]
            for row in rows
        ],
    )


def interests_table(rows, w: Words) -> Table:
    keys = ["id", "name", "collectivity", "region", "offers", "seeks", "offer_text", "seek_text"]
    keys.append("scope")
    return Table(
        w("sheet_interests"),
        [w(key) for key in keys],
        [
            [
                row.participant_id,
                row.name,
                w.place(row.place),
                row.place.region(w.language),
                w.themes_of(row.offers),
                w.themes_of(row.seeks),
                row.offer_text,
                row.seek_text,
                scope_word(row.scope, w.language),
            ]
            for row in rows
        ],
    )


def matches_table(rows, w: Words) -> Table:
    keys = ["id", "requester", "requester_collectivity", "requested", "requested_collectivity"]
    keys += ["status", "created_at", "answered_at", "requester_met", "requested_met"]
    return Table(
        w("sheet_matches"),
        [w(key) for key in keys],
        [
            [
                row.id,
                row.requester,
                w.place(row.requester_place),
                row.requested,
                w.place(row.requested_place),
                status_word(row.status, w.language),
                w.time(row.created_at),
                w.time(row.answered_at),
                yes_no(row.requester_met, w.language),
                yes_no(row.requested_met, w.language),
            ]
            for row in rows
        ],
    )


def commitments_table(rows: Sequence[CommitmentRow], w: Words) -> Table:
    keys = ["id", "owner", "collectivity", "region", "action", "theme", "partners", "deadline"]
    keys += ["indicator", "status", "needs_help", "last_update", "follow_ups_sent"]
    return Table(
        w("sheet_commitments"),
        [w(key) for key in keys],
        [
            [
                row.id,
                row.owner,
                w.place(row.place),
                row.place.region(w.language),
                row.text,
                w.theme(row.theme),
                w.places(row.partners),
                row.deadline.isoformat(),
                row.indicator or "",
                status_word(row.status, w.language),
                yes_no(row.needs_help, w.language),
                w.time(row.updated_at),
                row.follow_ups_sent,
            ]
            for row in rows
        ],
    )


TABLE_BUILDERS: dict[str, Callable[..., Table]] = {
    "participants": participants_table,
    "interests": interests_table,
    "matches": matches_table,
    "commitments": commitments_table,
}


def write_csv(table: Table, target: Path) -> None:
    """UTF-8 with a byte order mark, so that a spreadsheet opens Arabic as Arabic."""
    with target.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(table.headers)
        writer.writerows(table.rows)


def write_xlsx(table: Table, target: Path, language: str, charts: Sequence[bytes] = ()) -> None:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image

    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.title[:31])
    sheet.sheet_view.rightToLeft = language == "ar"
    sheet.freeze_panes = "A2"
    sheet.append(table.headers)
    for row in table.rows:
        sheet.append(row)
    if charts:
        pictures = book.create_sheet(word("sheet_charts", language)[:31])
        pictures.sheet_view.rightToLeft = language == "ar"
        top = 1
        for png in charts:
            image = Image(io.BytesIO(png))
            pictures.add_image(image, f"A{top}")
            top += image.height // 20 + 2
    book.save(target)


# the action plan


@dataclass(frozen=True)
class Axis:
    label: str
    actions: list[list[str]]


@dataclass(frozen=True)
class Plan:
    locale: str
    rtl: bool
    title: str
    event: list[str]
    statuses: list[str]
    """The status labels, the overview's columns."""
    overview: list[list]
    """One row per theme: its label, a count per status, the total; then the totals."""
    headers: list[str]
    axes: list[Axis]
    charts: list[tuple[str, bytes]]


def counts(rows: Sequence[CommitmentRow], w: Words, taxonomy: Taxonomy):
    """(theme label → status → count, region name → count), themes in the taxonomy's order."""
    order = {theme.slug: index for index, theme in enumerate(taxonomy.themes)}
    by_theme: dict[str, Counter] = {}
    for slug in sorted({row.theme for row in rows}, key=lambda s: order.get(s, len(order))):
        by_theme[w.theme(slug)] = Counter()
    for row in rows:
        by_theme[w.theme(row.theme)][row.status] += 1
    regions = Counter(row.place.region(w.language) for row in rows)
    return by_theme, dict(sorted(regions.items(), key=lambda item: (-item[1], item[0])))


def plan(rows: Sequence[CommitmentRow], w: Words, taxonomy: Taxonomy, settings: Settings) -> Plan:
    live = [row for row in rows if row.status != "withdrawn"]
    by_theme, by_region = counts(live, w, taxonomy)
    overview = [
        [theme, *(found[status] for status in PLAN_STATUSES), sum(found.values())]
        for theme, found in by_theme.items()
    ]
    overview.append(
        [
            w("total"),
            *(sum(found[status] for found in by_theme.values()) for status in PLAN_STATUSES),
            len(live),
        ]
    )
    grouped: dict[str, list[list[str]]] = {theme: [] for theme in by_theme}
    for row in sorted(live, key=lambda row: (row.deadline, row.id)):
        grouped[w.theme(row.theme)].append(
            [
                w.place(row.place),
                row.text,
                w.places(row.partners) or w("none"),
                row.deadline.isoformat(),
                row.indicator or w("none"),
                status_word(row.status, w.language),
            ]
        )
    charts = []
    if live:
        charts = [
            (
                w("by_theme_and_status"),
                report_charts.png(
                    report_charts.by_theme_and_status(by_theme, PLAN_STATUSES, w.language)
                ),
            ),
            (w("by_region"), report_charts.png(report_charts.by_region(by_region, w.language))),
        ]
    event = settings.event
    return Plan(
        w.language,
        w.language == "ar",
        w("plan_title"),
        [
            f"{event.name.get(w.language)} — {event.place.get(w.language)} — {event.date:%Y-%m-%d}",
            f"{w('generated')} {datetime.now(w.zone):%Y-%m-%d}",
        ],
        [status_word(status, w.language) for status in PLAN_STATUSES],
        overview,
        [w(key) for key in ("owner", "action", "partners", "deadline", "indicator", "status")],
        [Axis(theme, actions) for theme, actions in grouped.items()],
        charts,
    )


def _md_cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", "<br>")


def _md_table(headers: Sequence[str], rows: Sequence[Sequence]) -> list[str]:
    lines = ["| " + " | ".join(map(_md_cell, headers)) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(map(_md_cell, row)) + " |" for row in rows]
    return lines


def markdown(document: Plan, words: Words) -> str:
    """The plan in Markdown (no charts: they are in the DOCX and the XLSX)."""
    lines = [f"# {document.title}", "", *(f"{line}  " for line in document.event), ""]
    lines += [f"## {words('overview')}", ""]
    lines += _md_table([words("theme"), *document.statuses, words("total")], document.overview)
    for axis in document.axes:
        lines += ["", f"## {axis.label}", ""]
        lines += _md_table(document.headers, axis.actions)
    body = "\n".join(lines) + "\n"
    if document.rtl:
        return f'<div dir="rtl" lang="{document.locale}">\n\n{body}\n</div>\n'
    return body


def _rtl_table(table) -> None:
    table.table_direction = WD_TABLE_DIRECTION.RTL


def _cell_xml(text: str, rtl: bool, locale: str, bold: bool = False):
    """A ``w:tc`` holding one paragraph of ``text``."""
    cell = OxmlElement("w:tc")
    paragraph = OxmlElement("w:p")
    if rtl:
        properties = OxmlElement("w:pPr")
        properties.append(OxmlElement("w:bidi"))
        paragraph.append(properties)
    run = OxmlElement("w:r")
    run_properties = OxmlElement("w:rPr")
    if bold:
        run_properties.append(OxmlElement("w:b"))
        if rtl:
            run_properties.append(OxmlElement("w:bCs"))
    if rtl:
        run_properties.append(OxmlElement("w:rtl"))
    language = OxmlElement("w:lang")
    language.set(qn("w:bidi" if locale == "ar" else "w:val"), WORD_LANGUAGES[locale])
    run_properties.append(language)
    run.append(run_properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    paragraph.append(run)
    cell.append(paragraph)
    return cell


def _grid(doc, document: Plan, headers: Sequence[str], rows: Sequence[Sequence]):
    """A table: a repeated header row, then one row per item, built as XML."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    if document.rtl:
        _rtl_table(table)
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, text in zip(header.cells, headers, strict=True):
        _paragraph(cell.paragraphs[0], document, str(text), bold=True)
    body = table._tbl
    for row in rows:
        tr = OxmlElement("w:tr")
        for value in row:
            tr.append(_cell_xml(str(value), document.rtl, document.locale))
        body.append(tr)
    return table


def word_document(document: Plan, words: Words):
    doc = blank_document(document.title, document.locale, document.rtl, font_points=9)
    _paragraph(doc.add_paragraph(style="Title"), document, document.title)
    for line in document.event:
        _paragraph(doc.add_paragraph(), document, line)
    _paragraph(doc.add_paragraph(style="Heading 1"), document, words("overview"))
    _grid(doc, document, [words("theme"), *document.statuses, words("total")], document.overview)
    if document.charts:
        _paragraph(doc.add_paragraph(style="Heading 1"), document, words("charts"))
    for caption, png in document.charts:
        _paragraph(doc.add_paragraph(style="Heading 2"), document, caption)
        doc.add_picture(io.BytesIO(png), width=Cm(16))
        if document.rtl:
            _set(doc.paragraphs[-1]._p.get_or_add_pPr(), "w:bidi", PARAGRAPH_AFTER_BIDI)
    for axis in document.axes:
        _paragraph(doc.add_paragraph(style="Heading 1"), document, axis.label)
        _grid(doc, document, document.headers, axis.actions)
    return doc


# the command


def _writable(target: Path) -> str | None:
    if target.is_dir():
        return f"{target}: is a folder; give the path of the file to write"
    if not target.parent.is_dir():
        return f"{target.parent}: no such folder"
    return None


async def rows_of(database, event_id: int, kind: str):
    """The rows report ``kind`` is written from."""
    from db import reports

    async with database.unit_of_work() as session:
        query = getattr(reports, "commitments" if kind == "plan" else kind)
        return await query(session, event_id)


async def read(settings: Settings, kind: str):
    """The rows of report ``kind`` from the configured database."""
    from bot.bootstrap import migrate, utc_now
    from db.session import Database

    database = Database(settings.database_url)
    try:
        event_id = await migrate(database, settings, utc_now())
        return await rows_of(database, event_id, kind)
    finally:
        await database.close()


def write(settings: Settings, kind: str, fmt: str, language: str, target, rows) -> str:
    """Write the report to a path (or, for XLSX and DOCX, a binary file); what to say."""
    words = Words(language, settings.themes, settings.event.timezone)
    if kind == "plan":
        document = plan(rows, words, settings.themes, settings)
        if fmt == "md":
            target.write_text(markdown(document, words), "utf-8")
        else:
            word_document(document, words).save(target)
        actions = sum(len(axis.actions) for axis in document.axes)
        return f"{target}: the action plan, {actions} actions in {len(document.axes)} axes"
    table = TABLE_BUILDERS[kind](rows, words)
    if fmt == "csv":
        write_csv(table, target)
    else:
        charts: list[bytes] = []
        if kind == "commitments" and rows:
            charts = [png for _, png in plan(rows, words, settings.themes, settings).charts]
        write_xlsx(table, target, language, charts)
    return f"{target}: {kind}, {len(table.rows)} rows"


def _say(message: str) -> None:
    print(f"tawasul: {message}", file=sys.stderr)


async def report(settings: Settings, kind: str, fmt: str, language: str, target: Path) -> int:
    """Read, then write; a path that cannot be written is one line and exit code 2."""
    problem = _writable(target)
    if problem:
        _say(problem)
        return EXIT_USAGE
    rows = await read(settings, kind)
    try:
        print(write(settings, kind, fmt, language, target, rows))
    except OSError as error:
        _say(f"{target}: cannot be written ({error.strerror or error})")
        return EXIT_USAGE
    return EXIT_OK
