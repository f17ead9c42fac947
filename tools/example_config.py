"""Write the shipped ``config.toml``: the built-in defaults, every setting commented out.

The defaults live once, in ``bot/default_config.toml`` (embedded in the package). The
root ``config.toml`` is an example an organiser copies and edits; it changes nothing
until a setting is uncommented. Run after changing the defaults:

    .venv/bin/python tools/example_config.py

A test fails while the example and the defaults disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot import config

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = ROOT / "bot" / "default_config.toml"
EXAMPLE = ROOT / "config.toml"
HEADER = """\
# Tawasul configuration: an example. [event] is required in every configuration file and
# names the meeting; every other setting is commented out and shows the built-in default.
# To change one, remove the "#" before its [section] line and before the setting.
# Secrets (TELEGRAM_BOT_TOKEN, ...) come from the environment only.
# This file is written by tools/example_config.py from bot/default_config.toml.
"""
REQUIRED = tuple(config.REQUIRED)
"""Sections a configuration file must have: kept active."""
SETTING = re.compile(r"^#(?! |$)")
"""A commented-out line of TOML, as :func:`render` writes them: ``#`` then no space
(explanations are ``# `` then text)."""


def render(defaults: str) -> str:
    lines = defaults.splitlines()
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    body, section = [], None
    for line in lines:
        if line.startswith("["):
            section = line.strip("[] ")
        keep = not line.strip() or line.startswith("#") or section in REQUIRED
        body.append(line if keep else f"#{line}")
    return HEADER + "\n".join(body).rstrip("\n") + "\n"


def uncomment(example: str) -> str:
    """The example with every commented-out setting active again."""
    return "\n".join(SETTING.sub("", line) for line in example.splitlines()) + "\n"


def main() -> None:
    EXAMPLE.write_text(render(DEFAULTS.read_text("utf-8")), "utf-8")
    print(f"wrote {EXAMPLE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
