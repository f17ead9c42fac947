"""End to end over WhatsApp: Meta-shaped webhooks, signed with the app secret, posted to the
bot's running web server; the bot's answers read at a fake Graph API on 127.0.0.1 (what the
real WhatsApp sender posted, rendered within WhatsApp's limits).

A focal point registers in French from her WhatsApp profile name; a status webhook then
marks the bot's last message delivered and read. ``tawasul run`` itself is started too, as
an operator starts it, with the secrets in its environment.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import MappingProxyType

import httpx
import pytest
import whatsapp_payloads as meta
from fake_graph import ApprovedTemplate, FakeGraphServer, choices, visible_text
from sqlalchemy import select

from bot.bootstrap import bootstrap
from bot.channel_settings import Template, WebSettings, WhatsAppSettings
from bot.config import load_settings
from db.models import ChannelAccount, OutboxMessage, Participant
from db.session import Database
from handlers.messages import MESSAGE_WAITING

HIND = "212612345678"
PATH = "/webhooks/whatsapp"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def graph():
    with FakeGraphServer(meta.ACCESS_TOKEN, meta.PHONE_NUMBER_ID) as server:
        yield server


class Phone:
    """Hind's WhatsApp: what she sends goes as Meta's webhooks, what she reads is what the
    bot posted to the Graph API for her."""

    def __init__(self, client: httpx.AsyncClient, graph: FakeGraphServer, wa_id: str):
        self.client = client
        self.graph = graph
        self.wa_id = wa_id
        self.seen = 0
        self.last: list[dict] = []

    async def sends(self, content: dict, expect: int = 1) -> list[dict]:
        payload = meta.messages(self.wa_id, content, name="Hind Berrada")
        body = meta.body_of(payload)
        response = await self.client.post(PATH, content=body, headers=meta.signed(body))
        assert response.status_code == 200, response.text
        return await self.next(expect)

    async def next(self, count: int) -> list[dict]:
        """The next ``count`` messages the bot sent her, once they are there."""
        wanted = self.seen + count
        messages = await asyncio.to_thread(self.graph.wait_for_messages, self.wa_id, wanted)
        self.last, self.seen = messages[self.seen : wanted], wanted
        return self.last

    async def says(self, text: str, expect: int = 1) -> list[dict]:
        return await self.sends(meta.text(text), expect)

    async def taps(self, label: str, expect: int = 1) -> list[dict]:
        """Tap the reply button or list row whose title holds ``label``."""
        message = next(m for m in reversed(self.last) if choices(m))
        key, title = next((k, t) for k, t in choices(message) if label in t)
        if message["interactive"]["type"] == "button":
            return await self.sends(meta.button_reply(key, title), expect)
        return await self.sends(meta.list_reply(key, title), expect)

    def text(self) -> str:
        return "\n".join(visible_text(message) for message in self.last)


WAITING = Template(
    MESSAGE_WAITING, "tawasul_message_waiting", MappingProxyType({"ar": "ar", "fr": "fr"})
)


def whatsapp_settings(graph: FakeGraphServer, **templates: Template):
    return dataclasses.replace(
        load_settings(environ={}),
        whatsapp=WhatsAppSettings(
            meta.PHONE_NUMBER_ID,
            api_base_url=graph.base_url,
            templates=MappingProxyType(templates),
            app_secret=meta.APP_SECRET,
            access_token=meta.ACCESS_TOKEN,
            verify_token=meta.VERIFY_TOKEN,
        ),
        web=WebSettings("127.0.0.1", 0),
    )


@asynccontextmanager
async def running(app) -> AsyncIterator[httpx.AsyncClient]:
    """The WhatsApp side of ``tawasul run``: sender, delivery, channel, web server."""
    sender = app.whatsapp_sender()
    await sender.start()
    delivery = app.delivery({"whatsapp": sender})
    delivery.start()
    channel = app.whatsapp_channel(delivery)
    server = app.web_server(whatsapp=channel)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            yield client
    finally:
        await server.stop()
        await channel.stop()
        await delivery.stop()
        await sender.stop()


async def test_a_full_registration_over_whatsapp(graph, tmp_path):
    app = await bootstrap(whatsapp_settings(graph), database=Database(f"sqlite:///{tmp_path}/w.db"))
    try:
        async with running(app) as client:
            hind = Phone(client, graph, HIND)
            (language,) = await hind.says("السلام عليكم")
            assert [title for _, title in choices(language)] == ["العربية", "Français", "English"]
            (notice, name) = await hind.taps("Français", expect=2)
            assert "loi n°\u00a009-08" in visible_text(notice)
            assert "Quel est votre nom complet" in visible_text(name)
            assert "Hind Berrada" in [title for _, title in choices(name)]

            (collectivity,) = await hind.taps("Hind Berrada")
            assert "Quelle collectivité" in visible_text(collectivity)
            (suggestions,) = await hind.says("بركان")
            assert any("Berkane" in title for _, title in choices(suggestions))
            (position,) = await hind.taps("Berkane")
            assert "fonction" in visible_text(position)
            (phone,) = await hind.says("Responsable de la coopération")
            assert "téléphone" in visible_text(phone)
            (email,) = await hind.says("0612345678")
            assert "e-mail" in visible_text(email)
            # The notice is longer than an interactive body: its text, then the buttons.
            (consent, question) = await hind.says("hind@example.ma", expect=2)
            assert "09-08" in visible_text(consent)
            assert "J'accepte" in [title for _, title in choices(question)]
            (summary,) = await hind.taps("J'accepte")
            assert "Hind Berrada" in visible_text(summary)
            done = await hind.taps("Confirmer", expect=2)
            assert "13 novembre 2024" in hind.text()

            last = done[-1]["id"]
            at = int(app.services.clock().timestamp())
            statuses = meta.statuses(
                meta.status(last, "sent", HIND, at),
                meta.status(last, "delivered", HIND, at),
                meta.status(last, "read", HIND, at),
            )
            body = meta.body_of(statuses)
            response = await client.post(PATH, content=body, headers=meta.signed(body))
            assert response.status_code == 200

        async with app.database.unit_of_work() as session:
            participant = await session.scalar(select(Participant))
            assert participant.full_name == "Hind Berrada"
            assert participant.phone == "+212612345678"
            assert participant.email == "hind@example.ma"
            account = await session.scalar(select(ChannelAccount))
            assert (account.channel, account.external_id, account.locale) == (
                "whatsapp",
                HIND,
                "fr",
            )
            row = await session.scalar(
                select(OutboxMessage).where(OutboxMessage.platform_message_id == last)
            )
            assert row.delivered_at is not None and row.read_at is not None
        assert all(c["authorization"] == f"Bearer {meta.ACCESS_TOKEN}" for c in graph.calls())
    finally:
        await app.close()


def quick_reply_payload(template: dict) -> str:
    for component in template["template"].get("components", []):
        if component.get("type") == "button":
            return component["parameters"][0]["payload"]
    raise AssertionError(f"no quick reply in {template}")


async def test_a_message_failed_outside_the_window_comes_back_through_its_template(
    tmp_path,
):
    approved = {"tawasul_message_waiting": ApprovedTemplate(("ar", "fr"))}
    with FakeGraphServer(meta.ACCESS_TOKEN, meta.PHONE_NUMBER_ID, templates=approved) as graph:
        settings = whatsapp_settings(graph, message_waiting=WAITING)
        app = await bootstrap(settings, database=Database(f"sqlite:///{tmp_path}/w.db"))
        try:
            async with running(app) as client:
                hind = Phone(client, graph, HIND)
                (language,) = await hind.says("مرحبا")
                failed = meta.statuses(
                    meta.failed(language["id"], HIND, 131047, "Re-engagement message")
                )
                body = meta.body_of(failed)
                response = await client.post(PATH, content=body, headers=meta.signed(body))
                assert response.status_code == 200
                (template,) = await hind.next(1)
                assert template["template"]["name"] == "tawasul_message_waiting"
                again = await hind.sends(meta.template_button(quick_reply_payload(template)))
                assert visible_text(again[0]) == visible_text(language)
                assert choices(again[0]) == choices(language)
        finally:
            await app.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_run(tmp_path: Path, graph: FakeGraphServer, port: int) -> subprocess.Popen:
    defaults = (ROOT / "bot" / "default_config.toml").read_text("utf-8")
    config = defaults.replace('phone_number_id = ""', f'phone_number_id = "{meta.PHONE_NUMBER_ID}"')
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TAWASUL_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "TAWASUL_WEB_PORT": str(port),
        "WHATSAPP_API_BASE_URL": graph.base_url,
        "WHATSAPP_APP_SECRET": meta.APP_SECRET,
        "WHATSAPP_ACCESS_TOKEN": meta.ACCESS_TOKEN,
        "WHATSAPP_VERIFY_TOKEN": meta.VERIFY_TOKEN,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(process: subprocess.Popen, fragment: str) -> list[str]:
    """The lines of its stderr up to the one holding ``fragment`` (it blocks, so run it in
    a thread; the process ending first is a failure)."""
    lines = []
    for line in process.stderr:
        lines.append(line)
        if fragment in line:
            return lines
    raise AssertionError(f"{fragment!r} never came:\n{''.join(lines)}")


async def test_tawasul_run_serves_whatsapp_and_stops_cleanly(graph, tmp_path):
    port = free_port()
    process = start_run(tmp_path, graph, port)
    try:
        lines = await asyncio.to_thread(wait_for_line, process, "running; Ctrl-C to stop")
        assert any(f"web server listening on http://127.0.0.1:{port}" in line for line in lines)
        assert any("channels: whatsapp" in line for line in lines)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            assert (await client.get("/health")).json() == {
                "status": "ok",
                "channels": ["whatsapp"],
            }
            body = meta.body_of(meta.messages(HIND, meta.text("مرحبا")))
            assert (await client.post(PATH, content=body)).status_code == 401
            response = await client.post(PATH, content=body, headers=meta.signed(body))
            assert response.status_code == 200
        (language,) = await asyncio.to_thread(graph.wait_for_messages, HIND, 1)
        assert "Français" in [title for _, title in choices(language)]

        second = start_run(tmp_path, graph, port)
        _, refused = await asyncio.to_thread(second.communicate, None, 60)
        assert second.returncode == 2
        assert f"cannot listen on 127.0.0.1:{port}: the port is in use" in refused
        assert "Traceback" not in refused and refused.count("tawasul: ") == 1
    finally:
        process.send_signal(signal.SIGTERM)
        _, rest = await asyncio.to_thread(process.communicate, None, 60)
    assert process.returncode == 0, rest
    assert "Traceback" not in rest
