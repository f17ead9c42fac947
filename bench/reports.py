"""How long the biggest reports take: 10,000 commitments from 2,000 participants.

Run by hand: ``python bench/reports.py``. Generates the commitments into a throwaway SQLite
database (with partners, follow-ups sent and every status), then writes the commitments
XLSX (with its charts) and the Arabic action plan (DOCX, with its charts), reading from the
database each time as ``tawasul report`` does. Prints one JSON line per case:
``{"case": "xlsx-10000", "seconds": …, "peak_mib": …}`` and ``{"case": "plan-10000", …}``.
``seconds`` is an untraced run; ``peak_mib`` the peak of Python allocations (tracemalloc) of
a second, traced run (libxml2's own memory, under python-docx and openpyxl, is not traced);
``max_rss_mib`` the peak resident size of the whole process so far, generation included.
The target is under 10 s each. No assertion: timings depend on the machine.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy import insert, select  # noqa: E402

from bot.bootstrap import migrate  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.reports import read, write  # noqa: E402
from db.models import (  # noqa: E402
    COMMITMENT_STATUSES,
    Collectivity,
    Commitment,
    CommitmentPartner,
    EventRegistration,
    FollowUp,
    Participant,
)
from db.session import Database  # noqa: E402

PARTICIPANTS = 2_000
COMMITMENTS = 10_000
NOW = datetime(2024, 11, 13, 16, 0, tzinfo=UTC)


async def generate(database: Database, settings) -> None:
    rng = random.Random(9)
    event_id = await migrate(database, settings, NOW)
    themes = [theme.slug for theme in settings.themes.themes] + [None]
    async with database.unit_of_work() as session:
        places = list(await session.scalars(select(Collectivity.id)))
        people = [
            {
                "id": pid,
                "full_name": f"مشارك {pid}",
                "collectivity_id": rng.choice(places),
                "position": "نقطة الاتصال",
                "phone": f"+2126{pid:08d}",
                "email": f"p{pid}@example.ma",
                "consented_at": NOW,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for pid in range(1, PARTICIPANTS + 1)
        ]
        await session.execute(insert(Participant), people)
        await session.execute(
            insert(EventRegistration),
            [
                {"event_id": event_id, "participant_id": p["id"], "registered_at": NOW}
                for p in people
            ],
        )
        commitments, partners, follow_ups = [], [], []
        for cid in range(1, COMMITMENTS + 1):
            commitments.append(
                {
                    "id": cid,
                    "event_id": event_id,
                    "participant_id": rng.randint(1, PARTICIPANTS),
                    "text": "تنظيم ورشة مشتركة حول الحق في الحصول على المعلومات لفائدة الموظفين "
                    f"والمنتخبين، رقم {cid}",
                    "theme": rng.choice(themes),
                    "deadline": date(2025, 1, 1) + timedelta(days=rng.randint(0, 365)),
                    "indicator": "عدد المشاركين" if cid % 2 else None,
                    "status": rng.choice(COMMITMENT_STATUSES),
                    "needs_help_at": NOW if cid % 7 == 0 else None,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
            for place in rng.sample(places, rng.randint(0, 3)):
                partners.append({"commitment_id": cid, "collectivity_id": place})
            for sequence in range(1, rng.randint(1, 4)):
                follow_ups.append(
                    {
                        "commitment_id": cid,
                        "sequence": sequence,
                        "due_at": NOW,
                        "status": "sent",
                        "sent_at": NOW,
                    }
                )
        await session.execute(insert(Commitment), commitments)
        await session.execute(insert(CommitmentPartner), partners)
        await session.execute(insert(FollowUp), follow_ups)


def case(settings, kind: str, fmt: str, target: Path) -> float:
    start = time.perf_counter()
    rows = asyncio.run(read(settings, kind))
    write(settings, kind, fmt, "ar", target, rows)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        settings = load_settings(environ={"TAWASUL_DATABASE_URL": url})
        database = Database(url)

        async def setup() -> None:
            try:
                await generate(database, settings)
            finally:
                await database.close()

        asyncio.run(setup())
        for name, kind, fmt in (
            ("xlsx-10000", "commitments", "xlsx"),
            ("plan-10000", "plan", "docx"),
        ):
            target = Path(folder) / f"{name}.{fmt}"
            seconds = case(settings, kind, fmt, target)
            tracemalloc.start()
            case(settings, kind, fmt, target)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(
                json.dumps(
                    {
                        "case": name,
                        "seconds": round(seconds, 2),
                        "peak_mib": round(peak / 2**20, 1),
                        "max_rss_mib": round(
                            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                        ),
                        "bytes": target.stat().st_size,
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
