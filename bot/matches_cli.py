"""``tawasul matches block | unblock | list``: the organisers' "do not match" list.

Two participants on the list are never suggested to each other (/matches), and a request
to connect between them is no longer active; ``store.networking.do_not_match()`` hands the
list to whatever else matches people. They are named by participant id: ``tawasul matches
list --participants`` prints the id, name and collectivity of everyone registered for the
configured event. A bad id is one line and
exit code 2; a database that cannot be reached, exit code 1 (see :mod:`bot.cli`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.config import Settings
from bot.english import count_of

EXIT_OK = 0
EXIT_USAGE = 2
PAIRS_HEADER = "first\tfirst_name\tfirst_collectivity\tsecond\tsecond_name\tsecond_collectivity"
PARTICIPANTS_HEADER = "participant\tfull_name\tcollectivity\tlabel_fr"


def _say(message: str) -> None:
    print(f"tawasul: {message}", file=sys.stderr)


def _ids(raw: Sequence[str]) -> tuple[int, int] | str:
    """The two participant ids, or why they are not two ids."""
    for value in raw:
        if not (value.isascii() and value.isdigit() and len(value) < 10):
            return (
                f"participant {value!r}: give the number tawasul matches list --participants prints"
            )
    first, second = (int(value) for value in raw)
    if first == second:
        return f"participant {first} twice: give two different participants"
    return first, second


def _named(participant) -> str:
    return f"{participant.id} {participant.full_name} ({participant.collectivity.code})"


async def change(settings: Settings, raw_ids: Sequence[str], *, block: bool) -> int:
    """Put a pair on the list (``block``) or take it off."""
    from bot.bootstrap import migrate, utc_now
    from db.networking import Networking
    from db.session import Database

    ids = _ids(raw_ids)
    if isinstance(ids, str):
        _say(ids)
        return EXIT_USAGE
    database = Database(settings.database_url)
    try:
        await migrate(database, settings, utc_now())
        async with database.unit_of_work() as session:
            people = await Networking(session).participants(ids)
            unknown = [str(pid) for pid in ids if pid not in people]
            if unknown:
                _say(f"no participant {', '.join(unknown)}; tawasul matches list --participants")
                return EXIT_USAGE
            networking = Networking(session)
            if block:
                changed = await networking.block(*ids, utc_now())
            else:
                changed = await networking.unblock(*ids)
        first, second = (_named(people[pid]) for pid in ids)
        if block and changed:
            print(f"blocked: {first} and {second}: never suggested to each other")
        elif block:
            print(f"{first} and {second}: on the do-not-match list already")
        elif changed:
            print(f"unblocked: {first} and {second}")
        else:
            print(f"{first} and {second}: not on the do-not-match list")
    finally:
        await database.close()
    return EXIT_OK


async def listing(settings: Settings, participants: bool) -> int:
    """The pairs on the list, or (``participants``) everyone registered, with their ids."""
    from sqlalchemy import select

    from bot.bootstrap import migrate, utc_now
    from db.models import Collectivity, EventRegistration, Participant
    from db.networking import Networking
    from db.session import Database

    database = Database(settings.database_url)
    try:
        event_id = await migrate(database, settings, utc_now())
        async with database.unit_of_work() as session:
            if participants:
                rows = await session.execute(
                    select(Participant.id, Participant.full_name, Collectivity.code)
                    .add_columns(Collectivity.label_fr)
                    .join(EventRegistration, EventRegistration.participant_id == Participant.id)
                    .join(Collectivity, Collectivity.id == Participant.collectivity_id)
                    .where(EventRegistration.event_id == event_id)
                    .order_by(Participant.id)
                )
                print(PARTICIPANTS_HEADER)
                count = 0
                for pid, *rest in rows:
                    print("\t".join((str(pid), *rest)))
                    count += 1
                _say(count_of(count, "participant registered", "participants registered"))
                return EXIT_OK
            pairs = sorted(tuple(sorted(pair)) for pair in await Networking(session).do_not_match())
            people = await Networking(session).participants({pid for pair in pairs for pid in pair})
        print(PAIRS_HEADER)
        for pair in pairs:
            print(
                "\t".join(
                    field
                    for pid in pair
                    for field in (
                        str(pid),
                        people[pid].full_name,
                        people[pid].collectivity.code,
                    )
                )
            )
        _say(
            count_of(len(pairs), "pair on the do-not-match list", "pairs on the do-not-match list")
        )
    finally:
        await database.close()
    return EXIT_OK
