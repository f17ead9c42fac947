"""The outbox is the only way out: every reply is a row written with the state change, and
delivery sends it, at once or after a crash, exactly once, whatever the Bot API answers.

Delivery runs the real python-telegram-bot against the fake Bot API server; time is the
fake clock (a 429's retry_after is waited out by moving it, never by sleeping).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest
from fake_telegram import FakeTelegramServer
from sqlalchemy import func, select

from bot.bootstrap import bootstrap
from bot.delivery.dispatcher import DeliverySettings
from bot.delivery.ports import Sent
from db.models import ChannelAccount, OutboxMessage
from db.outbox import BULK
from db.store import UnitOfWork
from handlers.messages import (
    ChannelLimits,
    ConversationUnavailable,
    Inbound,
    InvalidMessage,
    MessageTooLarge,
    Option,
    Reply,
    check,
    to_content,
)

AMINA = 7101
OMAR = 7102


@pytest.fixture
def telegram():
    with FakeTelegramServer() as server:
        yield server


@pytest.fixture
async def bot(database, settings, clock, telegram):
    """The application on the fake server, with a sender; delivery is made per test."""
    settings = dataclasses.replace(
        settings, telegram_api_base_url=telegram.base_url, telegram_token=telegram.token
    )
    app = await bootstrap(settings, database=database, clock=clock)
    sender = app.telegram_sender()
    await sender.start()
    try:
        yield app, sender
    finally:
        await sender.stop()


def delivery(bot, clock, **settings):
    app, sender = bot
    return app.delivery({"telegram": sender}, DeliverySettings(**settings), sleep=clock.sleep)


def texts(server: FakeTelegramServer, chat: int) -> list[str]:
    return [message["text"] for message in server.sent_messages(chat)]


async def rows(app) -> list[OutboxMessage]:
    async with app.database.unit_of_work() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def start(chat: int, update_id: str = "1") -> Inbound:
    return Inbound.message("telegram", str(chat), "/start", update_id)


async def bulk_to_new_people(app, clock, *, broadcast: int, first: int, count: int) -> list:
    """``count`` new Telegram accounts, each with one bulk row of broadcast ``broadcast``."""
    async with app.database.unit_of_work() as session:
        people = [
            ChannelAccount(
                channel="telegram", external_id=str(first + n), locale="ar", created_at=clock()
            )
            for n in range(count)
        ]
        session.add_all(people)
    async with UnitOfWork(app.database)() as store:
        for person in people:
            await store.outbox.add(
                person.id,
                to_content(Reply("إعلان")),
                key=f"broadcast:{broadcast}:{person.id}",
                now=clock(),
                lane=BULK,
            )
    return people


async def test_a_reply_is_an_outbox_row_written_with_the_state_and_sent_at_once(
    bot, clock, telegram
):
    app, _sender = bot
    written = await app.conversation.handle(start(AMINA, "501"))

    [row] = await rows(app)
    assert [item.outbox_id for item in written] == [row.id]
    assert row.status == "pending" and row.lane == "reply"
    assert row.idempotency_key == "reply:telegram:501:0"
    assert row.content == to_content(written[0].reply)
    assert row.due_at.replace(tzinfo=None) == clock().replace(tzinfo=None)

    await delivery(bot, clock).send_now(written)

    assert texts(telegram, AMINA) == [written[0].reply.text]
    [row] = await rows(app)
    assert row.status == "sent" and row.attempts == 1
    assert row.platform_message_id == str(telegram.sent_messages(AMINA)[0]["message_id"])


async def test_a_failing_flow_writes_no_reply_only_the_apology(bot, clock, monkeypatch):
    app, _sender = bot
    from handlers import conversation

    async def broken(self, ctx, inbound):
        await ctx.store.outbox.add(ctx.account.id, {"text": "half"}, key="x", now=clock())
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(conversation.Conversation, "_route", broken)
    [apology] = await app.conversation.handle(start(AMINA))

    [row] = await rows(app)
    assert row.id == apology.outbox_id and row.idempotency_key.startswith("reply:telegram:apology:")
    tr = app.services.catalogs.translator(None)
    assert apology.reply.text == tr._("Sorry, something went wrong on our side. Please try again.")


async def test_with_the_database_down_the_channel_is_told_so_the_platform_sends_again(
    bot, monkeypatch
):
    """Not even the apology can be written: the core raises, and a webhook is answered
    with an error (so WhatsApp, or Telegram in webhook mode, delivers it again) rather
    than 200 with nothing kept."""
    app, _sender = bot

    def database_down():
        raise OSError("connection refused")

    monkeypatch.setattr(app.conversation, "unit_of_work", database_down)
    with pytest.raises(ConversationUnavailable):
        await app.conversation.handle(start(AMINA))
    monkeypatch.undo()
    assert await rows(app) == []


async def test_an_invalid_reply_is_caught_when_written_not_lost_after_the_commit(
    bot, clock, monkeypatch, caplog
):
    app, _sender = bot
    from handlers import conversation

    async def too_long_a_key(self, ctx, inbound):
        return [Reply("اختر", (Option("k" * 65, "خيار"),))]

    monkeypatch.setattr(conversation.Conversation, "_route", too_long_a_key)
    written = await app.conversation.handle(start(AMINA))

    assert [row.idempotency_key.split(":")[2] for row in await rows(app)] == ["apology"]
    assert len(written) == 1
    assert "MessageTooLarge" in caplog.text


def test_check_names_what_a_channel_cannot_show():
    limits = ChannelLimits(max_text_length=10, max_option_key_bytes=4, max_label_length=5)
    assert check(Reply("نعم", (Option("yes", "نعم"),)), limits)
    with pytest.raises(MessageTooLarge, match="more than 10"):
        check(Reply("x" * 11), limits)
    with pytest.raises(MessageTooLarge, match="of 6 bytes"):
        check(Reply("ok", (Option("ننن", "x"),)), limits)
    with pytest.raises(MessageTooLarge, match="label of 6"):
        check(Reply("ok", (Option("a", "xxxxxx"),)), limits)
    with pytest.raises(InvalidMessage, match="offered twice"):
        check(Reply("ok", (Option("a", "x"), Option("a", "y"))), limits)
    with pytest.raises(InvalidMessage, match="no text"):
        check(Reply("  "), limits)


async def test_a_kill_between_commit_and_send_is_made_good_by_the_next_dispatcher(
    bot, clock, telegram
):
    app, _sender = bot
    written = await app.conversation.handle(start(AMINA, "601"))
    # the process dies here: committed, never sent

    restarted = delivery(bot, clock)
    assert await restarted.run_once() == 1
    assert await restarted.run_once() == 0
    assert texts(telegram, AMINA) == [written[0].reply.text], "exactly once"


async def test_a_redelivered_update_resends_its_stored_pending_replies(bot, clock, telegram):
    app, _sender = bot
    first = await app.conversation.handle(start(AMINA, "701"))
    again = await app.conversation.handle(start(AMINA, "701"))
    assert again == first and len(await rows(app)) == 1, "no second effect, no second row"

    await delivery(bot, clock).send_now(again)
    assert await app.conversation.handle(start(AMINA, "701")) == [], "sent: nothing to resend"
    assert len(texts(telegram, AMINA)) == 1


async def test_a_429_is_waited_out_and_the_message_sent_once(bot, clock, telegram):
    app, _sender = bot
    telegram.limit_rate(AMINA, retry_after=2, times=1)
    written = await app.conversation.handle(start(AMINA))
    sending = delivery(bot, clock)

    await sending.send_now(written)
    [row] = await rows(app)
    assert row.status == "pending" and row.attempts == 1 and "RetryAfter" in row.last_error
    clock.advance(seconds=1.9)
    assert await sending.run_once() == 0, "not before its retry_after"
    clock.advance(seconds=0.1)
    assert await sending.run_once() == 1

    assert len(texts(telegram, AMINA)) == 1
    assert len(telegram.calls("sendMessage")) == 2
    [row] = await rows(app)
    assert row.status == "sent" and row.attempts == 2


async def test_a_person_who_blocked_the_bot_is_unreachable_and_never_retried(bot, clock, telegram):
    app, _sender = bot
    written = await app.conversation.handle(start(AMINA))
    telegram.blocked_chats.add(AMINA)
    sending = delivery(bot, clock)

    await sending.send_now(written)
    clock.advance(hours=1)
    assert await sending.run_once() == 0

    assert len(telegram.calls("sendMessage")) == 1
    [row] = await rows(app)
    assert row.status == "blocked" and "Forbidden" in row.last_error
    async with app.database.unit_of_work() as session:
        account = await session.scalar(select(ChannelAccount))
        assert account.unreachable_at is not None

    telegram.blocked_chats.discard(AMINA)
    await sending.send_now(await app.conversation.handle(start(AMINA, "2")))
    async with app.database.unit_of_work() as session:
        account = await session.scalar(select(ChannelAccount))
        assert account.unreachable_at is None, "writing again means reachable again"


async def test_a_400_fails_for_good_with_its_reason(bot, clock, telegram):
    app, _sender = bot
    telegram.rejected_chats.add(AMINA)
    sending = delivery(bot, clock)
    await sending.send_now(await app.conversation.handle(start(AMINA)))
    clock.advance(hours=1)
    assert await sending.run_once() == 0

    [row] = await rows(app)
    assert row.status == "failed" and row.last_error == "BadRequest: Chat not found"
    assert len(telegram.calls("sendMessage")) == 1


async def test_network_trouble_backs_off_then_fails_after_the_last_attempt(bot, clock):
    app, _sender = bot

    class Down:
        calls = 0

        async def send(self, external_id, message, locale=None):
            from bot.delivery.ports import RetryLater

            Down.calls += 1
            return RetryLater("NetworkError: Bad Gateway")

    await app.conversation.handle(start(AMINA))
    sending = app.delivery(
        {"telegram": Down()}, DeliverySettings(max_attempts=4, backoff_s=1), sleep=clock.sleep
    )
    waits = []
    for _ in range(4):
        await sending.run_once()
        [row] = await rows(app)
        if row.status != "pending":
            break
        waits.append((row.due_at.replace(tzinfo=None) - clock().replace(tzinfo=None)).seconds)
        clock.advance(seconds=waits[-1])
    assert waits == [1, 2, 4]
    assert row.status == "failed" and row.last_error == "4 attempts: NetworkError: Bad Gateway"


async def test_a_refusal_the_operator_must_mend_never_fails_the_message(bot, clock):
    """A revoked access token: the rows wait, past the last attempt, until it is mended."""
    app, _sender = bot

    class TokenRevoked:
        async def send(self, external_id, message, locale=None):
            from bot.delivery.ports import RetryLater

            return RetryLater("190: token expired", delay_s=60, rate_limited=True, counted=False)

    await app.conversation.handle(start(AMINA))
    sending = app.delivery({"telegram": TokenRevoked()}, DeliverySettings(max_attempts=3))
    for _ in range(6):
        await sending.run_once()
        clock.advance(seconds=61)
    [row] = await rows(app)
    assert row.status == "pending" and row.attempts == 6


async def test_a_lease_that_expired_lets_a_second_dispatcher_take_over(bot, clock, telegram):
    app, _sender = bot
    await app.conversation.handle(start(AMINA))
    first = delivery(bot, clock, lease_s=30)
    [claimed] = await first.queue.claim(clock(), lane="reply", limit=10)
    # the first dispatcher dies holding the row

    second = delivery(bot, clock, lease_s=30)
    assert await second.run_once() == 0, "the lease still holds"
    clock.advance(seconds=31)
    assert await second.run_once() == 1
    assert len(texts(telegram, AMINA)) == 1
    [row] = await rows(app)
    assert row.status == "sent" and row.id == claimed.id


async def test_each_persons_rows_go_in_order_and_wait_behind_a_retry(bot, clock, telegram):
    app, _sender = bot
    async with app.database.unit_of_work() as session:
        account = ChannelAccount(channel="telegram", external_id=str(AMINA), created_at=clock())
        session.add(account)
    from db.store import UnitOfWork

    async with UnitOfWork(app.database)() as store:
        for n in range(3):
            await store.outbox.add(
                account.id,
                to_content(Reply(f"رسالة {n}")),
                key=f"bulk:t:{n}",
                now=clock(),
                lane=BULK,
            )
    telegram.limit_rate(AMINA, retry_after=5, times=1)
    sending = delivery(bot, clock)
    await sending.run_once()
    assert texts(telegram, AMINA) == []
    clock.advance(seconds=5)
    await sending.run_once()
    assert texts(telegram, AMINA) == ["رسالة 0", "رسالة 1", "رسالة 2"]


class Recorder:
    """A sender that records the order of sends; the ``hold``-th send waits for ``gate``."""

    def __init__(self, hold: int) -> None:
        self.log: list[str] = []
        self.hold = hold
        self.gate = asyncio.Event()

    async def send(self, external_id, message, locale=None):
        self.log.append(message.text)
        if len(self.log) == self.hold:
            await self.gate.wait()
        return Sent(str(len(self.log)))


async def until(condition) -> None:
    """Let the other tasks run until ``condition()`` holds (no time passes)."""
    for _ in range(100_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("never happened")


class Gated:
    """A sender whose sends wait until :meth:`let_through` lets them, then succeed."""

    def __init__(self) -> None:
        self._passes = asyncio.Semaphore(0)
        self.waiting = 0
        self.returned = 0

    def let_through(self, count: int) -> None:
        for _ in range(count):
            self._passes.release()

    async def send(self, external_id, message, locale=None):
        self.waiting += 1
        await self._passes.acquire()
        self.returned += 1
        return Sent(external_id)


async def test_replies_sent_while_a_record_waits_for_the_writer_are_recorded_with_it(bot, clock):
    app, _sender = bot
    if app.database.dialect != "sqlite":
        pytest.skip("the writer's turn is SQLite's; PostgreSQL has no queue to join")
    gated = Gated()
    sending = app.delivery({"telegram": gated}, sleep=clock.sleep)
    recorded: list[int] = []
    record = sending.queue.sent_together

    async def counted(collect, **options):
        def collected():
            rows = collect()
            recorded.append(len(rows))
            return rows

        await record(collected, **options)

    sending.queue.sent_together = counted
    written = [await app.conversation.handle(start(9100 + n, f"u{n}")) for n in range(5)]
    sends = asyncio.gather(*(sending.send_now(rows) for rows in written))
    await until(lambda: gated.waiting == 5)
    writer_held, release = asyncio.Event(), asyncio.Event()

    async def hold_the_writer() -> None:
        async with app.database.unit_of_work():
            writer_held.set()
            await release.wait()

    holder = asyncio.create_task(hold_the_writer())
    await writer_held.wait()
    for sent in range(1, 6):  # one after the other, each joining the record that waits
        gated.let_through(1)
        await until(lambda sent=sent: gated.returned == sent)
        for _ in range(10):
            await asyncio.sleep(0)
    release.set()
    await asyncio.wait_for(asyncio.gather(sends, holder), 10)

    assert recorded == [5], "one transaction for the five"
    assert {row.status for row in await rows(app)} == {"sent"}


async def test_replies_committed_while_a_claim_waits_for_the_writer_are_claimed_with_it(bot, clock):
    app, _sender = bot
    if app.database.dialect != "sqlite":
        pytest.skip("the writer's turn is SQLite's; PostgreSQL has no queue to join")
    gated = Gated()
    sending = app.delivery({"telegram": gated}, sleep=clock.sleep)
    claimed: list[int] = []
    claim = sending.queue.claim_together

    async def counted(clock, collect, **options):
        def collected():
            ids = collect()
            claimed.append(len(ids))
            return ids

        return await claim(clock, collected, **options)

    sending.queue.claim_together = counted
    written = [await app.conversation.handle(start(9200 + n, f"c{n}")) for n in range(5)]
    writer_held, release = asyncio.Event(), asyncio.Event()

    async def hold_the_writer() -> None:
        async with app.database.unit_of_work():
            writer_held.set()
            await release.wait()

    holder = asyncio.create_task(hold_the_writer())
    await writer_held.wait()
    sends = []
    for rows_written in written:  # one after the other, each joining the claim that waits
        sends.append(asyncio.create_task(sending.send_now(rows_written)))
        for _ in range(10):
            await asyncio.sleep(0)
    release.set()
    await until(lambda: gated.waiting == 5)
    gated.let_through(5)
    await asyncio.wait_for(asyncio.gather(*sends, holder), 10)

    assert claimed == [5], "one claim for the five"


async def test_the_next_batch_is_claimed_while_the_last_is_being_sent(bot, clock):
    app, _sender = bot
    await bulk_to_new_people(app, clock, broadcast=3, first=30_000, count=4)
    gated = Gated()
    sending = app.delivery({"telegram": gated}, DeliverySettings(batch=2), sleep=clock.sleep)
    claimed: list[int] = []
    both_claimed = asyncio.Event()
    claim = sending.queue.claim

    async def counted(*arguments, **options):
        rows = await claim(*arguments, **options)
        claimed.extend(row.id for row in rows)
        if len(claimed) == 4:
            both_claimed.set()
        return rows

    sending.queue.claim = counted
    dispatching = asyncio.create_task(sending.run_once())
    await asyncio.wait_for(both_claimed.wait(), 10)
    assert gated.returned == 0, "while no send of the first batch has finished"
    gated.let_through(4)

    assert await asyncio.wait_for(dispatching, 10) == 4
    assert {row.status for row in await rows(app)} == {"sent"}


async def test_a_reply_does_not_wait_behind_a_broadcast(bot, clock):
    app, _sender = bot
    recorder = Recorder(hold=10)
    sending = app.delivery(
        {"telegram": recorder},
        DeliverySettings(rate_per_s=10, bulk_burst=1, max_in_flight=1),
        sleep=clock.sleep,
    )
    await bulk_to_new_people(app, clock, broadcast=1, first=9000, count=60)
    broadcast = asyncio.create_task(sending.run_once())
    await until(lambda: len(recorder.log) == 10)
    written = await app.conversation.handle(start(OMAR))
    await asyncio.wait_for(sending.send_now(written), 10)
    recorder.gate.set()
    await broadcast

    assert recorder.log.index(written[0].reply.text) == 10, "ahead of the 50 still waiting"
    assert recorder.log.count("إعلان") == 60


async def test_the_budget_spends_its_rate_and_serves_a_reply_before_earlier_bulk(clock):
    from bot.delivery.budget import RateBudget

    budget = RateBudget(10, clock=clock, sleep=clock.sleep, bulk_burst=1)

    async def send(lane: str) -> None:
        async with budget.turn(lane):
            pass

    began = clock()
    for _ in range(30):
        await send(BULK)
    assert (clock() - began).total_seconds() == pytest.approx(2.9)

    order: list[str] = []

    async def take(lane: str, name: str) -> None:
        await send(lane)
        order.append(name)

    bulk = [asyncio.create_task(take(BULK, f"bulk{n}")) for n in range(5)]
    await asyncio.sleep(0)
    reply = asyncio.create_task(take("reply", "reply"))
    await asyncio.gather(*bulk, reply)
    assert order.index("reply") <= 1, "the next place, or the one after if bulk had it already"

    budget.pause_bulk(clock() + dt.timedelta(seconds=5))
    paused_at = clock()
    await send("reply")
    assert (clock() - paused_at).total_seconds() <= 0.1, "a 429 pauses bulk, not replies"
    await send(BULK)
    assert (clock() - paused_at).total_seconds() >= 5


async def test_the_goodbye_after_a_refusal_is_sent_then_the_account_is_gone(bot, clock, telegram):
    app, _sender = bot
    sending = delivery(bot, clock)
    await sending.send_now(await app.conversation.handle(start(AMINA, "11")))
    await sending.send_now(
        await app.conversation.handle(Inbound.message("telegram", str(AMINA), "/cancel", "12"))
    )
    async with app.database.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(ChannelAccount)) == 0
    assert len(texts(telegram, AMINA)) == 2


async def test_the_running_dispatcher_sends_what_was_left_without_being_asked(bot, clock, telegram):
    app, _sender = bot
    written = await app.conversation.handle(start(AMINA))
    sending = delivery(bot, clock, sweep_s=0.05)
    sending.start()
    try:
        [message] = await asyncio.to_thread(telegram.wait_for_messages, AMINA, 1, 10.0)
    finally:
        await sending.stop()
    assert message["text"] == written[0].reply.text
    assert sending._scheduler is None


async def test_two_dispatchers_at_once_send_every_row_exactly_once(bot, clock):
    app, _sender = bot

    class Counter:
        def __init__(self) -> None:
            self.sent: list[str] = []

        async def send(self, external_id, message, locale=None):
            self.sent.append(external_id)
            await asyncio.sleep(0)
            return Sent(external_id)

    people = await bulk_to_new_people(app, clock, broadcast=2, first=20_000, count=400)
    counter = Counter()
    settings = DeliverySettings(rate_per_s=10_000, batch=50)
    first, second = (
        app.delivery({"telegram": counter}, settings, sleep=clock.sleep) for _ in range(2)
    )
    claims = await asyncio.gather(
        *(dispatcher.queue.claim(clock(), lane=BULK, limit=150) for dispatcher in (first, second))
    )
    mine, theirs = ({row.id for row in claim} for claim in claims)
    assert len(mine) == len(theirs) == 150 and not mine & theirs, "claims never overlap"
    await first.queue.release(list(mine))
    await second.queue.release(list(theirs))

    tried = await asyncio.gather(first.run_once(), second.run_once())

    assert sum(tried) == 400
    assert sorted(counter.sent) == sorted(person.external_id for person in people)
    assert {row.status for row in await rows(app)} == {"sent"}


def timed_out(cause: Exception):
    from telegram.error import TimedOut

    try:
        raise TimedOut("Timed out") from cause
    except TimedOut as error:
        return error


def test_each_bot_api_answer_is_one_outcome():
    import httpx
    from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

    from bot.channels.telegram_sender import outcome_of
    from bot.delivery.ports import Blocked, Failed, RetryLater, Unknown

    assert isinstance(outcome_of(Forbidden("Forbidden: bot was blocked by the user")), Blocked)
    limited = outcome_of(RetryAfter(2))
    assert limited == RetryLater(limited.reason, delay_s=2.0, rate_limited=True)
    assert outcome_of(BadRequest("Chat not found")) == Failed("BadRequest: Chat not found")
    assert isinstance(outcome_of(NetworkError("Bad Gateway")), RetryLater)
    assert isinstance(outcome_of(timed_out(httpx.ConnectTimeout("c"))), RetryLater), "never left"
    assert isinstance(outcome_of(timed_out(httpx.ReadTimeout("r"))), Unknown), "may have arrived"


async def test_an_unknown_outcome_is_resent_for_a_reply_and_by_policy_for_bulk(bot, clock):
    app, _sender = bot
    from bot.delivery.ports import Unknown

    class Silent:
        async def send(self, external_id, message, locale=None):
            return Unknown("TimedOut: Timed out")

    async with app.database.unit_of_work() as session:
        person = ChannelAccount(
            channel="telegram", external_id=str(OMAR), locale="ar", created_at=clock()
        )
        session.add(person)
    from db.store import UnitOfWork

    async with UnitOfWork(app.database)() as store:
        await store.outbox.add(person.id, to_content(Reply("ر")), key="r", now=clock())
        await store.outbox.add(person.id, to_content(Reply("ب")), key="b", now=clock(), lane=BULK)
    sending = app.delivery(
        {"telegram": Silent()}, DeliverySettings(resend_unknown_bulk=False), sleep=clock.sleep
    )
    await sending.run_once()
    reply, bulk = await rows(app)
    assert reply.status == "pending" and reply.last_error == "outcome unknown: TimedOut: Timed out"
    assert bulk.status == "failed" and bulk.last_error.startswith("outcome unknown")


async def test_a_bulk_row_whose_lease_ran_out_while_it_waited_is_not_sent_by_its_old_holder(
    bot, clock, telegram
):
    """A dispatcher that held bulk rows so long (waiting for the budget, replies first)
    that their lease ran out, and another dispatcher took them over, does not send them
    too: nobody gets two copies."""
    app, _sender = bot
    people = await bulk_to_new_people(app, clock, broadcast=9, first=700, count=6)
    slow = delivery(bot, clock, lease_s=4)
    other = delivery(bot, clock, lease_s=4)
    held = await slow.queue.claim(clock(), lane=BULK, limit=10)
    clock.advance(seconds=4.5)
    taken = await other.queue.claim(clock(), lane=BULK, limit=10)
    assert len(held) == len(taken) == 6, "the second took over the lapsed leases"

    await slow._send_in_order(held)  # its turns come at last
    await other._send_in_order(taken)
    copies = [len(texts(telegram, int(person.external_id))) for person in people]
    assert copies == [1] * 6
