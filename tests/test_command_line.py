"""The ``tawasul`` command as an organiser or a tester uses it: console by pipe, imports, codes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "/start\n1\nفاطمة الزهراء\nبركان\n1\nمكلفة بالتعاون\n١\n1\n1\n1\n/me\n"


def tawasul(tmp_path: Path, *arguments: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TAWASUL_DATABASE_URL": f"sqlite:///{tmp_path / 'tawasul.db'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def test_a_scripted_arabic_registration_through_a_pipe(tmp_path):
    result = tawasul(tmp_path, "console", "--user", "fatima", stdin=SCRIPT)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "  1. العربية" in out
    assert "ما اسمكم الكامل؟" in out
    assert "  1. جماعة بركان" in out
    assert "تم تسجيلكم بنجاح" in out and "13 نونبر 2024" in out
    assert out.rstrip().endswith("اللغة: العربية")
    with sqlite3.connect(tmp_path / "tawasul.db") as db:
        rows = db.execute("SELECT full_name, position, phone FROM participants").fetchall()
    assert rows == [("فاطمة الزهراء", "مكلفة بالتعاون", None)]


def test_the_console_keeps_people_apart_and_resumes_them(tmp_path):
    tawasul(tmp_path, "console", "--user", "a", stdin="/start\n3\nAmina\n")
    tawasul(tmp_path, "console", "--user", "b", stdin="/start\n2\n")
    resumed = tawasul(tmp_path, "console", "--user", "a", stdin="oujda\n")
    assert "Which one is yours?" in resumed.stdout or "Is it yours?" in resumed.stdout


def write_csv(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "members.csv"
    path.write_text("\n".join(["code,kind,name_ar,name_fr,region_code,invite_code", *rows]) + "\n")
    return path


def test_importing_a_member_list(tmp_path):
    good = write_csv(
        tmp_path,
        ["C-FIGUIG-X,commune,فجيج,Figuig,02,figuig-2024", "C-TATA,commune,طاطا,Tata,09,"],
    )
    first = tawasul(tmp_path, "collectivities", "import", str(good))
    assert first.returncode == 0, first.stderr
    assert "2 created, 0 updated, 0 unchanged" in first.stdout
    again = tawasul(tmp_path, "collectivities", "import", str(good))
    assert "0 created, 0 updated, 2 unchanged" in again.stdout


def test_a_bad_member_list_is_refused_whole_with_line_numbers(tmp_path):
    bad = write_csv(
        tmp_path,
        [
            "C-OK,commune,تطوان,Tétouan,01,",
            "C-BAD,villa,دار,Dar,01,",
            "C-FAR,commune,بعيد,Loin,13,",
        ],
    )
    result = tawasul(tmp_path, "collectivities", "import", str(bad))
    assert result.returncode == 1
    assert "line 3" in result.stderr and "villa" in result.stderr
    assert "line 4" in result.stderr and "13" in result.stderr
    assert "nothing imported" in result.stderr
    with sqlite3.connect(tmp_path / "tawasul.db") as db:
        assert db.execute("SELECT count(*) FROM collectivities").fetchone() == (0,)


def test_invite_codes_print_with_deep_links(tmp_path):
    tawasul(tmp_path, "console", stdin="")
    listed = tawasul(tmp_path, "collectivities", "codes")
    assert "C-BERKANE\tberkane-2024\thttps://t.me/TawasulBot?start=berkane-2024" in listed.stdout
    generated = tawasul(tmp_path, "collectivities", "codes", "--generate")
    assert "new invite codes" in generated.stderr
    assert len(generated.stdout.splitlines()) > len(listed.stdout.splitlines())
