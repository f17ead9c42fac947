"""The report files a message carries, built when it is sent.

Kept apart from :mod:`bot.reports`, which brings matplotlib, openpyxl and python-docx
(about 0.7 s of imports): the running bot loads them only when an organiser first asks
for a file, not at every start.
"""

from __future__ import annotations

import asyncio
import io

from bot.config import Settings


class ReportFiles:
    """Builds the file a message carries (a :class:`~handlers.messages.Document`) at send
    time, from the database, with the writers ``tawasul report`` uses.

    The writing runs in a thread, one file at a time, so other sends go on meanwhile.
    """

    def __init__(self, database, settings: Settings, event_id: int) -> None:
        self.database = database
        self.settings = settings
        self.event_id = event_id
        self._one_at_a_time = asyncio.Lock()

    async def __call__(self, document) -> bytes:
        from bot.reports import rows_of

        rows = await rows_of(self.database, self.event_id, document.report)
        async with self._one_at_a_time:
            return await asyncio.to_thread(self._bytes, document, rows)

    def _bytes(self, document, rows) -> bytes:
        from bot.reports import write

        buffer = io.BytesIO()
        write(self.settings, document.report, document.format, document.language, buffer, rows)
        return buffer.getvalue()
