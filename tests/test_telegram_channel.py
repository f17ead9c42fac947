"""The Telegram adapter, running the real python-telegram-bot against a fake Bot API server.

Each test reads as a short dialogue: what the person sends, what the core is asked, what the
bot answers. Nothing sleeps: tests wait on the fake server's conditions, with timeouts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager

import pytest
from fake_telegram import FakeTelegramServer

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_sender import TelegramSender, split_text
from bot.delivery.ports import Sent
from handlers.messages import Inbound, InboundKind, Option, Outgoing, Reply

AMINA = 1001
YOUSSEF = 1002
PHONE = "212612345678"
REGIONS = (Option("region:8", "الشرق"), Option("region:1", "طنجة تطوان الحسيمة"))

Answer = Callable[[Inbound], list[Reply]]


class FakeConversation:
    """The core's port: records every Inbound and answers with what the test chose."""

    def __init__(self, answer: Answer | None = None) -> None:
        self.inbounds: list[Inbound] = []
        self._answer = answer or (lambda inbound: [Reply("مرحبا")])

    async def handle(self, inbound: Inbound) -> list[Outgoing]:
        self.inbounds.append(inbound)
        return [Outgoing(number, reply) for number, reply in enumerate(self._answer(inbound))]


def delivering_through(sender: TelegramSender, conversation: FakeConversation):
    """Delivery without a database: each reply through the real sender, in order, until one
    is not sent (the outbox itself is tested in test_outbox.py)."""

    async def deliver(outgoing):
        chat = conversation.inbounds[-1].external_id
        for item in outgoing:
            if not isinstance(await sender.send(chat, item.reply), Sent):
                return

    return deliver


@pytest.fixture
def telegram() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as server:
        yield server


@asynccontextmanager
async def running(
    server: FakeTelegramServer, conversation: FakeConversation, **options
) -> AsyncIterator[TelegramChannel]:
    sender = TelegramSender(server.token, server.base_url)
    channel = TelegramChannel(
        conversation,
        deliver=delivering_through(sender, conversation),
        token=server.token,
        base_url=server.base_url,
        poll_timeout=1,
        **options,
    )
    await channel.start()
    await sender.start()
    try:
        yield channel
    finally:
        await channel.stop()
        await sender.stop()


async def bot_says(server: FakeTelegramServer, chat_id: int, count: int) -> list[dict]:
    """All messages the bot sent to the chat, once there are ``count`` of them."""
    return await asyncio.to_thread(server.wait_for_messages, chat_id, count, 5.0)


def adapter_log(caplog: pytest.LogCaptureFixture) -> str:
    """What the adapter itself logged (python-telegram-bot's DEBUG logs carry message data)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "tawasul.telegram")


def texts(messages: list[dict]) -> list[str]:
    return [message["text"] for message in messages]


async def test_typed_text_and_a_start_command_reach_the_core_as_typed(telegram):
    core = FakeConversation()
    async with running(telegram, core):
        start = telegram.push_text(AMINA, "/start berkane-2024")
        hello = telegram.push_text(AMINA, "السلام عليكم")
        assert texts(await bot_says(telegram, AMINA, 2)) == ["مرحبا", "مرحبا"]

    assert core.inbounds == [
        Inbound.message("telegram", "1001", "/start berkane-2024", str(start)),
        Inbound.message("telegram", "1001", "السلام عليكم", str(hello)),
    ]
    assert telegram.calls("deleteWebhook"), "long polling needs the webhook deleted"
    assert telegram.calls("getUpdates")[0]["allowed_updates"] == ["message", "callback_query"]


async def test_options_are_inline_buttons_whose_callback_data_are_the_keys(telegram):
    core = FakeConversation(lambda inbound: [Reply("اختر جهتك", options=REGIONS)])
    async with running(telegram, core):
        telegram.push_text(AMINA, "الجهة")
        [question] = await bot_says(telegram, AMINA, 1)

    assert question["text"] == "اختر جهتك"
    assert question["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "الشرق", "callback_data": "region:8"}],
            [{"text": "طنجة تطوان الحسيمة", "callback_data": "region:1"}],
        ]
    }


async def test_tapping_a_button_answers_it_sends_the_choice_and_closes_the_keyboard(telegram):
    answered_before_the_core: list[bool] = []

    def answer(inbound: Inbound) -> list[Reply]:
        if inbound.kind is InboundKind.CHOICE:
            answered_before_the_core.append(bool(telegram.calls("answerCallbackQuery")))
            return [Reply("شكرا، تم تسجيل جهة الشرق")]
        return [Reply("اختر جهتك", options=REGIONS)]

    core = FakeConversation(answer)
    async with running(telegram, core):
        telegram.push_text(AMINA, "الجهة")
        [question] = await bot_says(telegram, AMINA, 1)
        tap = telegram.push_callback(AMINA, question["message_id"], "region:8")
        [_, thanks] = await bot_says(telegram, AMINA, 2)

    assert thanks["text"] == "شكرا، تم تسجيل جهة الشرق"
    assert core.inbounds[-1] == Inbound.choice("telegram", "1001", "region:8", str(tap))
    assert answered_before_the_core == [True]
    edited = telegram.message(question["message_id"])
    assert edited["text"] == "اختر جهتك\n\n✓ الشرق"
    assert "reply_markup" not in edited
    [edit] = telegram.calls("editMessageText")
    assert "reply_markup" not in edit


async def test_the_keyboard_is_closed_while_the_core_works_on_the_tap(telegram):
    """Closing it is a round trip beside the core's work, not one more after it."""

    class SlowCore(FakeConversation):
        async def handle(self, inbound: Inbound) -> list[Outgoing]:
            if inbound.kind is InboundKind.CHOICE:
                await asyncio.to_thread(telegram.wait_for_calls, "editMessageText", 1, 5.0)
            return await super().handle(inbound)

    core = SlowCore(
        lambda inbound: [Reply("تم") if inbound.kind is InboundKind.CHOICE else Reply("؟", REGIONS)]
    )
    async with running(telegram, core):
        telegram.push_text(AMINA, "الجهة")
        [question] = await bot_says(telegram, AMINA, 1)
        telegram.push_callback(AMINA, question["message_id"], "region:1")
        assert texts(await bot_says(telegram, AMINA, 2)) == ["؟", "تم"]


async def test_a_failed_edit_is_logged_and_the_answer_still_sent(telegram, caplog):
    telegram.fail_methods.add("editMessageText")
    core = FakeConversation(
        lambda inbound: [Reply("تم") if inbound.kind is InboundKind.CHOICE else Reply("؟", REGIONS)]
    )
    async with running(telegram, core):
        telegram.push_text(AMINA, "الجهة")
        [question] = await bot_says(telegram, AMINA, 1)
        telegram.push_callback(AMINA, question["message_id"], "region:1")
        assert texts(await bot_says(telegram, AMINA, 2)) == ["؟", "تم"]

    assert "could not close the keyboard" in caplog.text


async def test_sharing_ones_own_contact_reaches_the_core_as_a_phone_number(telegram, caplog):
    caplog.set_level(logging.DEBUG, logger="tawasul.telegram")
    core = FakeConversation()
    async with running(telegram, core):
        shared = telegram.push_contact(AMINA, PHONE)
        await bot_says(telegram, AMINA, 1)

    assert core.inbounds == [Inbound.contact("telegram", "1001", PHONE, str(shared))]
    assert PHONE not in adapter_log(caplog)


async def test_someone_elses_contact_a_photo_and_a_sticker_are_unsupported(telegram):
    core = FakeConversation(lambda inbound: [Reply("أرسل نصا من فضلك")])
    async with running(telegram, core):
        telegram.push_contact(AMINA, "212700000000", contact_user_id=YOUSSEF)
        telegram.push_photo(AMINA)
        telegram.push_sticker(AMINA)
        await bot_says(telegram, AMINA, 3)

    assert [(inbound.kind, inbound.text) for inbound in core.inbounds] == [
        (InboundKind.UNSUPPORTED, "contact"),
        (InboundKind.UNSUPPORTED, "photo"),
        (InboundKind.UNSUPPORTED, "sticker"),
    ]


async def test_group_messages_are_ignored(telegram):
    core = FakeConversation()
    async with running(telegram, core):
        telegram.push_group_text(-5001, AMINA, "مرحبا بالجميع")
        private = telegram.push_text(AMINA, "السلام عليكم")
        await bot_says(telegram, AMINA, 1)

    assert [inbound.update_id for inbound in core.inbounds] == [str(private)]
    assert telegram.sent_messages(-5001) == []


async def test_a_contact_request_opens_a_keyboard_that_the_next_plain_message_removes(telegram):
    replies = iter(
        [
            [
                Reply(
                    "شارك رقم هاتفك",
                    options=(Option("skip", "تخطي"),),
                    contact_request="📱 مشاركة رقمي",
                )
            ],
            [Reply("شكرا"), Reply("ما هي جماعتك؟")],
        ]
    )
    core = FakeConversation(lambda inbound: next(replies))
    async with running(telegram, core):
        telegram.push_text(AMINA, "التسجيل")
        await bot_says(telegram, AMINA, 1)
        telegram.push_contact(AMINA, PHONE)
        request, thanks, question = await bot_says(telegram, AMINA, 3)

    assert request["reply_markup"] == {
        "keyboard": [[{"text": "📱 مشاركة رقمي", "request_contact": True}], [{"text": "تخطي"}]],
        "one_time_keyboard": True,
        "resize_keyboard": True,
    }
    assert thanks["reply_markup"] == {"remove_keyboard": True}
    assert "reply_markup" not in question


async def test_a_long_reply_is_split_at_line_breaks_with_the_keyboard_on_the_last_part(telegram):
    lines = [f"{n:03} جماعة بركان، إقليم بركان، جهة الشرق".ljust(49, ".") for n in range(100)]
    lines[-1] += "."
    long_text = "\n".join(lines)
    assert len(long_text) == 5000
    core = FakeConversation(lambda inbound: [Reply(long_text, options=REGIONS[:1])])
    async with running(telegram, core):
        telegram.push_text(AMINA, "اللائحة")
        first, last = await bot_says(telegram, AMINA, 2)

    assert all(len(part["text"]) <= 4096 for part in (first, last))
    assert first["text"].split("\n") + last["text"].split("\n") == lines
    assert "reply_markup" not in first
    assert last["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "region:8"


def test_splitting_cuts_an_over_long_line_at_a_space():
    parts = split_text("كلمة " * 1000)
    assert [len(part) for part in parts] == [4095, 905]
    assert all(part.endswith(" ") or part.endswith("كلمة") for part in parts)


async def test_the_command_menu_is_registered_for_each_language(telegram):
    commands = {
        None: [("start", "ابدأ"), ("help", "مساعدة")],
        "fr": [("start", "Commencer"), ("help", "Aide")],
    }
    async with running(telegram, FakeConversation(), commands=commands):
        pass

    assert [call.get("language_code") for call in telegram.calls("setMyCommands")] == [None, "fr"]
    assert telegram.commands() == [
        {"command": "start", "description": "ابدأ"},
        {"command": "help", "description": "مساعدة"},
    ]
    assert telegram.commands("fr")[0] == {"command": "start", "description": "Commencer"}


async def test_a_failing_command_menu_is_logged_and_the_bot_still_answers(caplog):
    with FakeTelegramServer(fail_methods={"setMyCommands"}) as telegram:
        async with running(telegram, FakeConversation(), commands={None: [("start", "ابدأ")]}):
            telegram.push_text(AMINA, "السلام عليكم")
            assert texts(await bot_says(telegram, AMINA, 1)) == ["مرحبا"]

    [warning] = [r for r in caplog.records if "setMyCommands" in r.getMessage()]
    assert warning.levelno == logging.WARNING


async def test_a_person_who_blocked_the_bot_is_logged_and_the_next_update_is_handled(
    telegram, caplog
):
    telegram.blocked_chats.add(AMINA)
    core = FakeConversation(lambda inbound: [Reply("مرحبا"), Reply("كيف حالك؟")])
    async with running(telegram, core):
        telegram.push_text(AMINA, "السلام عليكم")
        telegram.push_text(YOUSSEF, "صباح الخير")
        assert texts(await bot_says(telegram, YOUSSEF, 2)) == ["مرحبا", "كيف حالك؟"]

    blocked = [call for call in telegram.calls("sendMessage") if call["chat_id"] == AMINA]
    assert len(blocked) == 1, "the rest of the replies to a blocked chat are dropped"
    assert "السلام عليكم" not in adapter_log(caplog) and "Amina" not in adapter_log(caplog)


async def test_a_restarted_bot_picks_up_where_the_stopped_one_left(telegram):
    core = FakeConversation()
    async with running(telegram, core):
        first = telegram.push_text(AMINA, "السلام عليكم")
        await bot_says(telegram, AMINA, 1)
    second = telegram.push_text(AMINA, "هل أنت هنا؟")
    telegram.redeliver(first)

    async with running(telegram, core):
        await bot_says(telegram, AMINA, 3)

    assert [inbound.update_id for inbound in core.inbounds] == [
        str(first),
        str(first),
        str(second),
    ], "the first update comes again with its id, so the core can recognise it"


async def test_buttons_after_a_typed_phone_replace_the_share_contact_keyboard(telegram):
    replies = iter(
        [
            [Reply("شارك رقم هاتفك", (Option("skip", "تخطي"),), contact_request="📱 مشاركة رقمي")],
            [Reply("ما هو بريدكم الإلكتروني؟", (Option("skip", "تخطي"),))],
        ]
    )
    core = FakeConversation(lambda inbound: next(replies))
    async with running(telegram, core):
        telegram.push_text(AMINA, "التسجيل")
        await bot_says(telegram, AMINA, 1)
        telegram.push_text(AMINA, "0612345678")
        _request, email = await bot_says(telegram, AMINA, 2)
        await asyncio.to_thread(telegram.wait_for_calls, "editMessageReplyMarkup", 1, 5.0)

    assert email["reply_markup"] == {"remove_keyboard": True}
    buttons = telegram.message(email["message_id"])["reply_markup"]["inline_keyboard"]
    assert buttons == [[{"text": "تخطي", "callback_data": "skip"}]]


async def test_control_characters_are_removed_before_the_core_and_marks_are_kept(telegram):
    core = FakeConversation()
    async with running(telegram, core):
        update = telegram.push_text(AMINA, "فاطمة\x00 الزهراء\u200f\r\nسطر\tثان\x1b[31m\x85")
        await bot_says(telegram, AMINA, 1)

    assert core.inbounds == [
        Inbound.message("telegram", "1001", "فاطمة الزهراء\u200f\nسطر\tثان[31m", str(update))
    ]


async def test_a_start_against_an_unreachable_api_is_one_telegram_unavailable():
    from bot.channels.telegram import TelegramUnavailable

    channel = TelegramChannel(
        FakeConversation(), deliver=None, token="1:secret", base_url="http://127.0.0.1:1/bot"
    )
    with pytest.raises(TelegramUnavailable) as raised:
        await channel.start()
    assert str(raised.value).startswith("cannot reach the Telegram Bot API at http://127.0.0.1:1 ")
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert "secret" not in str(raised.value)


async def test_a_refused_token_is_one_telegram_rejected(telegram):
    from bot.channels.telegram import TelegramRejected

    channel = TelegramChannel(
        FakeConversation(), deliver=None, token="1:wrong", base_url=telegram.base_url
    )
    with pytest.raises(TelegramRejected, match="refused the bot token: check TELEGRAM_BOT_TOKEN"):
        await channel.start()


async def test_role_holders_get_their_own_menu_in_their_chat(telegram):
    commands = {None: [("start", "ابدأ")], "fr": [("start", "Commencer")]}
    staff = {None: [("start", "ابدأ"), ("round", "جولة")], "fr": [("start", "Commencer")]}
    staff["fr"] = [("start", "Commencer"), ("round", "Tour")]
    async with running(telegram, FakeConversation(), commands=commands, chat_commands={900: staff}):
        pass

    assert telegram.commands() == [{"command": "start", "description": "ابدأ"}]
    assert telegram.commands("fr") == [{"command": "start", "description": "Commencer"}]
    assert [command["command"] for command in telegram.commands(chat_id=900)] == ["start", "round"]
    assert telegram.commands("fr", chat_id=900)[1] == {"command": "round", "description": "Tour"}
    assert telegram.commands(chat_id=901) == [], "no other chat gets the staff menu"
