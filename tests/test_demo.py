"""``tawasul demo``: a whole workshop on a throwaway database, its reports read back; the
same seed gives the same workshop; bad numbers and folders are one line, exit code 2."""

from __future__ import annotations

import re

import pytest
from docx import Document
from openpyxl import load_workbook

from bot.cli import main
from bot.report_words import word, yes_no

FILES = (
    "participants.xlsx",
    "interests.xlsx",
    "matches.xlsx",
    "commitments.xlsx",
    "plan-ar.docx",
    "plan-fr.docx",
)


@pytest.fixture
def tawasul(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TAWASUL_DATABASE_URL", f"sqlite:///{tmp_path / 'configured.db'}")

    def run(*arguments: str) -> tuple[int, str, str]:
        try:
            code = main([str(argument) for argument in arguments])
        except SystemExit as stopped:
            code = stopped.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


def number(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in:\n{text}"
    return int(found.group(1))


def data_rows(path) -> int:
    return load_workbook(path).worksheets[0].max_row - 1


def column(path, key: str) -> list:
    """The values of the column headed ``key``'s Arabic word (the demo writes in Arabic)."""
    header, *rows = load_workbook(path).worksheets[0].iter_rows(values_only=True)
    at = header.index(word(key, "ar"))
    return [row[at] for row in rows]


def summary(out: str) -> list[str]:
    return [line for line in out.splitlines() if not line.startswith(("took", "the reports"))]


def test_a_workshop_of_twelve_writes_every_report(tawasul, tmp_path):
    code, out, err = tawasul("demo", "--participants", "12", "-o", tmp_path / "out", "--seed", "5")
    assert (code, err) == (0, "")
    folder = tmp_path / "out"
    assert f"the reports are in {folder}" in out
    assert sorted(path.name for path in folder.iterdir()) == sorted(FILES)
    assert "registered: 12 of 12 (present: 12)" in out
    assert "speed-networking rounds: 3" in out
    assert re.search(r"took \d+\.\d s", out)

    commitments = number(r"commitments: (\d+) \(", out)
    statuses = re.search(r"commitments: \d+ \((.*)\)", out).group(1)
    by_status = {part.split()[0]: int(part.split()[1]) for part in statuses.split(", ")}
    assert sum(by_status.values()) == commitments > 0
    assert by_status.keys() - {"open", "in_progress", "done", "blocked"} == set()
    assert len(by_status) >= 2, "the follow-ups' answers moved some commitments on"
    assert data_rows(folder / "commitments.xlsx") == commitments
    assert data_rows(folder / "participants.xlsx") == 12
    sheet = load_workbook(folder / "participants.xlsx").worksheets[0]
    languages = {row[8] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert languages == {"ar", "fr", "en"}, "registered in the three languages"
    assert data_rows(folder / "interests.xlsx") == 12, "everyone gave their interests"
    requests = number(r"requests to connect: (\d+)", out)
    assert number(r"accepted: (\d+)", out) > 0
    assert data_rows(folder / "matches.xlsx") == requests
    said = column(folder / "matches.xlsx", "requester_met")
    said += column(folder / "matches.xlsx", "requested_met")
    assert yes_no(True, "ar") in said, "/round askmet asked and some answered yes"
    assert None in said or yes_no(False, "ar") in said
    partners = [value for value in column(folder / "commitments.xlsx", "partners") if value]
    assert 0 < len(partners) < commitments, "some commitments with partners, not all"
    assert number(r"follow-ups sent: (\d+)", out) > commitments, "months of follow-ups"
    assert number(r"answered: (\d+)", out) > 0

    arabic = "\n".join(p.text for p in Document(folder / "plan-ar.docx").paragraphs)
    french = "\n".join(p.text for p in Document(folder / "plan-fr.docx").paragraphs)
    assert "خطة عمل" in arabic
    assert "plan" in french.lower()
    assert not (tmp_path / "configured.db").exists(), "the configured database is not touched"


def test_the_same_seed_gives_the_same_workshop_in_a_new_folder(tawasul, tmp_path):
    first = tawasul("demo", "--participants", "6", "-o", "one", "--seed", "2")
    again = tawasul("demo", "--participants", "6", "--seed", "2")
    assert first[0] == again[0] == 0
    [made] = [path for path in tmp_path.iterdir() if path.name.startswith("tawasul-demo-")]
    assert re.fullmatch(r"tawasul-demo-\d{8}-\d{6}", made.name)
    assert (made / "plan-fr.docx").is_file()
    assert summary(first[1]) == summary(again[1])


@pytest.mark.parametrize("count", ["3", "501", "many"])
def test_a_number_of_participants_out_of_range_is_one_line(tawasul, tmp_path, count):
    code, out, err = tawasul("demo", "--participants", count, "-o", tmp_path / "out")
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "from 4 to 500" in err
    assert not (tmp_path / "out").exists()


def test_a_folder_that_cannot_be_written_is_one_line(tawasul, tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    code, out, err = tawasul("demo", "--participants", "4", "-o", tmp_path / "taken")
    assert (code, out) == (2, "")
    assert err.startswith(f"tawasul: {tmp_path / 'taken'}: cannot be written")
    assert len(err.splitlines()) == 1
