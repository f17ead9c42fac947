"""What each channel can show, in one place; the engine checks every reply against it.

Telegram: callback data (an option key) is at most 64 bytes; a message is at most 4096
characters, but the Telegram sender splits a longer text at line breaks, so the text
limit checked is the most the bot is willing to split (four messages), not 4096.
WhatsApp: the same 4096 characters a text, split by its sender likewise; options beyond
what reply buttons (3, titles of 20) and list messages (10 rows, titles of 24) hold are
rendered as numbered text, and long labels shortened by the renderer, so the limits
checked here are the same as Telegram's; free-form messages only within 24 hours of the
person's last message.
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
WHATSAPP_MESSAGE_LENGTH = 4096
WHATSAPP_WINDOW_S = 24 * 3600
WHATSAPP = ChannelLimits(
    max_text_length=4 * WHATSAPP_MESSAGE_LENGTH,
    max_option_key_bytes=64,
    max_label_length=256,
    max_options=100,
    max_caption_length=1024,
    free_form_window_s=WHATSAPP_WINDOW_S,
)
CONSOLE = ChannelLimits(
    max_text_length=100_000, max_option_key_bytes=64, max_label_length=1000, max_options=1000
)
LIMITS = MappingProxyType({"telegram": TELEGRAM, "whatsapp": WHATSAPP, "console": CONSOLE})
