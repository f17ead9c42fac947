"""Dialogue state survives a restart; random input never breaks the engine."""

from __future__ import annotations

import asyncio
import itertools
import logging
import string
from collections import Counter
from dataclasses import dataclass

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from transcript import Person, Phone, channel_under_test, senders

from bot.bootstrap import bootstrap
from bot.config import load_settings
from bot.delivery.dispatcher import Delivery
from db.models import (
    Base,
    ChannelAccount,
    Collectivity,
    DialogueState,
    InboundUpdate,
    Participant,
)
from db.session import Database
from domain.free_text import check_free_text
from handlers.messages import Inbound, InboundKind


async def test_a_restart_mid_registration_continues_at_the_same_step(sqlite_url, clock):
    settings = load_settings(environ={})
    first = await bootstrap(settings, database=Database(sqlite_url), clock=clock)
    amal = Person(first.conversation, "3001")
    await amal.begins("English")
    await amal.says("Amal Chraibi")
    await amal.says("nador")
    await first.close()

    second = await bootstrap(settings, database=Database(sqlite_url), clock=clock)
    amal.conversation = second.conversation
    await amal.taps("Nador")
    amal.sees("What is your position")
    await amal.says("Chargée de mission")
    await amal.taps("Skip")
    await amal.taps("Skip")
    await amal.taps("I agree")
    amal.sees("Name: Amal Chraibi")
    await amal.taps("Confirm")
    async with second.database.unit_of_work() as session:
        assert (await session.scalar(select(Participant))).full_name == "Amal Chraibi"
    await second.close()


KEYS = [
    "lang:ar",
    "lang:fr",
    "lang:en",
    "browse",
    "again",
    "skip",
    "agree",
    "refuse",
    "confirm",
    "edit:name",
    "edit:collectivity",
    "reg:02",
    "reg:99",
    "col:1",
    "col:999999",
    "more",
    "regions",
    "erase",
    "keep",
    "",
    "x" * 70,
    "edit:nothing",
    "col:abc",
]
COMMANDS = [
    "/start",
    "/start berkane-2024",
    "/start ../../etc",
    "/me",
    "/help",
    "/language",
    "/cancel",
    "/delete_me",
    "/",
    "//",
    "/START",
    "/start@TawasulBot",
    "/x y z",
]

inbound_events = st.one_of(
    st.builds(lambda t: (InboundKind.TEXT, t), st.text(max_size=150)),
    st.builds(lambda t: (InboundKind.TEXT, t), st.sampled_from(COMMANDS)),
    st.builds(lambda t: (InboundKind.TEXT, t), st.sampled_from(["/cancel", "/delete_me"])),
    st.builds(lambda t: (InboundKind.TEXT, "/" + t), st.text(max_size=40)),
    st.builds(
        lambda t: (InboundKind.TEXT, t),
        st.sampled_from(["1", "2", "٣", "۴", "7", "Berkane", "بركان", "0612345678", "a@b.ma"]),
    ),
    st.builds(lambda t: (InboundKind.TEXT, t), st.text(alphabet=string.digits, max_size=12)),
    st.builds(lambda k: (InboundKind.CHOICE, k), st.sampled_from(KEYS) | st.text(max_size=80)),
    st.builds(lambda p: (InboundKind.CONTACT, p), st.sampled_from(["212612345678", "", "abc"])),
    st.builds(
        lambda m: (InboundKind.UNSUPPORTED, m), st.sampled_from(["photo", "sticker", "voice"])
    ),
)


@dataclass(frozen=True)
class Redelivery:
    """The platform sends an update already handled again (the n-th earlier one, modulo)."""

    n: int


person_events = st.lists(
    st.one_of(inbound_events, st.builds(Redelivery, st.integers(min_value=0, max_value=30))),
    min_size=1,
    max_size=25,
)

NOTHING_KEPT = (
    "Registration cancelled; nothing was kept. Send /start to begin again.",
    "No personal data is stored about you.",
    "Understood. Nothing personal has been kept. If you change your mind, send /start to register.",
    "Your personal data has been erased. If you wish to register again, send /start.",
)
"""What the bot says when it promises that nothing about the person remains."""


def test_random_input_never_breaks_the_engine(tmp_path, caplog):
    """Any sequence of events, with re-delivered updates among them, keeps every promise.

    A re-delivered update gets no reply and changes nothing; a /cancel inside a flow is
    never a no-op; when the bot says nothing about the person is kept, nothing is.
    """
    runner = asyncio.Runner()
    settings = load_settings(environ={})
    app = runner.run(bootstrap(settings, database=Database(f"sqlite:///{tmp_path}/p.db")))
    catalogs = app.services.catalogs
    promises = {
        catalogs.translator(locale)._(text) for locale in catalogs.locales for text in NOTHING_KEPT
    }
    phone = Phone()
    people = iter(range(10**9))
    update_ids = itertools.count(1)
    checked = Counter()

    @hypothesis_settings(
        max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(person_events)
    def conversation(events):
        who = f"p{next(people)}"
        handled: list[Inbound] = []
        for event in events:
            if isinstance(event, Redelivery):
                if not handled:
                    continue
                again = handled[event.n % len(handled)]
                before = runner.run(snapshot(app, who))
                assert runner.run(app.conversation.handle(again)) == [], "a second reply"
                assert runner.run(snapshot(app, who)) == before, f"re-delivery changed {again}"
                checked["re-deliveries"] += 1
                continue
            kind, text = event
            update_id = str(next(update_ids))
            inbound = Inbound(channel_under_test(), who, kind, text, update_id=update_id)
            cancel = kind is InboundKind.TEXT and text == "/cancel"
            before = runner.run(snapshot(app, who)) if cancel else None
            written = runner.run(app.conversation.handle(inbound))
            # A fresh delivery each time, as in the transcripts: the fake clock never moves,
            # so one budget would run out of its second's places.
            delivery = Delivery(app.database, senders(phone), app.services.clock)
            runner.run(delivery.send_now(written))
            replies = [item.reply for item in written]
            assert phone.received[who][-len(replies) :] == replies, "written is not what was sent"
            handled.append(inbound)
            assert replies, f"no reply to {kind} {text!r}"
            assert all(reply.text.strip() for reply in replies)
            assert all(
                len(option.key.encode()) <= 64 for reply in replies for option in reply.options
            )
            if any(reply.text in promises for reply in replies):
                assert runner.run(snapshot(app, who))[0] is None, f"kept after {replies[-1]}"
                checked["nothing kept"] += 1
            if cancel and before[0] is not None and before[0]["state"] is not None:
                after = runner.run(snapshot(app, who))
                assert without_times(after) != without_times(before), "/cancel did nothing"
                checked["cancels in a flow"] += 1

    try:
        conversation()
        assert checked["re-deliveries"] and checked["cancels in a flow"], checked
        assert checked["nothing kept"], "no promise was checked: have the messages changed?"
        runner.run(assert_every_profile_is_whole(app))
        failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not failures, failures[0].getMessage()
    finally:
        runner.run(app.close())
        runner.close()


def _row(instance) -> dict | None:
    if instance is None:
        return None
    return {column.key: getattr(instance, column.key) for column in instance.__table__.columns}


async def snapshot(app, who: str) -> tuple[dict | None, dict[str, int]]:
    """The person's own rows (account, state, participant), and how many rows each table
    holds apart from the handled update ids."""
    async with app.database.unit_of_work() as session:
        account = await session.scalar(
            select(ChannelAccount).where(
                ChannelAccount.channel == channel_under_test(), ChannelAccount.external_id == who
            )
        )
        mine = None
        if account is not None:
            mine = {
                "account": _row(account),
                "state": _row(await session.get(DialogueState, account.id)),
                "participant": _row(
                    account.participant_id
                    and await session.get(Participant, account.participant_id)
                ),
            }
        tables = [t for t in Base.metadata.sorted_tables if t is not InboundUpdate.__table__]
        counted = select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))
        counts = dict(
            zip((t.name for t in tables), (await session.execute(counted)).one(), strict=True)
        )
        return mine, counts


def without_times(snap: tuple[dict | None, dict[str, int]]) -> tuple:
    """A snapshot without its ``updated_at`` stamps: what changed, not when it was written."""
    mine, counts = snap
    if mine is None:
        return None, counts
    return {
        name: row and {key: value for key, value in row.items() if key != "updated_at"}
        for name, row in mine.items()
    }, counts


async def assert_every_profile_is_whole(app):
    async with app.database.unit_of_work() as session:
        for participant in await session.scalars(select(Participant)):
            assert check_free_text(participant.full_name)[1] is None
            assert check_free_text(participant.position)[1] is None
            assert participant.consented_at is not None
            assert await session.get(Collectivity, participant.collectivity_id) is not None
            accounts = await session.scalars(
                select(ChannelAccount.locale).where(ChannelAccount.participant_id == participant.id)
            )
            locales = list(accounts)
            assert locales and set(locales) <= {"ar", "fr", "en"}


async def test_handled_update_ids_are_forgotten_after_ten_days(sqlite_url, clock):
    settings = load_settings(environ={})
    app = await bootstrap(settings, database=Database(sqlite_url), clock=clock)
    hello = Inbound.message(channel_under_test(), "3002", "/help", update_id="900")
    written = await app.conversation.handle(hello)
    assert written
    assert await app.conversation.handle(hello) == written, "the stored rows, none new"
    await app.close()

    clock.advance(days=11)
    later = await bootstrap(settings, database=Database(sqlite_url), clock=clock)
    assert await later.conversation.handle(hello), "an id that old is a new update"
    await later.close()
