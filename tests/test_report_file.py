"""``/report <kind>`` sends the full report as a file, through the outbox and sendDocument.

The real python-telegram-bot application and sender run against the fake Bot API; the
event is the one of ``test_reports.py``. What the fake server received is read back with
openpyxl and python-docx and compared with the database.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io

import pytest
from docx import Document as WordDocument
from docx.oxml.ns import qn
from fake_telegram import FakeTelegramServer
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from test_reports import build

from bot.bootstrap import bootstrap
from bot.channels.telegram_sender import TelegramSender
from bot.delivery.ports import Blocked, Failed, RetryLater, Sent
from db.models import ChannelAccount, Commitment
from domain.settings import Roles
from handlers.messages import (
    ChannelLimits,
    Document,
    InvalidMessage,
    MessageTooLarge,
    Reply,
    check,
    from_content,
    to_content,
)

BOSS = 800
BOSS_AR = 801
BOSS_EN = 802
AMINA = 7001


@pytest.fixture
def telegram():
    with FakeTelegramServer() as server:
        yield server


@pytest.fixture
async def running(telegram, database, settings, clock):
    settings = dataclasses.replace(
        settings,
        roles=Roles(organisers=frozenset(f"telegram:{chat}" for chat in (BOSS, BOSS_AR, BOSS_EN))),
        telegram_api_base_url=telegram.base_url,
        telegram_token=telegram.token,
    )
    app = await bootstrap(settings, database=database)
    people = await build(database, app.services.event_id, clock)
    async with database.unit_of_work() as session:
        session.add_all(
            ChannelAccount(
                channel="telegram", external_id=str(chat), locale=locale, created_at=clock()
            )
            for chat, locale in ((BOSS, "fr"), (BOSS_AR, "ar"), (BOSS_EN, "en"))
        )
        await session.execute(
            update(ChannelAccount)
            .where(ChannelAccount.participant_id == people["Amina"])
            .values(external_id=str(AMINA), locale="fr")
        )
    sender = app.telegram_sender()
    delivery = app.delivery({"telegram": sender})
    channel = app.telegram_channel(delivery, poll_timeout=1)
    await channel.start()
    await sender.start()
    try:
        yield app
    finally:
        await channel.stop()
        await sender.stop()
        await app.close()


async def asks(telegram, chat: int, text: str) -> dict:
    before = telegram.count_sent(chat)
    telegram.push_text(chat, text)
    messages = await asyncio.to_thread(telegram.wait_for_messages, chat, before + 1, 10.0)
    return messages[before]


async def test_an_organiser_gets_the_commitments_xlsx_matching_the_database(telegram, running):
    message = await asks(telegram, BOSS, "/report commitments")
    (call,) = telegram.calls("sendDocument")
    assert int(call["chat_id"]) == BOSS
    assert call["caption"].startswith("Engagements")
    (upload,) = telegram.documents(BOSS)
    assert upload.filename.startswith("commitments-") and upload.filename.endswith("-fr.xlsx")
    assert message["document"]["file_name"] == upload.filename
    book = load_workbook(io.BytesIO(upload.data), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    async with running.database.unit_of_work() as session:
        commitments = await session.scalar(select(func.count()).select_from(Commitment))
        texts = set(await session.scalars(select(Commitment.text)))
    assert len(rows) - 1 == commitments == 5
    assert {cell for row in rows[1:] for cell in row} >= texts
    assert len(book.worksheets) == 2


async def live_commitments(database) -> int:
    async with database.unit_of_work() as session:
        return await session.scalar(
            select(func.count()).select_from(Commitment).where(Commitment.status != "withdrawn")
        )


async def test_the_plan_is_a_docx_in_the_organisers_language(telegram, running):
    await asks(telegram, BOSS, "/report plan")
    (upload,) = telegram.documents(BOSS)
    assert upload.filename.endswith("-fr.docx")
    plan = WordDocument(io.BytesIO(upload.data))
    assert plan.paragraphs[0].text.startswith("Plan d'action de renforcement du réseautage")
    total = plan.tables[0].rows[-1].cells
    assert total[0].text == "Total" and total[-1].text == str(
        await live_commitments(running.database)
    )
    await asks(telegram, BOSS_AR, "/report plan")
    (arabic,) = telegram.documents(BOSS_AR)
    plan = WordDocument(io.BytesIO(arabic.data))
    assert plan.paragraphs[0].text == "خطة عمل تعزيز التشبيك داخل الشبكة"
    assert plan.sections[0]._sectPr.find(qn("w:bidi")) is not None
    await asks(telegram, BOSS_EN, "/report participants")
    (english,) = telegram.documents(BOSS_EN)
    assert english.filename.endswith("-fr.xlsx")


async def test_plain_report_stays_the_summary(telegram, running):
    summary = await asks(telegram, BOSS, "/report")
    assert "Inscrits" in summary["text"] and "/report commitments" in summary["text"]
    assert not telegram.calls("sendDocument")


async def test_an_unknown_report_is_answered_politely(telegram, running):
    answer = await asks(telegram, BOSS, "/report everything")
    assert "participants, interests, matches, commitments, plan" in answer["text"]
    assert not telegram.calls("sendDocument")


async def test_a_participant_is_refused_and_no_file_is_sent(telegram, running):
    answer = await asks(telegram, AMINA, "/report commitments")
    assert answer["text"].startswith("Désolé, la commande /report ne vous est pas accessible.")
    assert not telegram.calls("sendDocument")
    assert not telegram.documents(AMINA)


def test_a_document_round_trips_through_the_outbox_content():
    reply = Reply("Engagements", document=Document("commitments", "xlsx", "ar", "c-ar.xlsx"))
    content = to_content(reply)
    assert content["document"] == {
        "report": "commitments",
        "format": "xlsx",
        "language": "ar",
        "filename": "c-ar.xlsx",
    }
    assert from_content(content) == reply
    assert "document" not in to_content(Reply("hello"))
    assert from_content(to_content(Reply("hello"))).document is None


@pytest.mark.parametrize(
    "document",
    [
        Document("secrets", "xlsx", "ar", "s.xlsx"),
        Document("plan", "xlsx", "ar", "p.xlsx"),
        Document("plan", "docx", "en", "p.docx"),
        Document("plan", "docx", "fr", "../p.docx"),
    ],
)
def test_check_refuses_a_document_no_sender_can_build(document):
    with pytest.raises(InvalidMessage):
        check(Reply("caption", document=document), ChannelLimits())


def test_a_caption_is_at_most_1024_characters():
    document = Document("plan", "docx", "fr", "p.docx")
    check(Reply("x" * 1024, document=document), ChannelLimits())
    with pytest.raises(MessageTooLarge):
        check(Reply("x" * 1025, document=document), ChannelLimits())


async def test_send_document_errors_are_outcomes_as_for_send_message(telegram):
    async def documents(document: Document) -> bytes:
        return b"PK fake " + document.report.encode()

    sender = TelegramSender(telegram.token, telegram.base_url, documents=documents)
    reply = Reply("Plan", document=Document("plan", "docx", "fr", "plan.docx"))
    await sender.start()
    try:
        telegram.limit_rate(BOSS, retry_after=7)
        late = await sender.send(str(BOSS), reply)
        assert isinstance(late, RetryLater) and late.delay_s == 7 and late.rate_limited
        assert isinstance(await sender.send(str(BOSS), reply), Sent)
        assert telegram.documents(BOSS)[0].data == b"PK fake plan"
        telegram.blocked_chats.add(AMINA)
        assert isinstance(await sender.send(str(AMINA), reply), Blocked)
        assert not telegram.documents(AMINA)
        without = TelegramSender(telegram.token, telegram.base_url)
        assert isinstance(await without.send(str(BOSS), reply), Failed)
    finally:
        await sender.stop()
