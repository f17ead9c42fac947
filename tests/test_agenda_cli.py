"""``tawasul agenda show | check | export``, and the exported run of show read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from test_agenda_config import config

from bot.cli import main
from bot.config import SHIPPED_AGENDA
from locales.i18n import LRI, PDI

NNBSP = "\u202f"
TIMES = [
    "14:30–14:45",
    "14:45–15:00",
    "15:00–15:25",
    "15:25–15:40",
    "15:40–16:10",
    "16:10–16:25",
    "16:25–17:00",
    "17:00–17:20",
    "17:20–17:30",
]


@pytest.fixture
def run(tmp_path, capsys):
    """``tawasul --config <a config in tmp_path> ARGS``: (exit code, stdout, stderr)."""
    path = config(tmp_path)

    def tawasul(*arguments: str) -> tuple[int, str, str]:
        code = main(["--config", str(path), *arguments])
        out, err = capsys.readouterr()
        return code, out, err

    return tawasul


def test_show_prints_the_programme_in_the_language_asked(run):
    code, out, _ = run("agenda", "show", "--lang", "fr")
    assert code == 0
    assert out.startswith(f"Programme{NNBSP}: Rencontre nationale\nmercredi 13 novembre 2024")
    assert "15:40–16:10 Réseautage express" in out
    code, out, _ = run("agenda", "show")
    assert "الأربعاء 13 نونبر 2024" in out and "كسر الجليد" in out, "Arabic by default"


def test_check_a_good_file_is_one_ok_line(run):
    code, out, err = run("agenda", "check", str(SHIPPED_AGENDA))
    assert (code, err) == (0, "")
    assert out == f"{SHIPPED_AGENDA}: OK, 9 sessions and 15 prompts on 2024-11-13\n"


def test_check_lists_every_problem_one_a_line_and_exits_2(run, tmp_path):
    bad = SHIPPED_AGENDA.read_text("utf-8")
    bad = bad.replace("starts = 2024-11-13T14:45:00", "starts = 2024-11-13T14:40:00")
    bad = bad.replace('title.ar = "استراحة"\n', "")
    file = tmp_path / "new.toml"
    file.write_text(bad, "utf-8")
    code, out, err = run("agenda", "check", str(file))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"{file}: session icebreaker: starts at 14:40, before session welcome ends (14:45): "
        "sessions must not overlap",
        f"{file}: session break: title.ar missing",
        f"{file}: 2 problems",
    ]


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_check_a_missing_file_or_a_folder_is_one_line(run, tmp_path, kind):
    target = tmp_path / "nothing.toml"
    if kind == "folder":
        target.mkdir()
    code, out, err = run("agenda", "check", str(target))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert ("no such file" if kind == "missing" else "is a folder") in err


# the exported run of show


def paragraphs_of(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def test_the_arabic_word_document_reads_right_to_left(run, tmp_path):
    target = tmp_path / "deroule-ar.docx"
    code, out, _ = run("agenda", "export", "--format", "docx", "--lang", "ar", "-o", str(target))
    assert code == 0 and out == f"{target}: the run of show, 9 sessions\n"
    document = Document(str(target))

    assert document.paragraphs[0].text == "البرنامج التفصيلي للورشة"
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[1].text == "اللقاء الوطني"
    assert document.paragraphs[2].text == "الأربعاء 13 نونبر 2024، السعيدية"
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["التوقيت", "الفقرة", "الأهداف", "رسائل المساعد الرقمي"]
    assert [row[0] for row in rows[1:]] == TIMES
    assert rows[1][1].split("\n")[:2] == [
        "الترحيب وتقديم أهداف الورشة والانضمام إلى المساعد الرقمي «تواصل»",
        "المكان: القاعة الكبرى",
    ]
    assert rows[1][2].split("\n") == [
        "• التعرف على أهداف الورشة ومراحلها",
        "• انضمام جميع نقاط الاتصال إلى «تواصل» وتأكيد حضورهم",
    ]
    assert rows[1][3].split("\n")[0] == "14:35 — تأكيد الحضور، إلى جميع نقاط الاتصال المسجلة"
    assert rows[1][3].split("\n")[-1] == "الزر: تأكيد الحضور"
    assert "الأجوبة: مفيدة جدًا / مفيدة / مفيدة نوعًا ما / غير مفيدة" in rows[9][3]
    assert rows[6][3] == "", "the break has no prompt"
    assert not any(mark in cell for row in rows for cell in row for mark in (LRI, PDI))

    assert document.sections[0]._sectPr.find(qn("w:bidi")) is not None
    assert table._tbl.tblPr.find(qn("w:bidiVisual")) is not None
    paragraphs = list(paragraphs_of(document))
    assert len(paragraphs) > 60
    assert all(p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None for p in paragraphs)
    runs = [run for paragraph in paragraphs for run in paragraph.runs]
    assert runs and all(run._r.rPr.find(qn("w:rtl")) is not None for run in runs)
    assert all(run._r.rPr.find(qn("w:lang")).get(qn("w:bidi")) == "ar-MA" for run in runs)
    assert not [p for p in paragraphs if p._p.pPr.find(qn("w:jc")) is not None], (
        "no explicit alignment: a right-to-left paragraph starts at the right"
    )
    bold = [run for run in runs if run.bold]
    assert bold and all(run._r.rPr.find(qn("w:bCs")) is not None for run in bold)


def test_the_french_word_document_reads_left_to_right(run, tmp_path):
    target = tmp_path / "deroule.docx"
    code, _, _ = run("agenda", "export", "--lang", "fr", "-o", str(target))
    assert code == 0, "the format comes from the file name"
    document = Document(str(target))
    assert document.paragraphs[0].text == "Déroulé de l'atelier"
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["Horaire", "Séquence", "Objectifs", "Messages de l'assistant"]
    assert [row[0] for row in rows[1:]] == TIMES
    assert rows[2][1].startswith(f"Brise-glace{NNBSP}: un mot pour dire l'ouverture")
    assert rows[2][3].split("\n")[:2] == [
        "14:47 — Question ouverte, aux personnes présentes",
        f"En un mot{NNBSP}: que signifie l'ouverture dans votre collectivité{NNBSP}? "
        "Écrivez votre réponse dans un message.",
    ]
    xml = document.element.xml
    assert "<w:bidi" not in xml and "<w:rtl" not in xml, "no w:bidi, w:bidiVisual or w:rtl"
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is None


def test_the_markdown_run_of_show(run, tmp_path):
    arabic = tmp_path / "deroule-ar.md"
    assert run("agenda", "export", "--lang", "ar", "-o", str(arabic))[0] == 0
    text = arabic.read_text("utf-8")
    assert text.startswith('<div dir="rtl" lang="ar">\n\n# البرنامج التفصيلي للورشة\n')
    assert text.rstrip().endswith("</div>")
    assert "| التوقيت | الفقرة | الأهداف | رسائل المساعد الرقمي |" in text
    rows = [line for line in text.splitlines() if line.startswith(f"| {LRI}")]
    assert [row.split(" | ")[0][2:].replace(LRI, "").replace(PDI, "") for row in rows] == TIMES
    assert "**استراحة**<br>المكان: فضاء الاستراحة" in rows[5]

    french = tmp_path / "deroule-fr.md"
    assert run("agenda", "export", "--format", "md", "--lang", "fr", "-o", str(french))[0] == 0
    text = french.read_text("utf-8")
    assert text.startswith("# Déroulé de l'atelier\n") and "<div" not in text
    assert "| 17:20–17:30 | **Clôture" in text
    assert f"Réponses{NNBSP}: Très utile / Utile / Assez utile / Peu utile" in text


def test_an_export_without_a_known_format_is_one_line(run, tmp_path):
    code, _, err = run("agenda", "export", "-o", str(tmp_path / "deroule.pdf"))
    assert code == 2 and err.count("\n") == 1 and "--format md or --format docx" in err
    code, _, err = run("agenda", "export", "-o", str(tmp_path / "no" / "such.md"))
    assert code == 2 and "no such folder" in err
    assert not Path(tmp_path / "deroule.pdf").exists()
