"""``tawasul demo``: a whole workshop, simulated on a throwaway SQLite database.

People register (in Arabic, French and English), check in, give their interests, sit
three speed-networking rounds, ask to connect and accept, answer "did you meet?" after
``/round askmet``, make commitments (most with a partner) and answer months of
follow-ups, all through the real conversation core, on a clock of its own; then every
report and the action plan are written, as ``tawasul report`` writes them.
Nothing reaches the network: what the bot sends is recorded, never delivered.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.config import Settings
from bot.delivery.dispatcher import Delivery
from bot.delivery.ports import Sent
from db.models import (
    ChannelAccount,
    CheckIn,
    Collectivity,
    Commitment,
    FollowUp,
    MatchRequest,
    NetworkingRound,
    Participant,
    RoundSeat,
)
from db.session import Database
from domain.settings import Roles
from handlers.messages import Inbound, Reply

EXIT_OK = 0
EXIT_USAGE = 2
CHANNEL = "console"
LEAD = "facilitator"
HORIZON = timedelta(days=400)
"""Follow-ups are swept until none is left, or this long after the workshop."""

FIRST_NAMES = {
    "ar": ("فاطمة", "محمد", "خديجة", "يوسف", "نادية", "عمر", "سعاد", "حسن", "مريم", "رشيد"),
    "fr": ("Karim", "Nadia", "Youssef", "Salma", "Omar", "Leila", "Hicham", "Imane", "Anas"),
    "en": ("Sara", "Amine", "Hind", "Mehdi", "Zineb", "Adil", "Kenza", "Tarik", "Loubna"),
}
LAST_NAMES = {
    "ar": ("العلوي", "بناني", "الإدريسي", "التازي", "الفاسي", "المرابط", "الحسني", "بنعلي"),
    "fr": ("Benali", "Idrissi", "Amrani", "Tazi", "El Fassi", "Berrada", "Chraibi", "Alami"),
    "en": ("Bennani", "Lahlou", "Skalli", "Ouazzani", "Kettani", "Naciri", "Sqalli", "Filali"),
}
POSITIONS = {
    "ar": ("مكلف بالتعاون اللامركزي", "منسقة الشراكات", "نقطة الاتصال للحكومة المنفتحة"),
    "fr": ("Chargé de la coopération", "Responsable de la communication", "Point focal"),
    "en": ("Focal point", "Partnerships officer", "Head of the IT unit"),
}
PROJECTS = {
    "ar": (
        "نشرنا ميزانية الجماعة في شكل معطيات مفتوحة",
        "درنا الميزانية التشاركية مع الجمعيات ديال الحي",
        "أطلقنا منصة رقمية لتلقي شكايات المواطنين",
    ),
    "fr": (
        "Nous avons publié notre budget participatif en données ouvertes",
        "Un conseil des jeunes pour la participation citoyenne",
        "Un plan climat avec les associations de quartier",
    ),
    "en": (
        "We opened our budget data to citizens",
        "A youth council for citizen participation",
    ),
}
COMMITMENTS = {
    "ar": (
        "سننظم لقاء شهريا عن بعد لتبادل التجارب حول المعطيات المفتوحة",
        "غادي نديرو ورشة على الميزانية التشاركية مع الجماعات المجاورة",
        "سنعد دليلا للمشاركة المواطنة ونتقاسمه مع الشبكة",
    ),
    "fr": (
        "Organiser une rencontre mensuelle sur les données ouvertes avec nos voisins",
        "Former nos élus au budget participatif",
        "Partager notre guide de la participation citoyenne avec le réseau",
    ),
    "en": (
        "Hold a monthly online meeting on open data with our neighbours",
        "Train our staff in participatory budgeting",
    ),
}
BLOCKED_REASONS = {
    "ar": "ننتظر موافقة المجلس",
    "fr": "Nous attendons l'accord du conseil",
    "en": "We are waiting for the council's approval",
}
DEADLINES = ("in_1m", "in_3m", "in_6m", "year_end")
FATES = {
    "done": ("progress", "done"),
    "progress": ("progress",),
    "blocked": ("progress", "blocked", None),
    "help": ("help", "progress"),
    "silent": (None,),
}
"""How each person answers their follow-ups, one after the other (the last repeats);
``None`` is no answer."""
FATE_WEIGHTS = (35, 25, 15, 10, 15)


class DemoClock:
    """The demo's time: moved by hand, and by the dispatcher's waits (never slept)."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)
        self.current += timedelta(seconds=max(seconds, 0))


class Recorder:
    """A channel's sender that keeps what each person was sent instead of sending it."""

    def __init__(self) -> None:
        self.received: dict[str, list[Reply]] = {}
        self.count = 0

    async def send(self, external_id: str, message: Reply, locale: str | None = None) -> Sent:
        self.received.setdefault(external_id, []).append(message)
        self.count += 1
        return Sent(str(self.count))


@dataclass
class Person:
    """Someone in the room, talking to the core; ``replies`` is what they read last."""

    external_id: str
    language: str
    name: str
    replies: list[Reply] = field(default_factory=list)
    participant_id: int | None = None
    fate: str = "silent"
    answered: int = 0

    def offered(self, prefix: str = "") -> list[str]:
        return [o.key for reply in self.replies for o in reply.options if o.key.startswith(prefix)]

    def chosen(self, prefix: str) -> list[str]:
        return [
            o.key
            for reply in self.replies
            for o in reply.options
            if o.key.startswith(prefix) and o.label.startswith("✓")
        ]


@dataclass
class Summary:
    registered: int = 0
    present: int = 0
    rounds: int = 0
    requests: int = 0
    connections: int = 0
    commitments: Counter = field(default_factory=Counter)
    follow_ups_sent: int = 0
    follow_ups_answered: int = 0
    files: list[Path] = field(default_factory=list)


class Workshop:
    """The simulation: the people, the clock, the recorded phones."""

    def __init__(self, app, clock: DemoClock, rng: random.Random) -> None:
        self.app, self.clock, self.rng = app, clock, rng
        self.recorder = Recorder()
        self.delivery = Delivery(app.database, {CHANNEL: self.recorder}, clock, sleep=clock.sleep)
        self.updates = itertools.count(1)
        self.people: list[Person] = []

    async def _send(self, person: Person, inbound: Inbound) -> list[Reply]:
        outgoing = await self.app.conversation.handle(inbound)
        await self.delivery.send_now(outgoing)
        person.replies = [item.reply for item in outgoing]
        return person.replies

    async def says(self, person: Person, text: str) -> list[Reply]:
        update = str(next(self.updates))
        return await self._send(person, Inbound.message(CHANNEL, person.external_id, text, update))

    async def taps(self, person: Person, key: str) -> list[Reply]:
        update = str(next(self.updates))
        return await self._send(person, Inbound.choice(CHANNEL, person.external_id, key, update))

    async def deliver(self) -> None:
        """What the bot wrote to people in bulk (round seats, requests, follow-ups)."""
        await self.delivery.run_once()

    # the day of the workshop

    async def register(self, person: Person, collectivity: Collectivity) -> bool:
        await self.says(person, "/start")
        await self.taps(person, f"lang:{person.language}")
        await self.says(person, person.name)
        for typed in (collectivity.name_ar, collectivity.name_fr):
            await self.says(person, typed)
            wanted = f"col:{collectivity.id}"
            found = self.keys_or(person, wanted, "col:")
            if found:
                break
            await self.taps(person, "again")
        else:
            return False
        await self.taps(person, found)
        await self.says(person, self.rng.choice(POSITIONS[person.language]))
        await self.taps(person, "skip")
        await self.taps(person, "skip")
        await self.taps(person, "agree")
        await self.taps(person, "confirm")
        return "now" in person.offered()

    def keys_or(self, person: Person, wanted: str, prefix: str) -> str | None:
        keys = person.offered(prefix)
        if wanted in keys:
            return wanted
        return keys[0] if keys else None

    async def interests(self, person: Person, slugs: list[str]) -> None:
        rng = self.rng
        await self.says(person, "/interests")
        for side in ("offer", "seek"):
            for slug in rng.sample(slugs, rng.randint(1, 3)):
                await self.taps(person, f"{side}:{slug}")
            await self.taps(person, f"{side}_done")
        if rng.random() < 0.5:
            await self.says(person, rng.choice(PROJECTS[person.language]))
            if not person.chosen("otheme:"):
                await self.taps(person, f"otheme:{rng.choice(slugs)}")
            await self.taps(person, "otheme_done")
        else:
            await self.taps(person, "skip")
        await self.taps(person, "skip")
        await self.taps(person, rng.choice(("scope:national", "scope:international", "scope:both")))
        await self.taps(person, "save")

    async def rounds(self, lead: Person, minutes: int) -> None:
        await self.says(lead, "/round start")
        for _ in range(2):
            self.clock.advance(minutes=minutes)
            await self.deliver()
            await self.says(lead, "/round next")
        self.clock.advance(minutes=minutes)
        await self.says(lead, "/round stop")
        await self.deliver()

    async def tablemates(self) -> dict[int, set[int]]:
        """Whom each participant sat with in the rounds."""
        async with self.app.database.unit_of_work() as session:
            seats = (await session.execute(select(RoundSeat))).scalars().all()
        tables: dict[tuple[int, int], set[int]] = {}
        for seat in seats:
            tables.setdefault((seat.round_id, seat.table_number), set()).add(seat.participant_id)
        mates: dict[int, set[int]] = {}
        for table in tables.values():
            for pid in table:
                mates.setdefault(pid, set()).update(table - {pid})
        return mates

    async def connections(self) -> None:
        """Some ask to connect from /matches, rather with someone they sat with."""
        rng = self.rng
        mates = await self.tablemates()
        for person in rng.sample(self.people, max(2, len(self.people) // 3)):
            await self.says(person, "/matches")
            asks = person.offered("match:ask:")
            met = [
                key
                for key in asks
                if int(key.rpartition(":")[2]) in mates.get(person.participant_id, ())
            ]
            if asks:
                await self.taps(person, (met or asks)[0])
        await self.deliver()
        for person in self.people:
            accepts = [key for key in self.received_keys(person) if key.startswith("match:yes:")]
            for key in accepts:
                if rng.random() < 0.75:
                    await self.taps(person, key)
        await self.deliver()

    async def ask_met(self, lead: Person) -> None:
        """After the event: \"did you meet?\" for each person sat with; most answer."""
        await self.says(lead, "/round askmet")
        await self.deliver()
        rng = self.rng
        for person in self.people:
            asked = [
                k for k in self.received_keys(person) if k.startswith("met:") and k[-2:] == ":y"
            ]
            for key in asked:
                if rng.random() < 0.7:
                    await self.taps(person, key if rng.random() < 0.8 else key[:-1] + "n")

    def received_keys(self, person: Person) -> list[str]:
        messages = self.recorder.received.pop(person.external_id, [])
        return [option.key for message in messages for option in message.options]

    async def commit(self, person: Person, slugs: list[str]) -> None:
        rng = self.rng
        await self.says(person, "/commit")
        await self.says(person, rng.choice(COMMITMENTS[person.language]))
        if not person.chosen("theme:"):
            await self.taps(person, f"theme:{rng.choice(slugs)}")
        if "confirm" in person.offered():
            await self.taps(person, "confirm")
        partners = person.offered("partner:")
        if partners and rng.random() < 0.7:
            await self.taps(person, rng.choice(partners))
            await self.taps(person, "partner_done")
        else:
            await self.taps(person, "partner_none")
        await self.taps(person, rng.choice(DEADLINES))
        await self.taps(person, "skip")
        await self.taps(person, "save")

    # the months after

    async def follow_ups(self, summary: Summary) -> None:
        end = self.clock() + HORIZON
        while True:
            due = await self.app.follow_up_sweep.next_fire()
            if due is None:
                break
            due = due if due.tzinfo else due.replace(tzinfo=UTC)
            if due > end:
                break
            self.clock.current = max(self.clock.current, due)
            swept = await self.app.follow_up_sweep.run_once()
            summary.follow_ups_sent += swept.sent
            await self.deliver()
            for person in self.people:
                keys = [k for k in self.received_keys(person) if k.startswith("followup:")]
                if keys:
                    summary.follow_ups_answered += await self.answer(person, keys)

    async def answer(self, person: Person, keys: list[str]) -> int:
        """Answer a follow-up as this person's fate says: one tap, a reason when blocked."""
        person.answered += 1
        answer = FATES[person.fate][min(person.answered, len(FATES[person.fate])) - 1]
        key = next((k for k in keys if k.endswith(f":{answer}")), None)
        if key is None:
            return 0
        await self.taps(person, key)
        if answer == "blocked":
            await self.says(person, BLOCKED_REASONS[person.language])
        return 1


def _start(settings: Settings) -> datetime:
    event = settings.event
    local = datetime.combine(event.date, datetime.min.time()).replace(
        hour=13, minute=30, tzinfo=ZoneInfo(event.timezone)
    )
    return local.astimezone(UTC)


async def simulate(settings: Settings, folder: Path, participants: int, seed: int) -> Summary:
    """Run the workshop on a database in a temporary folder; write the reports into
    ``folder``."""
    from bot.bootstrap import bootstrap

    rng = random.Random(seed)
    settings = dataclasses.replace(
        settings, roles=Roles(facilitators=frozenset({f"{CHANNEL}:{LEAD}"}))
    )
    with tempfile.TemporaryDirectory(prefix="tawasul-demo-") as scratch:
        database = Database(f"sqlite:///{Path(scratch) / 'demo.db'}")
        try:
            clock = DemoClock(_start(settings))
            app = await bootstrap(settings, database=database, clock=clock)
            summary = await _workshop(app, Workshop(app, clock, rng), participants)
            summary.files = await _reports(app, settings, folder)
        finally:
            await database.close()
    return summary


async def _workshop(app, room: Workshop, participants: int) -> Summary:
    rng = room.rng
    slugs = list(app.settings.themes.slugs)
    async with app.database.unit_of_work() as session:
        places = list(await session.scalars(select(Collectivity).order_by(Collectivity.code)))
    languages = ("ar", "fr", "en")
    for number in range(1, participants + 1):
        language = languages[(number - 1) % 3] if number <= 3 else rng.choice(languages)
        name = f"{rng.choice(FIRST_NAMES[language])} {rng.choice(LAST_NAMES[language])}"
        person = Person(str(number), language, name)
        room.clock.advance(seconds=30)
        if await room.register(person, rng.choice(places)):
            room.people.append(person)
            await room.taps(person, "later")
    for person in room.people:
        await room.says(person, "/here")
        await room.interests(person, slugs)
    async with app.database.unit_of_work() as session:
        accounts = await session.execute(
            select(ChannelAccount.external_id, ChannelAccount.participant_id).where(
                ChannelAccount.channel == CHANNEL
            )
        )
        ids = dict(accounts.all())
    for person in room.people:
        person.participant_id = ids.get(person.external_id)
    lead = Person(LEAD, "fr", "")
    await room.rounds(lead, app.settings.rounds.minutes)
    for person in room.people:
        room.recorder.received.pop(person.external_id, None)
    await room.connections()
    room.clock.advance(hours=3)
    await room.ask_met(lead)
    for person in room.people:
        if rng.random() < 0.8:
            person.fate = rng.choices(list(FATES), FATE_WEIGHTS)[0]
            await room.commit(person, slugs)
    summary = Summary()
    await room.follow_ups(summary)
    await _count(app, summary)
    return summary


async def _count(app, summary: Summary) -> None:
    event_id = app.services.event_id
    async with app.database.unit_of_work() as session:
        summary.registered = await session.scalar(select(func.count()).select_from(Participant))
        summary.present = await session.scalar(
            select(func.count()).select_from(CheckIn).where(CheckIn.event_id == event_id)
        )
        summary.rounds = await session.scalar(
            select(func.count())
            .select_from(NetworkingRound)
            .where(NetworkingRound.event_id == event_id)
        )
        statuses = await session.execute(
            select(MatchRequest.status, func.count()).group_by(MatchRequest.status)
        )
        by_status = dict(statuses.all())
        summary.requests = sum(by_status.values())
        summary.connections = by_status.get("accepted", 0)
        rows = await session.execute(
            select(Commitment.status, func.count()).group_by(Commitment.status)
        )
        summary.commitments = Counter(dict(rows.all()))
        summary.follow_ups_sent = await session.scalar(
            select(func.count()).select_from(FollowUp).where(FollowUp.sent_at.is_not(None))
        )


async def _reports(app, settings: Settings, folder: Path) -> list[Path]:
    from bot import reports
    from db import reports as queries

    written = []
    async with app.database.unit_of_work() as session:
        rows = {
            kind: await getattr(queries, kind)(session, app.services.event_id)
            for kind in reports.TABLES
        }
    for kind in reports.TABLES:
        target = folder / f"{kind}.xlsx"
        reports.write(settings, kind, "xlsx", "ar", target, rows[kind])
        written.append(target)
    for language in ("ar", "fr"):
        target = folder / f"plan-{language}.docx"
        reports.write(settings, "plan", "docx", language, target, rows["commitments"])
        written.append(target)
    return written


def summary_lines(summary: Summary, participants: int, seconds: float) -> list[str]:
    statuses = ", ".join(f"{status} {n}" for status, n in sorted(summary.commitments.items()))
    total = sum(summary.commitments.values())
    return [
        f"registered: {summary.registered} of {participants} (present: {summary.present})",
        f"speed-networking rounds: {summary.rounds}",
        f"requests to connect: {summary.requests}, accepted: {summary.connections}",
        f"commitments: {total} ({statuses or 'none'})",
        f"follow-ups sent: {summary.follow_ups_sent}, answered: {summary.follow_ups_answered}",
        f"took {seconds:.1f} s",
    ]


def default_folder(now: datetime) -> Path:
    return Path.cwd() / f"tawasul-demo-{now:%Y%m%d-%H%M%S}"


async def demo(settings: Settings, participants: int, folder: Path | None, seed: int) -> int:
    """Check the folder, simulate, write, print; a folder that cannot be made is one line,
    exit code 2."""
    folder = folder or default_folder(datetime.now())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".tawasul-demo"
        probe.touch()
        probe.unlink()
    except OSError as error:
        print(f"tawasul: {folder}: cannot be written ({error.strerror or error})", file=sys.stderr)
        return EXIT_USAGE
    began = time.perf_counter()
    summary = await simulate(settings, folder, participants, seed)
    for line in summary_lines(summary, participants, time.perf_counter() - began):
        print(line)
    for path in summary.files:
        print(f"wrote {path.name}")
    print(f"the reports are in {folder.resolve()}")
    return EXIT_OK
