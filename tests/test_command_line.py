"""The ``tawasul`` command as an organiser or a tester uses it: console by pipe, imports, codes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "/start\n1\nفاطمة الزهراء\nبركان\n1\nمكلفة بالتعاون\n١\n1\n1\n1\n2\n/me\n"


def tawasul(tmp_path: Path, *arguments: str, stdin: str = "") -> subprocess.CompletedProcess:
    """``tawasul`` in ``tmp_path``, on the SQLite database there."""
    database = f"sqlite:///{tmp_path / 'tawasul.db'}"
    return bare(tmp_path, *arguments, stdin=stdin, TAWASUL_DATABASE_URL=database)


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
    other = tawasul(tmp_path, "console", "--user", "b", stdin="/start\n2\n")
    assert "Please choose your language." in other.stdout, "b starts afresh"
    assert "Let us continue" not in other.stdout and "Quels sont vos nom" in other.stdout
    resumed = tawasul(tmp_path, "console", "--user", "a", stdin="oujda\n")
    assert "Which one is yours?" in resumed.stdout or "Is it yours?" in resumed.stdout
    with sqlite3.connect(tmp_path / "tawasul.db") as db:
        accounts = db.execute(
            "SELECT a.external_id, a.locale, s.step FROM channel_accounts a "
            "JOIN dialogue_states s ON s.account_id = a.id ORDER BY a.external_id"
        ).fetchall()
    assert accounts == [("a", "en", "pick"), ("b", "fr", "name")]


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


def bare(cwd: Path, *arguments: str, stdin: str = "", **environ: str):
    """``tawasul`` without TAWASUL_DATABASE_URL: the configuration decides."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environ}
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_help_says_what_tawasul_is_its_commands_and_exit_codes(tmp_path):
    result = tawasul(tmp_path, "--help")
    assert result.returncode == 0
    out = result.stdout
    assert "The ``tawasul`` command." not in out
    assert "focal points" in out and "REMACTO" in out
    for command in ("run", "console", "collectivities"):
        assert command in out
    assert "exit codes:" in out
    assert "1    a service is down" in out and "2    the configuration" in out


def test_version_comes_from_the_package_metadata(tmp_path):
    from importlib.metadata import version

    result = tawasul(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout == f"tawasul {version('tawasul')}\n"


def test_run_help_names_the_environment_variables(tmp_path):
    out = tawasul(tmp_path, "run", "--help").stdout
    for variable in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TAWASUL_DATABASE_URL"):
        assert variable in out


def test_import_help_explains_the_file_and_its_columns(tmp_path):
    out = tawasul(tmp_path, "collectivities", "import", "--help").stdout
    assert "code,kind,name_ar,name_fr,region_code" in out
    assert "invite_code,label_ar,label_fr,aliases,parent_code" in out
    assert "region | prefecture | province | commune" in out
    assert "UTF-8, comma-separated" in out and "separated by |" in out


def test_a_usage_error_is_one_line_with_exit_2(tmp_path):
    result = tawasul(tmp_path, "console", "--colour")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "unrecognized arguments: --colour" in result.stderr


def config_elsewhere(tmp_path: Path) -> Path:
    other = tmp_path / "other"
    other.mkdir()
    shipped = (ROOT / "bot" / "default_config.toml").read_text("utf-8")
    (other / "config.toml").write_text(shipped.replace("TawasulBot", "SaidiaBot"), "utf-8")
    return other


@pytest.mark.parametrize(
    "arguments",
    [
        ("--config", "other/config.toml", "console"),
        ("console", "--config", "other/config.toml"),
    ],
)
def test_a_relative_sqlite_path_is_next_to_the_config_file(tmp_path, arguments):
    other = config_elsewhere(tmp_path)
    result = bare(tmp_path, *arguments)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"tawasul: database: SQLite {other / 'tawasul.db'}\n"
    assert (other / "tawasul.db").is_file()
    assert not (tmp_path / "tawasul.db").exists()


@pytest.mark.parametrize(
    "arguments",
    [
        ("--config", "other/config.toml", "collectivities", "codes"),
        ("collectivities", "--config", "other/config.toml", "codes"),
        ("collectivities", "codes", "--config", "other/config.toml"),
    ],
)
def test_config_is_accepted_before_and_after_the_subcommand(tmp_path, arguments):
    config_elsewhere(tmp_path)
    bare(tmp_path, "--config", "other/config.toml", "console")
    result = bare(tmp_path, *arguments)
    assert result.returncode == 0, result.stderr
    assert "https://t.me/SaidiaBot?start=berkane-2024" in result.stdout


def test_a_config_before_the_subcommand_is_not_overwritten_by_a_default(tmp_path):
    from bot.cli import _parser

    arguments = _parser().parse_args(["--config", "a.toml", "collectivities", "codes"])
    assert arguments.config == "a.toml"
    arguments = _parser().parse_args(["--config", "a.toml", "console", "--config", "b.toml"])
    assert arguments.config == "b.toml"


def test_codes_print_a_header_line(tmp_path):
    tawasul(tmp_path, "console")
    lines = tawasul(tmp_path, "collectivities", "codes").stdout.splitlines()
    assert lines[0] == "code\tinvite_code\tlink\tname_fr\tname_ar"
    assert all(line.count("\t") == 4 for line in lines)


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_a_missing_import_file_or_a_folder_is_one_line(tmp_path, kind):
    target = tmp_path / ("nope.csv" if kind == "missing" else "a-folder")
    if kind == "folder":
        target.mkdir()
    result = tawasul(tmp_path, "collectivities", "import", str(target))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    expected = "no such file" if kind == "missing" else "is a folder"
    assert f"tawasul: {target}: {expected}; give the path of a CSV file" in result.stderr


def test_one_bad_row_reads_in_the_singular(tmp_path):
    bad = write_csv(tmp_path, ["C-BAD,villa,دار,Dar,01,"])
    result = tawasul(tmp_path, "collectivities", "import", str(bad))
    assert result.returncode == 1
    assert "nothing imported (1 bad row)" in result.stderr


def test_run_logs_its_database_and_no_alembic_chatter(tmp_path):
    started = bare(
        tmp_path,
        "run",
        TAWASUL_DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
        TELEGRAM_BOT_TOKEN="1:x",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:1/bot",
    )
    assert started.returncode == 1
    assert f"database in use: SQLite {tmp_path / 'run.db'}" in started.stderr
    assert "alembic" not in started.stderr


def test_run_warns_while_the_privacy_facts_are_placeholders(tmp_path):
    started = bare(
        tmp_path,
        "run",
        TAWASUL_DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
        TELEGRAM_BOT_TOKEN="1:x",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:1/bot",
    )
    assert "WARNING tawasul privacy.controller is the shipped placeholder" in started.stderr
    assert "privacy.contact_email remacto-contact@example.ma is a placeholder" in started.stderr


def test_collectivities_search_shows_why_the_bot_proposes_what_it_proposes(tmp_path):
    found = tawasul(tmp_path, "collectivities", "search", "wjda")
    assert found.returncode == 0, found.stderr
    lines = found.stdout.splitlines()
    assert 1 <= len(lines) <= 5
    code, score, label_fr, label_ar = lines[0].split("\t")
    assert (code, label_fr, label_ar) == ("C-OUJDA", "Commune d'Oujda", "جماعة وجدة")
    assert float(score) >= 80
    scores = [float(line.split("\t")[1]) for line in lines]
    assert scores == sorted(scores, reverse=True)

    region = tawasul(tmp_path, "collectivities", "search", "جهة الشرق").stdout.splitlines()
    assert region[0].split("\t")[0] == "R02"

    nothing = tawasul(tmp_path, "collectivities", "search", "Tlemcen")
    assert nothing.returncode == 0 and nothing.stdout == ""


def test_a_rejected_import_lists_each_row_then_one_summary(tmp_path):
    bad = write_csv(tmp_path, ["C-BAD,villa,دار,Dar,01,", "C-BAD2,commune,Dar,Dar,01,"])
    result = tawasul(tmp_path, "collectivities", "import", str(bad))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == f"{bad}: nothing imported (2 bad rows)"
    assert any(line.startswith(f"{bad}: line 2: kind 'villa'") for line in lines)
    assert any(line.startswith(f"{bad}: line 3: name_ar") for line in lines)


def test_output_read_only_in_part_ends_quietly(tmp_path):
    """``tawasul … | head -1``: the reader goes away; no traceback, no error line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "explain", "date", "fin mars", "--today", "2024-11-13"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    process.stdout.close()
    _, errors = process.communicate(timeout=60)
    assert b"Traceback" not in errors and b"BrokenPipe" not in errors, errors.decode()
    assert process.returncode == 0
