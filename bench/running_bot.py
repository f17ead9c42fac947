"""What the delivery benchmarks share: a bot in its own process against the fake Bot API
or the fake WhatsApp Cloud API.

The fake servers (``tests/fake_telegram.py``, ``tests/fake_graph.py``) run in the
benchmark's process, in their own threads; the bot under test is a separate process: the
real ``tawasul run`` (``python -m bot run`` on a SQLite database in a temporary folder),
or the peer, the plainest python-telegram-bot bot (``bench/peer_bot.py``). Times are
``time.monotonic()``, which is one clock for every process of the machine.
"""

from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fake_graph import FakeGraphServer, choices
from fake_telegram import FakeTelegramServer

BENCH = Path(__file__).resolve().parent
WHATSAPP_APP_SECRET = "bench-app-secret"
WHATSAPP_VERIFY_TOKEN = "bench-verify-token"
READY_TIMEOUT_S = 90.0
READY_LINE = re.compile(r"running( \([a-z, ]+\))?; Ctrl-C to stop")
"""What ``tawasul run`` says once it runs (with its channels, since WhatsApp came)."""


def write_config(folder: Path, delivery: str = "") -> Path:
    """The shipped configuration (its SQLite file in ``folder``); ``delivery``, when given,
    replaces the body of its ``[delivery]`` section (TOML lines)."""
    text = resources.files("bot").joinpath("default_config.toml").read_text("utf-8")
    if delivery:
        text = text[: text.index("[delivery]")] + "[delivery]\n" + delivery + "\n"
    config = folder / "config.toml"
    config.write_text(text, encoding="utf-8")
    return config


def bot_environment(server: FakeTelegramServer) -> dict[str, str]:
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "PYTHONUNBUFFERED": "1",
    }


def whatsapp_config(config: Path, phone_number_id: str) -> Path:
    """The configuration with WhatsApp on: the shipped ``[whatsapp] phone_number_id`` set."""
    text = config.read_text("utf-8")
    on = re.sub(r'(?m)^phone_number_id = ""$', f'phone_number_id = "{phone_number_id}"', text)
    if on == text:
        raise SystemExit('no [whatsapp] phone_number_id = "" line in the shipped configuration')
    config.write_text(on, "utf-8")
    return config


def whatsapp_environment(graph: FakeGraphServer, web_port: int) -> dict[str, str]:
    """WhatsApp alone (no Telegram token), its Graph API the fake, its secrets set."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("TELEGRAM_")
    }
    return {
        **environment,
        "WHATSAPP_API_BASE_URL": graph.base_url,
        "WHATSAPP_ACCESS_TOKEN": graph.access_token,
        "WHATSAPP_APP_SECRET": WHATSAPP_APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": WHATSAPP_VERIFY_TOKEN,
        "TAWASUL_WEB_PORT": str(web_port),
        "PYTHONUNBUFFERED": "1",
    }


def tawasul(config: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "bot", "--config", str(config), *arguments]


class BotProcess:
    """A bot started in its own process with ``environment``, its output in ``log``;
    stopped with SIGINT."""

    def __init__(self, command: list[str], environment: dict[str, str], log: Path) -> None:
        self.log = log
        self._output = log.open("wb")
        self.process = subprocess.Popen(
            command, env=environment, stdout=self._output, stderr=subprocess.STDOUT
        )

    def wait_until(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not ready():
            if self.process.poll() is not None:
                raise SystemExit(
                    f"the bot exited ({self.process.returncode}) before {what}: see {self.log}"
                )
            if time.monotonic() > deadline:
                raise SystemExit(f"the bot did not reach {what} in {READY_TIMEOUT_S:.0f} s")
            time.sleep(0.05)

    def output(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._output.close()


def start_tawasul(server: FakeTelegramServer, config: Path) -> BotProcess:
    """``tawasul run`` on the fake, once it says it is running and has asked for updates."""
    bot = BotProcess(tawasul(config, "run"), bot_environment(server), config.parent / "run.log")
    bot.wait_until(lambda: bool(READY_LINE.search(bot.output())), "running")
    bot.wait_until(lambda: bool(server.calls("getUpdates")), "its first getUpdates")
    return bot


def start_tawasul_whatsapp(graph: FakeGraphServer, config: Path, web_port: int) -> BotProcess:
    """``tawasul run`` with WhatsApp alone, sending to the fake, once it says it runs."""
    environment = whatsapp_environment(graph, web_port)
    bot = BotProcess(tawasul(config, "run"), environment, config.parent / "run.log")
    bot.wait_until(lambda: bool(READY_LINE.search(bot.output())), "running")
    return bot


def start_peer(server: FakeTelegramServer, folder: Path, max_retries: int) -> BotProcess:
    """The peer bot, once it polls."""
    command = [
        sys.executable,
        str(BENCH / "peer_bot.py"),
        "spike",
        "--max-retries",
        str(max_retries),
    ]
    bot = BotProcess(command, bot_environment(server), folder / "peer.log")
    bot.wait_until(lambda: bool(server.calls("getUpdates")), "its first getUpdates")
    return bot


def offers(graph: FakeGraphServer, wa_id: str, key: str, since: int) -> bool:
    """Whether a message to ``wa_id`` after its first ``since`` offers the choice ``key``."""
    return any(key == id_ for m in graph.messages(wa_id)[since:] for id_, _ in choices(m))


def wait_for(done: Callable[[], bool], timeout_s: float, idle: Callable[[], bool] | None = None):
    """Until ``done``, or ``idle`` (nothing more will come), or the timeout; True if done."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if done():
            return True
        if idle is not None and idle():
            return False
        time.sleep(0.02)
    return done()


def quiet_for(server: FakeTelegramServer, seconds: float) -> Callable[[], bool]:
    """True once the fake has accepted no message for ``seconds``."""

    def idle() -> bool:
        log = server.send_log()
        return bool(log) and time.monotonic() - log[-1][0] > seconds

    return idle


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]
