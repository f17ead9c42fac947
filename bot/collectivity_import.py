"""Import of the member collectivities from a CSV file, and their invite codes.

The whole file is checked before anything is written, and the import happens
in one unit of work: a file with one bad row changes nothing. Rows are keyed on
``code`` so the organisers can import the same (corrected) file again.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.english import count_of
from db.models import ALIASES_MAX, COLLECTIVITY_KINDS, LABEL_MAX, Collectivity
from db.session import Database
from domain.collectivity_labels import derive_labels

DATA = Path(__file__).with_name("data")
REGIONS_CSV = DATA / "regions.csv"
SAMPLE_CSV = DATA / "collectivities-sample.csv"

REQUIRED_COLUMNS = ("code", "kind", "name_ar", "name_fr", "region_code")
OPTIONAL_COLUMNS = ("parent_code", "label_ar", "label_fr", "aliases", "invite_code")
HEADER = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
NAME_MAX = 200
PARENT_KINDS = ("prefecture", "province")
UTF8_HINT = "save it as UTF-8 (CSV UTF-8 in Excel)"
CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,31}")
# Telegram's alphabet and length for the ?start= deep-link parameter.
INVITE_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
ARABIC_LETTER_RE = re.compile(
    r"[\u0620-\u064A\u0671-\u06D3\u06FA-\u06FC\u0750-\u077F\u08A0-\u08C9]"
)
UPDATABLE = ("kind", "name_ar", "name_fr", "region_code", "label_ar", "label_fr")


@dataclass(frozen=True)
class CollectivityRow:
    code: str
    kind: str
    name_ar: str
    name_fr: str
    region_code: str
    invite_code: str | None = None
    line: int = field(default=0, compare=False)
    """Where the row was in its file, to name it in an error; 0 when unknown."""
    label_ar: str = ""
    label_fr: str = ""
    """The official labels; derived from the kind and name when left empty."""
    aliases: str | None = None
    """Other names people type, ``|``-separated; None (no such column) keeps the stored ones."""
    parent_code: str | None = None
    """A commune's prefecture or province; "" clears it, None (no such column) keeps it."""

    def __post_init__(self) -> None:
        if not (self.label_ar and self.label_fr) and self.kind in COLLECTIVITY_KINDS:
            ar, fr = derive_labels(self.kind, self.name_ar, self.name_fr)
            object.__setattr__(self, "label_ar", self.label_ar or ar)
            object.__setattr__(self, "label_fr", self.label_fr or fr)


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line else self.reason


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    unchanged: int


class ImportRejected(Exception):
    """The rows were refused; nothing was imported.

    ``str()`` is one line naming the file, fit for an operator's terminal.
    """

    def __init__(self, errors: list[RowError], path: Path | str | None = None) -> None:
        self.errors = errors
        self.path = path
        super().__init__(self.one_line())

    @property
    def summary(self) -> str:
        """ "c.csv: nothing imported (1 bad row)": the closing line of a list of errors."""
        where = f"{self.path}: " if self.path is not None else ""
        if len(self.errors) == 1 and not self.errors[0].line:
            return f"{where}nothing imported"
        return f"{where}nothing imported ({count_of(len(self.errors), 'bad row', 'bad rows')})"

    def one_line(self) -> str:
        where = f"{self.path}: " if self.path is not None else ""
        shown = "; ".join(str(error) for error in self.errors[:3])
        more = len(self.errors) - 3
        if more > 0:
            shown += f"; and {count_of(more, 'other error', 'other errors')}"
        if len(self.errors) == 1 and not self.errors[0].line:
            return f"{where}{shown}; nothing imported"
        return f"{where}{shown}; {self.summary.removeprefix(where)}"


@functools.cache
def region_codes() -> frozenset[str]:
    """The codes of bot/data/regions.csv, the same twelve the migration seeds."""
    with REGIONS_CSV.open(encoding="utf-8-sig", newline="") as file:
        return frozenset(row["code"].strip() for row in csv.DictReader(file))


# Reading and checking


def read_collectivities_csv(path: Path) -> tuple[list[CollectivityRow], list[RowError]]:
    """Parse and check every row of ``path``; the rows are usable only if no error came back."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], [RowError(0, "file not found")]
    except IsADirectoryError:
        return [], [RowError(0, "is a folder, not a CSV file")]
    except OSError as exc:
        return [], [RowError(0, f"cannot be read ({exc.strerror or exc})")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [_not_utf8(data, exc.start)]
    try:
        records = list(_records(text))
    except _UnreadableCsv as exc:
        return [], [RowError(exc.line, exc.reason)]
    if not records:
        return [], [RowError(1, f"the file is empty; expected the header {','.join(HEADER)}")]
    header_line, header = records[0]
    columns = [name.strip() for name in header]
    if _separated_by_semicolons(columns):
        reason = "the file is separated by semicolons; save it as CSV with commas (UTF-8)"
        return [], [RowError(header_line, reason)]
    errors = _header_errors(header_line, columns)
    if errors:
        return [], errors
    rows: list[CollectivityRow] = []
    for line, values in records[1:]:
        row, problems = _parse_record(line, columns, values)
        errors.extend(problems)
        if row is not None:
            rows.append(row)
    errors.extend(_duplicate_errors(rows))
    errors.extend(_parent_errors(rows, None))
    errors.sort(key=lambda error: error.line)
    return rows, errors


def _not_utf8(data: bytes, start: int) -> RowError:
    line = data.count(b"\n", 0, start) + 1
    column = start - (data.rfind(b"\n", 0, start) + 1) + 1
    return RowError(
        line, f"the file is not UTF-8 (byte {column} of the line is invalid); {UTF8_HINT}"
    )


def _separated_by_semicolons(columns: list[str]) -> bool:
    """French Excel saves "CSV" with semicolons: the header is then one column with ';'."""
    if any(name in HEADER for name in columns):
        return False
    split = [name.strip() for name in ";".join(columns).split(";")]
    return all(name in split for name in REQUIRED_COLUMNS)


class _UnreadableCsv(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, fields) per CSV record, skipping blank lines."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for values in reader:
            if any(value.strip() for value in values):
                yield start, values
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _UnreadableCsv(start, f"the file is not readable as CSV ({exc})") from exc


def _header_errors(line: int, columns: list[str]) -> list[RowError]:
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    unknown = [name for name in columns if name not in HEADER]
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    errors = []
    if missing:
        errors.append(RowError(line, f"the header lacks the column(s) {', '.join(missing)}"))
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        errors.append(RowError(line, f"the header has unknown column(s) {names}"))
    if repeated:
        errors.append(RowError(line, f"the header repeats the column(s) {', '.join(repeated)}"))
    return errors


def _parse_record(
    line: int, columns: list[str], values: list[str]
) -> tuple[CollectivityRow | None, list[RowError]]:
    """Turn one record into a row, or tell what is wrong with it."""
    if len(values) != len(columns):
        fields = count_of(len(values), "field", "fields")
        reason = f"has {fields}, the header has {count_of(len(columns), 'column', 'columns')}"
        return None, [RowError(line, reason)]
    record = {name: value.strip() for name, value in zip(columns, values, strict=True)}
    problems = _field_problems(record)
    if problems:
        return None, [RowError(line, problem) for problem in problems]
    row = CollectivityRow(
        code=record["code"],
        kind=record["kind"],
        name_ar=record["name_ar"],
        name_fr=record["name_fr"],
        region_code=record["region_code"],
        invite_code=record.get("invite_code") or None,
        line=line,
        label_ar=record.get("label_ar", ""),
        label_fr=record.get("label_fr", ""),
        aliases="|".join(_aliases(record["aliases"])) if "aliases" in record else None,
        parent_code=record.get("parent_code"),
    )
    return row, []


def _aliases(value: str) -> list[str]:
    """The distinct non-empty aliases of a ``|``-separated cell, in their order."""
    seen: dict[str, None] = {}
    for alias in value.split("|"):
        if alias.strip():
            seen.setdefault(" ".join(alias.split()), None)
    return list(seen)


def _field_problems(record: dict[str, str]) -> list[str]:
    empty = [name for name in REQUIRED_COLUMNS if not record[name]]
    problems = [f"{name} is empty" for name in empty]
    checks = (
        ("code", _code_problem),
        ("kind", _kind_problem),
        ("region_code", _region_problem),
        ("name_ar", _name_ar_problem),
        ("name_fr", lambda value: _length_problem("name_fr", value)),
        ("label_ar", _label_ar_problem),
        ("label_fr", lambda value: _length_problem("label_fr", value, LABEL_MAX)),
        ("aliases", _aliases_problem),
        ("parent_code", lambda value: _code_problem(value, "parent_code")),
        ("invite_code", _invite_problem),
    )
    for name, check in checks:
        value = record.get(name, "")
        problem = None
        if value and name not in empty:
            problem = _hidden_character_problem(name, value) or check(value)
        if problem:
            problems.append(problem)
    if record.get("parent_code") and record.get("kind") in (*PARENT_KINDS, "region"):
        problems.append(f"parent_code is for a commune; a {record['kind']} has none")
    return problems


def _hidden_character_problem(column: str, value: str) -> str | None:
    """NUL, bidi overrides (U+202E), zero-width and other control or format characters.

    They hide or reorder what people read, and PostgreSQL refuses NUL outright.
    """
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return (
                f"{column} contains the invisible or control character U+{ord(char):04X}; remove it"
            )
    return None


def _code_problem(code: str, column: str = "code") -> str | None:
    if CODE_RE.fullmatch(code):
        return None
    hint = " (use upper case)" if CODE_RE.fullmatch(code.upper()) else ""
    return (
        f"{column} {code!r} must be 1-32 characters of A-Z, 0-9, '_' or '-',"
        f" starting with a letter or digit{hint}"
    )


def _kind_problem(kind: str) -> str | None:
    if kind in COLLECTIVITY_KINDS:
        return None
    return f"kind {kind!r} is not one of {', '.join(COLLECTIVITY_KINDS)}"


def _region_problem(region_code: str) -> str | None:
    if region_code in region_codes():
        return None
    return f"region_code {region_code!r} is not one of {', '.join(sorted(region_codes()))}"


def _name_ar_problem(name: str) -> str | None:
    if not ARABIC_LETTER_RE.search(name):
        return f"name_ar {name!r} has no Arabic letter"
    return _length_problem("name_ar", name)


def _label_ar_problem(label: str) -> str | None:
    if not ARABIC_LETTER_RE.search(label):
        return f"label_ar {label!r} has no Arabic letter"
    return _length_problem("label_ar", label, LABEL_MAX)


def _aliases_problem(value: str) -> str | None:
    joined = "|".join(_aliases(value))
    if len(joined) > ALIASES_MAX:
        return f"aliases are {len(joined)} characters long, the limit is {ALIASES_MAX}"
    too_long = [alias for alias in _aliases(value) if len(alias) > NAME_MAX]
    if too_long:
        return f"an alias is {len(too_long[0])} characters long, the limit is {NAME_MAX}"
    return None


def _length_problem(column: str, name: str, limit: int = NAME_MAX) -> str | None:
    if len(name) <= limit:
        return None
    return f"{column} is {len(name)} characters long, the limit is {limit}"


def _invite_problem(invite_code: str) -> str | None:
    if INVITE_RE.fullmatch(invite_code):
        return None
    return f"invite_code {invite_code!r} must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'"


def _duplicate_errors(rows: Iterable[CollectivityRow]) -> list[RowError]:
    """Name the line of the first occurrence of a code or invite code that comes again."""
    errors = []
    first_code: dict[str, int] = {}
    first_invite: dict[str, int] = {}
    for row in rows:
        if row.code in first_code:
            errors.append(
                RowError(row.line, f"code {row.code!r} repeats line {first_code[row.code]}")
            )
        first_code.setdefault(row.code, row.line)
        if row.invite_code is None:
            continue
        if row.invite_code in first_invite:
            where = first_invite[row.invite_code]
            errors.append(
                RowError(row.line, f"invite_code {row.invite_code!r} repeats line {where}")
            )
        first_invite.setdefault(row.invite_code, row.line)
    return errors


def _parent_errors(
    rows: Sequence[CollectivityRow], stored: dict[str, tuple[str, str]] | None
) -> list[RowError]:
    """Check each parent_code: a prefecture or province of the same region.

    The parent is looked up in the rows first, then in ``stored`` (code -> (kind,
    region_code)); with ``stored`` None, a parent outside the rows is not judged yet
    (the file is read before the database is known).
    """
    in_rows = {row.code: (row.kind, row.region_code) for row in rows}
    errors = []
    for row in rows:
        if not row.parent_code:
            continue
        found = in_rows.get(row.parent_code)
        if found is None and stored is not None:
            found = stored.get(row.parent_code)
        if found is None:
            if stored is not None:
                reason = f"parent_code {row.parent_code!r} is neither in the file nor imported"
                errors.append(RowError(row.line, reason))
            continue
        kind, region = found
        if kind not in PARENT_KINDS:
            reason = f"parent_code {row.parent_code!r} is a {kind}, not a prefecture or province"
            errors.append(RowError(row.line, reason))
        elif region != row.region_code:
            reason = (
                f"parent_code {row.parent_code!r} is in region {region},"
                f" this row in region {row.region_code}"
            )
            errors.append(RowError(row.line, reason))
    return errors


# Writing


async def import_file(database: Database, path: Path) -> ImportReport:
    """Import ``path``, or raise ImportRejected without importing anything."""
    rows, errors = read_collectivities_csv(path)
    if errors:
        raise ImportRejected(errors, path)
    try:
        return await import_collectivities(database, rows)
    except ImportRejected as rejected:
        raise ImportRejected(rejected.errors, path) from None


async def import_collectivities(
    database: Database, rows: Sequence[CollectivityRow]
) -> ImportReport:
    """Create or update the collectivities of ``rows`` (as read_collectivities_csv gives them).

    An empty invite code leaves the stored one alone: links already handed out keep working.
    """
    async with database.unit_of_work() as session:
        return await _upsert(session, rows)


async def ensure_seeded(database: Database, path: Path = SAMPLE_CSV) -> ImportReport | None:
    """Import ``path`` when there are no collectivities yet, as on a first start.

    A bad, missing or unreadable file raises ImportRejected, whose ``str()`` is the
    one line to print.
    """
    rows, errors = read_collectivities_csv(path)
    async with database.unit_of_work() as session:
        if await session.scalar(select(func.count()).select_from(Collectivity)):
            return None
        if errors:
            raise ImportRejected(errors, path)
        try:
            return await _upsert(session, rows)
        except ImportRejected as rejected:
            raise ImportRejected(rejected.errors, path) from None


async def _upsert(session: AsyncSession, rows: Sequence[CollectivityRow]) -> ImportReport:
    stored = {c.code: c for c in await session.scalars(select(Collectivity))}
    known = {code: (c.kind, c.region_code) for code, c in stored.items()}
    errors = (
        _duplicate_errors(rows)
        + _invite_clashes(stored.values(), rows)
        + _parent_errors(rows, known)
    )
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error.line))
    await _release_changed_invites(session, stored, rows)
    new: set[str] = set()
    changed: set[str] = set()
    for row in rows:
        existing = stored.get(row.code)
        if existing is None:
            stored[row.code] = _new_collectivity(row)
            session.add(stored[row.code])
            new.add(row.code)
        elif _apply(existing, row):
            changed.add(row.code)
    await session.flush()
    for row in rows:
        if row.parent_code is None:
            continue
        parent_id = stored[row.parent_code].id if row.parent_code else None
        if stored[row.code].parent_id != parent_id:
            stored[row.code].parent_id = parent_id
            changed.add(row.code)
    await session.flush()
    created, updated = len(new), len(changed - new)
    return ImportReport(created=created, updated=updated, unchanged=len(rows) - created - updated)


def _invite_clashes(
    stored: Iterable[Collectivity], rows: Sequence[CollectivityRow]
) -> list[RowError]:
    """Rows whose invite code another collectivity would still hold after the import.

    A collectivity gives up its stored code when its row brings a new one, so
    codes may move between rows of the same import.
    """
    bringing = {row.code for row in rows if row.invite_code}
    kept = {c.invite_code: c.code for c in stored if c.invite_code and c.code not in bringing}
    return [
        RowError(row.line, f"invite_code {row.invite_code!r} is already used by {holder}")
        for row in rows
        if row.invite_code and (holder := kept.get(row.invite_code, row.code)) != row.code
    ]


async def _release_changed_invites(
    session: AsyncSession, stored: dict[str, Collectivity], rows: Sequence[CollectivityRow]
) -> None:
    """Clear the invite codes about to change, so that codes can move between rows.

    The unique constraint is checked per statement: without this, giving A the
    code B is giving up fails when A happens to be updated first.
    """
    changing = [
        stored[row.code]
        for row in rows
        if row.invite_code
        and row.code in stored
        and stored[row.code].invite_code
        and stored[row.code].invite_code != row.invite_code
    ]
    for collectivity in changing:
        collectivity.invite_code = None
    if changing:
        await session.flush()


def _new_collectivity(row: CollectivityRow) -> Collectivity:
    return Collectivity(
        code=row.code,
        kind=row.kind,
        name_ar=row.name_ar,
        name_fr=row.name_fr,
        region_code=row.region_code,
        invite_code=row.invite_code,
        label_ar=row.label_ar,
        label_fr=row.label_fr,
        aliases=row.aliases or "",
    )


def _apply(collectivity: Collectivity, row: CollectivityRow) -> bool:
    """Copy the row's values onto ``collectivity``; tell whether anything changed."""
    changed = False
    for name in UPDATABLE:
        if getattr(collectivity, name) != getattr(row, name):
            setattr(collectivity, name, getattr(row, name))
            changed = True
    if row.aliases is not None and collectivity.aliases != row.aliases:
        collectivity.aliases = row.aliases
        changed = True
    if row.invite_code and collectivity.invite_code != row.invite_code:
        collectivity.invite_code = row.invite_code
        changed = True
    return changed


# Invite codes


async def invite_codes(database: Database) -> list[tuple[Collectivity, str]]:
    """The collectivities that have an invite code, with it, by region then code."""
    async with database.unit_of_work() as session:
        found = await session.scalars(
            select(Collectivity)
            .where(Collectivity.invite_code.is_not(None))
            .order_by(Collectivity.region_code, Collectivity.code)
        )
        return [(collectivity, collectivity.invite_code) for collectivity in found]


async def generate_invite_codes(database: Database) -> int:
    """Give a fresh random invite code to every collectivity without one; return how many."""
    async with database.unit_of_work() as session:
        collectivities = list(await session.scalars(select(Collectivity)))
        taken = {c.invite_code for c in collectivities if c.invite_code}
        missing = [c for c in collectivities if not c.invite_code]
        for collectivity in missing:
            collectivity.invite_code = _fresh_invite_code(taken)
            taken.add(collectivity.invite_code)
        return len(missing)


def _fresh_invite_code(taken: set[str]) -> str:
    while True:
        # 6 random bytes: 8 characters of [A-Za-z0-9_-], Telegram's start alphabet.
        code = secrets.token_urlsafe(6)
        if code not in taken:
            return code


def deep_link(bot_username: str, invite_code: str) -> str:
    """The t.me link that opens the bot with ``/start <invite_code>``."""
    if not INVITE_RE.fullmatch(invite_code):
        raise ValueError(f"invite code {invite_code!r} is not a valid start parameter")
    return f"https://t.me/{bot_username.removeprefix('@')}?start={invite_code}"
