"""What each channel can show, in one place; the engine checks every reply against it.

Telegram: callback data (an option key) is at most 64 bytes; a message is at most 4096
characters, but the Telegram sender splits a longer text at line breaks, so the text
limit checked is the most the bot is willing to split (four messages), not 4096.
The console shows anything; its limits only catch what no channel could show.
"""

from __future__ import annotations

from types import MappingProxyType

from handlers.messages import ChannelLimits

TELEGRAM_MESSAGE_LENGTH = 4096
TELEGRAM = ChannelLimits(
    max_text_length=4 * TELEGRAM_MESSAGE_LENGTH,
    max_option_key_bytes=64,
    max_label_length=256,
    max_options=100,
)
CONSOLE = ChannelLimits(
    max_text_length=100_000, max_option_key_bytes=64, max_label_length=1000, max_options=1000
)
LIMITS = MappingProxyType({"telegram": TELEGRAM, "console": CONSOLE})
