"""Dialogue state survives a restart; random input never breaks the engine."""

from __future__ import annotations

import asyncio
import logging
import string

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select
from transcript import Person

from bot.bootstrap import bootstrap
from bot.config import load_settings
from db.models import Collectivity, Participant
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


def test_random_input_never_breaks_the_engine(tmp_path, caplog):
    runner = asyncio.Runner()
    settings = load_settings(environ={})
    app = runner.run(bootstrap(settings, database=Database(f"sqlite:///{tmp_path}/p.db")))
    people = iter(range(10**9))

    @hypothesis_settings(
        max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(st.lists(inbound_events, min_size=1, max_size=25))
    def conversation(events):
        who = f"p{next(people)}"
        for kind, text in events:
            written = runner.run(
                app.conversation.handle(Inbound("telegram", who, kind, text, update_id=None))
            )
            replies = [item.reply for item in written]
            assert replies, f"no reply to {kind} {text!r}"
            assert all(reply.text.strip() for reply in replies)
            assert all(
                len(option.key.encode()) <= 64 for reply in replies for option in reply.options
            )

    try:
        conversation()
        runner.run(assert_every_profile_is_whole(app))
        failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not failures, failures[0].getMessage()
    finally:
        runner.run(app.close())
        runner.close()


async def assert_every_profile_is_whole(app):
    async with app.database.unit_of_work() as session:
        for participant in await session.scalars(select(Participant)):
            assert check_free_text(participant.full_name)[1] is None
            assert check_free_text(participant.position)[1] is None
            assert participant.consented_at is not None
            assert await session.get(Collectivity, participant.collectivity_id) is not None
            assert participant.locale in ("ar", "fr", "en")


async def test_handled_update_ids_are_forgotten_after_ten_days(sqlite_url, clock):
    settings = load_settings(environ={})
    app = await bootstrap(settings, database=Database(sqlite_url), clock=clock)
    hello = Inbound.message("telegram", "3002", "/help", update_id="900")
    written = await app.conversation.handle(hello)
    assert written
    assert await app.conversation.handle(hello) == written, "the stored rows, none new"
    await app.close()

    clock.advance(days=11)
    later = await bootstrap(settings, database=Database(sqlite_url), clock=clock)
    assert await later.conversation.handle(hello), "an id that old is a new update"
    await later.close()
