"""``tawasul run`` starts what is configured, and says in one line what is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DEFAULTS = (Path(__file__).parent.parent / "bot" / "default_config.toml").read_text("utf-8")
WHATSAPP = DEFAULTS.replace('phone_number_id = ""', 'phone_number_id = "106540352242922"')
TELEGRAM_WEBHOOK = DEFAULTS.replace(
    'mode = "polling"\nwebhook_url = ""',
    'mode = "webhook"\nwebhook_url = "https://bot.example.ma/webhooks/telegram"',
)
assert WHATSAPP != DEFAULTS and TELEGRAM_WEBHOOK != DEFAULTS


def run(cwd: Path, config: str = DEFAULTS, **environ: str) -> subprocess.CompletedProcess:
    (cwd / "config.toml").write_text(config, encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TAWASUL_DATABASE_URL": f"sqlite:///{cwd / 'run.db'}",
        **environ,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def one_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def test_nothing_configured_says_what_to_set(tmp_path):
    result = run(tmp_path)
    assert result.returncode == 2
    line = one_line(result)
    assert "no channel configured" in line
    assert "TELEGRAM_BOT_TOKEN" in line and "[whatsapp] phone_number_id" in line
    assert "tawasul console" in line


def test_whatsapp_without_its_secrets_names_them(tmp_path):
    result = run(tmp_path, WHATSAPP, WHATSAPP_ACCESS_TOKEN="token")
    assert result.returncode == 2
    line = one_line(result)
    assert "WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN" in line
    assert "WHATSAPP_ACCESS_TOKEN" not in line
    assert not (tmp_path / "run.db").exists(), "checked before anything is opened"


def test_telegram_webhook_mode_needs_its_secret_and_a_token(tmp_path):
    result = run(tmp_path, TELEGRAM_WEBHOOK, TELEGRAM_BOT_TOKEN="1:x")
    assert result.returncode == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in one_line(result)
    result = run(tmp_path, TELEGRAM_WEBHOOK, TELEGRAM_WEBHOOK_SECRET="s3cret")
    assert result.returncode == 2
    assert 'telegram.mode is "webhook" but TELEGRAM_BOT_TOKEN is not set' in one_line(result)
