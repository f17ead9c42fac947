"""``tawasul report``: the organisers' tables and the network action plan, read back.

A small event is built through the models (six registered, two checked in, interests, a
request to connect accepted and met, five commitments in five statuses), the command is
run, and what it wrote is read back with the csv module, openpyxl and python-docx and
compared with the database.
"""

from __future__ import annotations

import csv
import dataclasses
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from matplotlib import _text_helpers, font_manager
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from openpyxl import load_workbook
from sqlalchemy import select
from test_broadcast_cli import populate
from transcript import Person, grant

from bot import report_charts
from bot.bootstrap import bootstrap, migrate
from bot.cli import main
from bot.config import load_settings
from db import reports
from db.models import (
    CheckIn,
    Collectivity,
    Commitment,
    CommitmentPartner,
    FollowUp,
    InterestProfile,
    MatchRequest,
    MeetingReport,
    Participant,
)
from db.session import Database
from domain.settings import Roles
from locales.i18n import FSI, LRI, PDI

BOSS = "800"
THEME_AR = {"access_to_information": "الحق في الحصول على المعلومات"}


async def build(database: Database, event_id: int, clock) -> dict[str, int]:
    """The people of the broadcast tests, and what they did at the workshop; their ids."""
    await populate(database, event_id, clock)
    now = clock()
    today = now.date()
    async with database.unit_of_work() as session:
        people = {
            person.full_name: person.id for person in await session.scalars(select(Participant))
        }
        code = {c.code: c.id for c in await session.scalars(select(Collectivity))}
        for name in ("Amina", "Bruno"):
            session.add(CheckIn(event_id=event_id, participant_id=people[name], checked_in_at=now))
        session.add_all(
            [
                InterestProfile(
                    event_id=event_id,
                    participant_id=people["Amina"],
                    offers=["access_to_information"],
                    seeks=["digital_services", "open_data_transparency"],
                    offer_text="تجربة في الحصول على المعلومات",
                    seek_text="",
                    scope="national",
                    updated_at=now,
                ),
                InterestProfile(
                    event_id=event_id,
                    participant_id=people["Bruno"],
                    offers=["digital_services"],
                    seeks=[],
                    scope="both",
                    updated_at=now,
                ),
            ]
        )
        request = MatchRequest(
            event_id=event_id,
            requester_id=people["Amina"],
            requested_id=people["Bruno"],
            status="accepted",
            created_at=now,
            answered_at=now,
        )
        session.add(request)
        session.add(
            MeetingReport(
                event_id=event_id,
                participant_id=people["Amina"],
                other_id=people["Bruno"],
                met=True,
                answered_at=now,
            )
        )
        plan = [
            ("Amina", "access_to_information", "open", 90, ["C-OUJDA", "C-TANGER"], False),
            ("Amina", "digital_services", "done", -10, [], False),
            ("Bruno", "access_to_information", "blocked", 60, ["C-BERKANE"], True),
            ("Dalia", None, "in_progress", -5, [], False),
            ("Elias", "digital_services", "withdrawn", 30, [], False),
        ]
        for index, (name, theme, status, days, partners, help_) in enumerate(plan):
            commitment = Commitment(
                event_id=event_id,
                participant_id=people[name],
                text=f"نشر المعطيات المفتوحة رقم {index + 1}",
                theme=theme,
                deadline=today + timedelta(days=days),
                indicator="عدد المجموعات المنشورة" if index == 0 else None,
                status=status,
                needs_help_at=now if help_ else None,
                created_at=now,
                updated_at=now,
            )
            session.add(commitment)
            await session.flush()
            for partner in partners:
                session.add(
                    CommitmentPartner(commitment_id=commitment.id, collectivity_id=code[partner])
                )
            if index == 0:
                for sequence, sent in ((1, True), (2, True), (3, False)):
                    session.add(
                        FollowUp(
                            commitment_id=commitment.id,
                            sequence=sequence,
                            due_at=now,
                            status="sent" if sent else "pending",
                            sent_at=now if sent else None,
                        )
                    )
    return people


@pytest.fixture
async def event(tmp_path, clock) -> Path:
    database = Database(f"sqlite:///{tmp_path / 'tawasul.db'}")
    try:
        event_id = await migrate(database, load_settings(environ={}), clock())
        await build(database, event_id, clock)
    finally:
        await database.close()
    return tmp_path / "tawasul.db"


@pytest.fixture
def run(event, monkeypatch, capsys):
    monkeypatch.chdir(event.parent)
    monkeypatch.setenv("TAWASUL_DATABASE_URL", f"sqlite:///{event}")

    def tawasul(*arguments: str) -> tuple[int, str, str]:
        try:
            code = main([str(argument) for argument in arguments])
        except SystemExit as stopped:
            code = stopped.code
        out, err = capsys.readouterr()
        return code, out, err

    return tawasul


def scalar(path: Path, sql: str):
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchone()[0]


def statuses(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT status, count(*) FROM commitments GROUP BY status"))


def sheet_rows(path: Path) -> list[tuple]:
    return list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))


def test_participants_csv_has_one_row_per_registration(run, event, tmp_path):
    target = tmp_path / "participants.csv"
    code, out, err = run("report", "participants", "--format", "csv", "--lang", "fr", "-o", target)
    assert (code, err) == (0, "")
    with target.open(encoding="utf-8-sig") as file:
        header, *rows = list(csv.reader(file))
    assert header[:3] == ["N°", "Nom complet", "Collectivité territoriale"]
    assert len(rows) == scalar(event, "SELECT count(*) FROM event_registrations") == 6
    present = [row[1] for row in rows if row[header.index("Présence")]]
    assert sorted(present) == ["Amina", "Bruno"]
    assert {row[1]: row[header.index("Langue")] for row in rows}["Bruno"] == "fr"
    assert f"{target}: participants, 6 rows" in out


def test_interests_and_matches_xlsx(run, event, tmp_path):
    code, _, _ = run("report", "interests", "--format", "xlsx", "--lang", "fr", "-o", "i.xlsx")
    assert code == 0
    header, *rows = sheet_rows(tmp_path / "i.xlsx")
    assert len(rows) == scalar(event, "SELECT count(*) FROM interest_profiles") == 2
    amina = next(row for row in rows if row[1] == "Amina")
    assert amina[header.index("Cherche (thèmes)")].count(";") == 1  # two themes
    assert amina[header.index("Portée")] == "National"

    code, _, _ = run("report", "matches", "--format", "xlsx", "--lang", "ar", "-o", "m.xlsx")
    assert code == 0
    book = load_workbook(tmp_path / "m.xlsx")
    assert book.worksheets[0].sheet_view.rightToLeft
    header, *rows = sheet_rows(tmp_path / "m.xlsx")
    assert len(rows) == scalar(event, "SELECT count(*) FROM match_requests") == 1
    assert rows[0][header.index("الحالة")] == "مقبول"
    assert rows[0][header.index("التقيا؟ (صاحب الطلب)")] == "نعم"
    assert rows[0][header.index("التقيا؟ (المطلوب)")] is None  # not answered


def test_the_commitments_xlsx_matches_the_database_and_has_the_charts(run, event, tmp_path):
    target = tmp_path / "commitments.xlsx"
    code, _, err = run("report", "commitments", "--format", "xlsx", "--lang", "fr", "-o", target)
    assert code == 0, err
    header, *rows = sheet_rows(target)
    assert len(rows) == scalar(event, "SELECT count(*) FROM commitments") == 5
    words = {"open": "Ouvert", "in_progress": "En cours", "done": "Réalisé"}
    words |= {"blocked": "Bloqué", "withdrawn": "Retiré"}
    found: dict[str, int] = {}
    for row in rows:
        found[row[header.index("Statut")]] = found.get(row[header.index("Statut")], 0) + 1
    assert found == {words[status]: n for status, n in statuses(event).items()}
    first = rows[0]
    assert first[header.index("Collectivités partenaires")].count(";") == 1
    assert first[header.index("Relances envoyées")] == 2
    assert first[header.index("Indicateur de réussite")] == "عدد المجموعات المنشورة"
    help_column = [row[header.index("Besoin d'appui")] for row in rows]
    assert help_column.count("Oui") == 1
    themes = [row[header.index("Axe")] for row in rows]
    assert themes.count("Sans axe") == 1
    charts = load_workbook(target).worksheets[1]
    assert len(charts._images) == 2


def test_the_arabic_plan_is_right_to_left_and_counts_what_the_database_holds(run, event, tmp_path):
    target = tmp_path / "plan.docx"
    code, out, err = run("report", "plan", "--format", "docx", "--lang", "ar", "-o", target)
    assert code == 0, err
    doc = Document(target)
    assert doc.paragraphs[0].text == "خطة عمل تعزيز التشبيك داخل الشبكة"
    assert doc.sections[0]._sectPr.find(qn("w:bidi")) is not None
    texts = [p for p in doc.paragraphs if p.text.strip()]
    assert all(p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None for p in texts)
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in doc.tables)
    cells = [p for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    assert all(p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None for p in cells)
    assert all(r.font.rtl for p in cells for r in p.runs)
    overview, *axes = doc.tables
    live = {k: n for k, n in statuses(event).items() if k != "withdrawn"}
    total = overview.rows[-1].cells
    assert total[0].text == "المجموع" and total[-1].text == str(sum(live.values())) == "4"
    status_columns = [cell.text for cell in overview.rows[0].cells]
    assert total[status_columns.index("متعثر")].text == str(live["blocked"])
    assert "مسحوب" not in status_columns  # withdrawn commitments are not in the plan
    # one action table per theme (withdrawn left out), as many rows as actions
    themes = scalar(
        event,
        "SELECT count(DISTINCT coalesce(theme, '-')) FROM commitments WHERE status != 'withdrawn'",
    )
    assert len(axes) == themes == 3
    assert sum(len(table.rows) - 1 for table in axes) == 4
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert THEME_AR["access_to_information"] in headings
    assert len(doc.inline_shapes) == 2  # the two charts
    assert "4 actions in 3 axes" in out


def test_the_french_plan_in_markdown(run, event, tmp_path):
    code, _, _ = run("report", "plan", "--format", "md", "--lang", "fr", "-o", "plan.md")
    assert code == 0
    text = (tmp_path / "plan.md").read_text("utf-8")
    assert text.startswith("# Plan d'action de renforcement du réseautage du REMACTO\n")
    assert 'dir="rtl"' not in text
    assert "| Total | 1 | 1 | 1 | 1 | 0 | 4 |" in text
    assert "Retiré" not in text and "Sans axe" in text
    code, _, _ = run("report", "plan", "--format", "md", "--lang", "ar", "-o", "plan-ar.md")
    assert (tmp_path / "plan-ar.md").read_text("utf-8").startswith('<div dir="rtl" lang="ar">')


@pytest.mark.parametrize(
    "arguments",
    [
        ("report", "members", "--format", "csv", "-o", "x.csv"),
        ("report", "plan", "--format", "xlsx", "-o", "x.xlsx"),
        ("report", "participants", "--format", "docx", "-o", "x.docx"),
        ("report", "participants", "--format", "csv", "--lang", "en", "-o", "x.csv"),
    ],
)
def test_an_unknown_kind_or_format_is_a_usage_error(run, arguments):
    code, _, err = run(*arguments)
    assert code == 2 and "usage" not in err.splitlines()[-1] and "invalid choice" in err


def test_a_path_that_cannot_be_written_is_one_line_and_exit_2(run, tmp_path):
    for target in (tmp_path, tmp_path / "no" / "such.csv"):
        code, _, err = run("report", "participants", "--format", "csv", "-o", target)
        assert code == 2 and len(err.splitlines()) == 1 and "Traceback" not in err


def test_a_database_down_is_one_line_and_exit_1(run, monkeypatch, tmp_path):
    monkeypatch.setenv("TAWASUL_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    code, _, err = run("report", "commitments", "--format", "csv", "-o", "c.csv")
    assert code == 1 and len(err.splitlines()) == 1, err
    assert not (tmp_path / "c.csv").exists()


async def test_the_summary_counts(database, settings, clock):
    event_id = await migrate(database, settings, clock())
    await build(database, event_id, clock)
    async with database.unit_of_work() as session:
        found = await reports.summary(session, event_id, clock().date())
        rows = await reports.commitments(session, event_id)
    assert (found.registered, found.checked_in, found.commitments) == (6, 2, 4)
    assert found.by_status == {
        "open": 1,
        "done": 1,
        "blocked": 1,
        "in_progress": 1,
        "withdrawn": 1,
    }
    assert (found.overdue, found.blocked, found.needs_help) == (1, 1, 1)
    assert sum(found.by_region.values()) == 4
    assert [len(row.partners) for row in rows] == [2, 0, 1, 0, 0]
    assert [row.follow_ups_sent for row in rows] == [2, 0, 0, 0, 0]
    async with database.unit_of_work() as session:
        people = await reports.participants(session, event_id)
        profiles = await reports.interests(session, event_id)
        requests = await reports.matches(session, event_id)
    assert len(people) == 6 and sum(row.checked_in_at is not None for row in people) == 2
    assert [row.offers for row in profiles] == [("access_to_information",), ("digital_services",)]
    assert [(r.status, r.requester_met, r.requested_met) for r in requests] == [
        ("accepted", True, None)
    ]


def test_an_event_without_commitments_has_an_empty_plan(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TAWASUL_DATABASE_URL", url)
    assert main(["report", "plan", "--format", "docx", "--lang", "fr", "-o", "p.docx"]) == 0
    assert main(["report", "commitments", "--format", "xlsx", "-o", "c.xlsx"]) == 0
    assert "0 actions in 0 axes" in capsys.readouterr().out
    doc = Document(tmp_path / "p.docx")
    assert len(doc.tables) == 1 and len(doc.inline_shapes) == 0
    assert [cell.text for cell in doc.tables[0].rows[-1].cells][-1] == "0"
    assert len(sheet_rows(tmp_path / "c.xlsx")) == 1  # the header


ARABIC = re.compile(r"[\u0600-\u06ff]")


def laid_out(text: str) -> list[tuple[str, int]]:
    """The characters of ``text`` as matplotlib draws them, left to right, with their glyphs."""
    font = FT2Font(font_manager.findfont("DejaVu Sans"))
    font.set_size(12, 72)
    return [(item.char, item.glyph_index) for item in _text_helpers.layout(text, font)]


def test_the_arabic_chart_labels_are_joined_and_read_right_to_left():
    figures = [
        report_charts.by_theme_and_status(
            {"الحق في الحصول على المعلومات": {"open": 2, "done": 1}, "بدون محور": {"blocked": 1}},
            ("open", "done", "blocked"),
            "ar",
        ),
        report_charts.by_region({"طنجة تطوان الحسيمة": 3, "الشرق": 1}, "ar"),
    ]
    for figure in figures:
        figure.draw_without_rendering()  # the tick labels are made when drawn
    drawn = [
        text.get_text()
        for figure in figures
        for text in figure.findobj(Text)
        if ARABIC.search(text.get_text())
    ]
    assert {"الحق في الحصول على المعلومات", "الشرق", "متعثر", "الالتزامات حسب الجهة"} <= set(drawn)
    for label in drawn:
        glyphs = laid_out(label)
        assert glyphs[-1][0] == label[0], label  # the first letter is drawn rightmost
        word = label.split()[0]
        isolated = {char: laid_out(char)[0][1] for char in word}
        joined = dict(laid_out(word))
        assert any(joined[char] != isolated[char] for char in word), label  # letters joined


def plain(text: str) -> str:
    """Without the isolates the bot puts around numbers and Latin values."""
    return text.translate({ord(mark): None for mark in (FSI, LRI, PDI)})


@pytest.fixture
async def organised(database, settings, clock):
    roles = Roles(organisers=frozenset({grant(BOSS)}))
    app = await bootstrap(
        dataclasses.replace(settings, roles=roles), database=database, clock=clock
    )
    await build(database, app.conversation.services.event_id, clock)
    return app


async def test_an_organiser_reads_where_the_event_stands_in_arabic(organised):
    boss = Person(organised.conversation, BOSS)
    await boss.begins("العربية")
    await boss.says("/report")
    text = plain(boss.text)
    for fragment in (
        "المسجلون: 6، الحاضرون: 2",
        "الالتزامات: 4\n• لم تنطلق بعد: 1\n• قيد الإنجاز: 1\n• منجزة: 1\n• متعثرة: 1\n",
        "• مسحوبة: 1\n",
        "تجاوزت أجلها: 1، متعثرة: 1، تطلب الدعم: 1",
        "حسب الجهة:\n• الشرق: 3\n• طنجة تطوان الحسيمة: 1\n",
    ):
        assert fragment in text, text
    boss.does_not_see("Report")


async def test_in_french_and_a_participant_is_refused(organised):
    boss = Person(organised.conversation, BOSS)
    await boss.begins("Français")
    await boss.says("/report")
    text = plain(boss.text)
    assert "Inscrits\u202f: 6, présents\u202f: 2" in text
    assert "Par région\u202f:\n• L'Oriental\u202f: 3\n" in text
    sara = Person(organised.conversation, "1")
    await sara.registers()
    await sara.says("/report")
    sara.sees("Sorry, the command /report is not available to you.")
    sara.does_not_see("Registered:")
