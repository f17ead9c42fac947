"""French typography for the catalogs: the narrow no-break space (U+202F).

French puts a space before ; : ? ! and inside « »; a plain space there lets a phone
wrap the sign alone onto the next line. The catalog tool applies this to every
French message, and the catalog test checks it.
"""

from __future__ import annotations

import re

NNBSP = "\u202f"
_SPACES = " \u00a0\u202f"
_BEFORE = re.compile(rf"[{_SPACES}]*([;?!»])")
_COLON = re.compile(rf"(?<![0-9/])[{_SPACES}]*:(?![0-9/])")
_AFTER_OPENING = re.compile(rf"«[{_SPACES}]*")


def french_typography(text: str) -> str:
    """Put exactly one narrow no-break space before ; : ? ! and » and after «."""
    text = _BEFORE.sub(lambda match: NNBSP + match.group(1), text)
    text = _COLON.sub(NNBSP + ":", text)
    text = _AFTER_OPENING.sub("«" + NNBSP, text)
    return re.sub(rf"^{NNBSP}", "", text, flags=re.MULTILINE)
