"""``tawasul agenda``: show the programme, check a new agenda file, export the run of show.

The export is the workshop's first deliverable, the run of show (déroulé): a title, the
event, and a table of the sessions with their times, objectives and prompts, in Arabic
or French (English too), as Markdown or as a Word document. An Arabic document is right
to left: the section and every paragraph carry ``w:bidi``, every run ``w:rtl``, the table
``w:bidiVisual`` (its first column on the right); paragraphs take no explicit alignment,
which for a right-to-left paragraph is the right edge.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_DIRECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from bot.config import ConfigError, Settings
from bot.english import count_of
from domain.agenda import Agenda, Audience, Prompt, PromptKind, Session, parse_csv, parse_toml
from domain.agenda import check as check_agenda
from handlers.agenda import programme_text
from locales.i18n import FSI, LRI, N_, PDI, Catalogs, Ltr, Native, Translator

EXIT_OK = 0
EXIT_USAGE = 2
FORMATS = ("md", "docx")
LANGUAGES = ("ar", "fr", "en")
WORD_LANGUAGES = {"ar": "ar-MA", "fr": "fr-MA", "en": "en-GB"}
FONT = "Arial"
"""Has Arabic and Latin glyphs on every office machine."""

KIND_NAMES = {
    PromptKind.QUESTION: N_("Open question"),
    PromptKind.POLL: N_("Poll"),
    PromptKind.CARD: N_("Card"),
    PromptKind.CHECKIN: N_("Check-in"),
    PromptKind.INTERESTS: N_("Interests button"),
    PromptKind.COMMIT: N_("Commitment button"),
}
AUDIENCE_NAMES = {
    Audience.ALL: N_("to everyone registered"),
    Audience.PRESENT: N_("to those present"),
}


def _say(message: str) -> None:
    print(f"tawasul: {message}", file=sys.stderr)


def _translator(settings: Settings, locale: str) -> Translator:
    return Catalogs(LANGUAGES, settings.default_locale).translator(locale)


def show(settings: Settings, locale: str | None) -> int:
    tr = _translator(settings, locale or settings.default_locale)
    print(programme_text(tr, settings.agenda, settings.event))
    return EXIT_OK


def check(settings: Settings, file: Path) -> int:
    """Every problem of ``file``, one a line on stderr, then their count; or one OK line."""
    if file.is_dir():
        _say(f"{file}: is a folder; give the path of an agenda file (TOML or CSV)")
        return EXIT_USAGE
    try:
        text = file.read_text("utf-8")
    except FileNotFoundError:
        _say(f"{file}: no such file; give the path of an agenda file (TOML or CSV)")
        return EXIT_USAGE
    except (OSError, UnicodeDecodeError) as error:
        _say(f"{file}: cannot be read ({error})")
        return EXIT_USAGE
    parse = parse_csv if file.suffix.casefold() == ".csv" else parse_toml
    agenda, problems = parse(text, timezone=settings.event.timezone)
    problems += check_agenda(agenda, settings.event.date)
    if problems:
        for problem in problems:
            print(f"{file}: {problem}", file=sys.stderr)
        print(f"{file}: {count_of(len(problems), 'problem', 'problems')}", file=sys.stderr)
        return EXIT_USAGE
    prompts = len(agenda.prompts())
    print(
        f"{file}: OK, {count_of(len(agenda.sessions), 'session', 'sessions')} and "
        f"{count_of(prompts, 'prompt', 'prompts')} on {settings.event.date:%Y-%m-%d}"
    )
    return EXIT_OK


async def load(settings: Settings, file: Path) -> int:
    """Make ``file`` the agenda the bot follows, its schedule brought in line with it.

    The file is checked as ``agenda check`` does (a bad one changes nothing). A running
    bot takes it up at its next sweep; a restart keeps it while the configured file is
    unchanged.
    """
    from bot.bootstrap import migrate, utc_now
    from bot.config import read_agenda_file
    from bot.run_of_show import configured_digest, load_agenda
    from db.schedule import Schedule
    from db.session import Database

    problem = _unreadable(file)
    if problem:
        _say(problem)
        return EXIT_USAGE
    agenda = read_agenda_file(file, settings.event)
    database = Database(settings.database_url)
    try:
        event_id = await migrate(database, settings, utc_now())
        async with database.unit_of_work() as session:
            loaded = await Schedule(session).agenda(event_id)
            result = await load_agenda(
                session,
                event_id,
                agenda,
                settings.reminders,
                utc_now(),
                config_digest=configured_digest(settings)
                if loaded is None
                else loaded.config_digest,
            )
    finally:
        await database.close()
    sessions = count_of(len(agenda.sessions), "session", "sessions")
    if not result.changed:
        print(f"{file}: the bot follows this agenda already ({sessions})")
        return EXIT_OK
    print(
        f"{file}: loaded, {sessions}; reminders and prompts: {result.added} added, "
        f"{result.moved} moved, {result.cancelled} cancelled"
    )
    return EXIT_OK


def _unreadable(file: Path) -> str | None:
    if file.is_dir():
        return f"{file}: is a folder; give the path of an agenda file (TOML or CSV)"
    if not file.exists():
        return f"{file}: no such file; give the path of an agenda file (TOML or CSV)"
    return None


def export(settings: Settings, arguments: argparse.Namespace) -> int:
    target: Path = arguments.output
    kind = arguments.format or target.suffix.casefold().lstrip(".")
    if kind not in FORMATS:
        _say(f"{target}: say --format md or --format docx (or name the file .md or .docx)")
        return EXIT_USAGE
    if target.is_dir():
        _say(f"{target}: is a folder; give the path of the file to write")
        return EXIT_USAGE
    if not target.parent.is_dir():
        _say(f"{target.parent}: no such folder")
        return EXIT_USAGE
    agenda = settings.agenda
    document = run_of_show(_translator(settings, arguments.lang), agenda, settings)
    try:
        if kind == "md":
            target.write_text(markdown(document), "utf-8")
        else:
            word(document).save(target)
    except OSError as error:
        raise ConfigError(f"{target}: cannot be written ({error})") from None
    print(f"{target}: the run of show, {count_of(len(agenda.sessions), 'session', 'sessions')}")
    return EXIT_OK


# the document, whatever its format


@dataclass(frozen=True)
class Row:
    time: str
    title: str
    session: tuple[str, ...]
    """The place and the description."""
    objectives: tuple[str, ...]
    prompts: tuple[tuple[str, ...], ...]
    """Each prompt's lines: when, what and to whom; its text; its answers."""


@dataclass(frozen=True)
class RunOfShow:
    locale: str
    rtl: bool
    title: str
    event: tuple[str, ...]
    headers: tuple[str, str, str, str]
    rows: tuple[Row, ...]


def run_of_show(tr: Translator, agenda: Agenda, settings: Settings) -> RunOfShow:
    locale = tr.locale
    event = settings.event
    return RunOfShow(
        locale=locale,
        rtl=tr.rtl,
        title=tr._("Run of show"),
        event=(
            event.name.get(locale),
            tr._(
                "{day}, {place}",
                day=tr.long_date(agenda.day or event.date),
                place=Native(event.place.get(locale)),
            ),
            tr._("Times are local ({timezone}).", timezone=Ltr(agenda.timezone)),
        ),
        headers=(tr._("Time"), tr._("Session"), tr._("Objectives"), tr._("Prompts")),
        rows=tuple(_row(tr, session) for session in agenda.sessions),
    )


def _row(tr: Translator, session: Session) -> Row:
    locale = tr.locale
    details = [tr._("Place: {place}", place=Native(session.place.get(locale)))]
    if session.description is not None:
        details.append(session.description.get(locale))
    return Row(
        time=tr._(
            "{starts}–{ends}",
            starts=Ltr(tr.time(session.starts)),
            ends=Ltr(tr.time(session.ends)),
        ),
        title=session.title.get(locale),
        session=tuple(details),
        objectives=tuple(f"• {objective.get(locale)}" for objective in session.objectives),
        prompts=tuple(_prompt_lines(tr, prompt) for prompt in session.prompts),
    )


def _prompt_lines(tr: Translator, prompt: Prompt) -> tuple[str, ...]:
    locale = tr.locale
    lines = [
        tr._(
            "{time} — {kind}, {audience}",
            time=Ltr(tr.time(prompt.due)),
            kind=tr._(KIND_NAMES[prompt.kind]),
            audience=tr._(AUDIENCE_NAMES[prompt.audience]),
        ),
        *prompt.text.get(locale).splitlines(),
    ]
    labels = Native(" / ".join(option.get(locale) for option in prompt.options))
    if prompt.kind is PromptKind.POLL:
        lines.append(tr._("Answers: {answers}", answers=labels))
    elif prompt.kind is PromptKind.CHECKIN or prompt.options:
        lines.append(tr._("Button: {label}", label=labels))
    return tuple(lines)


# Markdown


def _cell(lines: tuple[str, ...] | list[str]) -> str:
    return "<br>".join(line.replace("|", "\\|") for line in lines if line)


def markdown(document: RunOfShow) -> str:
    """A Markdown table; an Arabic one inside ``<div dir="rtl">`` for the renderers."""
    lines = [f"# {document.title}", "", *(f"{line}  " for line in document.event), ""]
    lines.append("| " + " | ".join(document.headers) + " |")
    lines.append("|" + "---|" * len(document.headers))
    for row in document.rows:
        session = _cell([f"**{row.title}**", *row.session])
        prompts = _cell([line for prompt in row.prompts for line in prompt])
        lines.append(f"| {row.time} | {session} | {_cell(row.objectives)} | {prompts} |")
    body = "\n".join(lines) + "\n"
    if document.rtl:
        return f'<div dir="rtl" lang="{document.locale}">\n\n{body}\n</div>\n'
    return body


# Word


def _plain(text: str) -> str:
    """Without the isolates meant for phones: Word orders each run by its own rules."""
    return text.translate({ord(mark): None for mark in (FSI, LRI, PDI)})


def blank_document(title: str, locale: str, rtl: bool, *, font_points: int):
    """An empty python-docx ``Document`` titled and in ``locale``: Arial (complex scripts
    too) at ``font_points``, margins of 1.5 cm, the section right to left when ``rtl``."""
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.language = WORD_LANGUAGES[locale]
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(font_points)
    _complex_script_font(normal.element.get_or_add_rPr())
    section = doc.sections[0]
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(1.5))
    if rtl:
        _set(section._sectPr, "w:bidi", SECTION_AFTER_BIDI)
    return doc


def word(document: RunOfShow):
    """The run of show as a python-docx ``Document``, landscape A4."""
    doc = blank_document(document.title, document.locale, document.rtl, font_points=10)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)

    _paragraph(doc.add_paragraph(style="Title"), document, document.title)
    for line in document.event:
        _paragraph(doc.add_paragraph(), document, line)

    widths = (Cm(2.4), Cm(8.2), Cm(6.2), Cm(9.9))
    table = doc.add_table(rows=1, cols=len(document.headers))
    table.style = "Table Grid"
    if document.rtl:
        table.table_direction = WD_TABLE_DIRECTION.RTL
    _repeat_as_header(table.rows[0])
    for cell, header, width in zip(table.rows[0].cells, document.headers, widths, strict=True):
        cell.width = width
        _fill(cell, document, [header], bold_first=True)
    for row in document.rows:
        cells = table.add_row().cells
        _fill(cells[0], document, [row.time])
        _fill(cells[1], document, [row.title, *row.session], bold_first=True)
        _fill(cells[2], document, list(row.objectives))
        _fill(cells[3], document, [line for prompt in row.prompts for line in prompt])
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
    return doc


def _fill(cell, document: RunOfShow, lines: list[str], *, bold_first: bool = False) -> None:
    """One paragraph per line; the cell's own empty paragraph takes the first."""
    for index, line in enumerate(lines or [""]):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        _paragraph(paragraph, document, line, bold=bold_first and index == 0)


def _paragraph(paragraph, document: RunOfShow, text: str, *, bold: bool = False) -> None:
    run = paragraph.add_run(_plain(text))
    if bold:
        run.bold = True
    rPr = run._r.get_or_add_rPr()
    if document.rtl:
        _set(paragraph._p.get_or_add_pPr(), "w:bidi", PARAGRAPH_AFTER_BIDI)
        run.font.rtl = True
        if bold:
            run.font.cs_bold = True
    _language(rPr, document.locale)


def _language(rPr, locale: str) -> None:
    lang = _set(rPr, "w:lang", RUN_AFTER_LANG)
    attribute = "w:bidi" if locale == "ar" else "w:val"
    lang.set(qn(attribute), WORD_LANGUAGES[locale])


def _complex_script_font(rPr) -> None:
    fonts = rPr.get_or_add_rFonts()
    fonts.set(qn("w:cs"), FONT)


def _repeat_as_header(row) -> None:
    """The header row comes again at the top of each page."""
    _set(row._tr.get_or_add_trPr(), "w:tblHeader", ())


def _set(parent, tag: str, successors: tuple[str, ...]):
    """The child ``tag`` of ``parent``, added in its place in the schema's order."""
    found = parent.find(qn(tag))
    if found is not None:
        return found
    element = OxmlElement(tag)
    parent.insert_element_before(element, *successors)
    return element


PARAGRAPH_AFTER_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
"""What follows ``w:bidi`` in a paragraph's properties (ECMA-376, CT_PPrBase)."""
SECTION_AFTER_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
RUN_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
