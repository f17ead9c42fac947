"""``tawasul matches block | unblock | list``: the organisers' "do not match" list, and the
chat keeping to it."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from test_broadcast_cli import populated
from transcript import Person

from bot.bootstrap import bootstrap
from bot.cli import main
from bot.config import load_settings
from db.models import InterestProfile
from db.session import Database

__all__ = ["populated"]  # a fixture shared with the broadcast tests

REGISTERED = ["Amina", "Bruno", "Chris", "Dalia", "Elias", "Ghita"]


@pytest.fixture
def run(populated, monkeypatch, capsys):
    """``tawasul ARGS`` over the populated database: (exit code, stdout, stderr)."""
    monkeypatch.chdir(populated.parent)
    monkeypatch.setenv("TAWASUL_DATABASE_URL", f"sqlite:///{populated}")

    def tawasul(*arguments: str) -> tuple[int, str, str]:
        try:
            code = main(list(arguments))
        except SystemExit as stopped:  # a usage error, as argparse reports it
            code = stopped.code
        out, err = capsys.readouterr()
        return code, out, err

    return tawasul


def ids(path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT external_id, participant_id FROM channel_accounts "
            "WHERE participant_id IS NOT NULL"
        )
        return {name.title(): pid for name, pid in rows}


def pairs(path) -> list[tuple[int, int]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT first_id, second_id FROM do_not_match").fetchall()


def test_the_registered_participants_and_their_ids(run, populated):
    code, out, err = run("matches", "list", "--participants")
    assert code == 0
    header, *lines = out.splitlines()
    assert header == "participant\tfull_name\tcollectivity\tlabel_fr"
    assert [line.split("\t")[1] for line in lines] == REGISTERED  # Farid is not registered
    assert lines[0] == f"{ids(populated)['Amina']}\tAmina\tC-BERKANE\tCommune de Berkane"
    assert err.endswith("6 participants registered\n")


def test_block_list_and_unblock_a_pair(run, populated):
    amina, bruno = ids(populated)["Amina"], ids(populated)["Bruno"]
    code, out, _ = run("matches", "block", str(bruno), str(amina))
    assert code == 0
    assert out == (
        f"blocked: {bruno} Bruno (C-OUJDA) and {amina} Amina (C-BERKANE): "
        "never suggested to each other\n"
    )
    assert pairs(populated) == [(amina, bruno)]
    code, out, _ = run("matches", "block", str(amina), str(bruno))
    assert (code, out.endswith(": on the do-not-match list already\n")) == (0, True)

    code, out, err = run("matches", "list")
    assert (code, out.splitlines()) == (
        0,
        [
            "first\tfirst_name\tfirst_collectivity\tsecond\tsecond_name\tsecond_collectivity",
            f"{amina}\tAmina\tC-BERKANE\t{bruno}\tBruno\tC-OUJDA",
        ],
    )
    assert err.endswith("1 pair on the do-not-match list\n")

    code, out, _ = run("matches", "unblock", str(bruno), str(amina))
    assert (code, out.startswith("unblocked: ")) == (0, True)
    assert pairs(populated) == []
    code, out, _ = run("matches", "unblock", str(bruno), str(amina))
    assert (code, out.endswith(": not on the do-not-match list\n")) == (0, True)
    code, out, err = run("matches", "list")
    assert (code, len(out.splitlines()), err.endswith("0 pairs on the do-not-match list\n")) == (
        0,
        1,
        True,
    )


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (("x", "1"), "participant 'x': give the number tawasul matches list --participants"),
        (("1", "1"), "participant 1 twice: give two different participants"),
        (("1", "99"), "no participant 99; tawasul matches list --participants"),
        (("1",), "the following arguments are required"),
        (("1", "2", "3"), "unrecognized arguments: 3"),
    ],
)
@pytest.mark.parametrize("action", ["block", "unblock"])
def test_a_bad_pair_is_one_line_and_exit_2(run, populated, action, arguments, problem):
    code, out, err = run("matches", action, *arguments)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and problem in err, err
    assert pairs(populated) == []


def test_a_database_that_is_down_is_one_line_and_exit_1(run, monkeypatch):
    monkeypatch.setenv("TAWASUL_DATABASE_URL", "postgresql://postgres:hunter2@127.0.0.1:1/x")
    for arguments in (("block", "1", "2"), ("list",), ("list", "--participants")):
        code, out, err = run("matches", *arguments)
        assert (code, out, err.count("\n")) == (1, "", 1)
        assert "refused the connection" in err and "hunter2" not in err


def test_a_pair_blocked_from_the_command_line_is_not_suggested(run, populated, clock):
    people = ids(populated)
    code, _, _ = run("matches", "block", str(people["Amina"]), str(people["Bruno"]))
    assert code == 0

    async def amina_asks_for_her_matches() -> str:
        database = Database(f"sqlite:///{populated}")
        app = await bootstrap(load_settings(environ={}), database=database, clock=clock)
        try:
            async with app.conversation.unit_of_work() as store:
                for name, seeks in (("Amina", []), ("Bruno", ["digital_services"]), ("Dalia", [])):
                    await store.networking.save_profile(
                        InterestProfile(
                            event_id=app.services.event_id,
                            participant_id=people[name],
                            offers=["digital_services"] if name == "Amina" else [],
                            seeks=seeks or ["environment_climate"],
                            updated_at=clock(),
                        )
                    )
            amina = Person(app.conversation, "amina")
            await amina.says("/matches")
            return amina.text
        finally:
            await app.close()

    text = asyncio.run(amina_asks_for_her_matches())
    assert "Dalia" in text and "Bruno" not in text
