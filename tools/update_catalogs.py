"""Re-extract the messages and bring every catalog in step with the template.

Run after changing user-facing text: ``python tools/update_catalogs.py``. The
English catalog is filled with the source text; Arabic and French entries that
are new come out empty (or fuzzy) and the catalog test fails until they are
translated. French spaces before ; : ? ! and inside « » become narrow no-break
spaces, so that a phone never wraps the punctuation alone onto a line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from locales.typography import french_typography

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"


def pybabel(*arguments: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *arguments], check=True, cwd=ROOT
    )


def fill_english() -> None:
    po = LOCALES / "en" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source)
    for message in catalog:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
    with po.open("wb") as target:
        write_po(target, catalog, width=0, sort_output=True, omit_header=False)


def fix_french() -> None:
    """Narrow no-break spaces where French typography puts a space: before ; : ? ! and in « »."""
    po = LOCALES / "fr" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale="fr")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, tuple):
            message.string = tuple(french_typography(text) for text in message.string)
        else:
            message.string = french_typography(message.string)
    with po.open("wb") as target:
        write_po(target, catalog, width=0, sort_output=True, omit_header=False)


def main() -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "N_",
        "--sort-output",
        "--no-wrap",
        "--no-location",
        "--omit-header",
        "-o",
        str(POT),
        "bot",
        "handlers",
        "db",
    )
    pybabel("update", "-i", str(POT), "-d", str(LOCALES), "--ignore-obsolete", "--no-wrap")
    fill_english()
    fix_french()


if __name__ == "__main__":
    main()
