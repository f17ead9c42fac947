"""The ``tawasul`` command line.

Every problem an operator can meet at start ends in one line on stderr, never a
traceback: exit code 2 when the configuration or the command line must change, 1 when
a service (the database, Telegram) is down or an import was rejected.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import re
import signal
import sys
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import NoReturn

from bot.channels.inbound_text import MAX_EXTERNAL_ID_LENGTH, check_external_id
from bot.config import ConfigError, Settings, load_settings

EXIT_OK = 0
EXIT_SERVICE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
LANGUAGES = ("ar", "fr", "en")
"""128 + SIGINT, what shells report for a program stopped with Ctrl-C."""

DESCRIPTION = """\
Tawasul (تواصل) is the digital assistant of the focal points of the territorial
collectivities that are members of REMACTO: it registers them for the network's
meetings in Arabic, French or English, on Telegram or in this terminal."""

EXIT_CODES = """\
exit codes:
  0    done
  1    a service is down (database, Telegram API) or an import was rejected
  2    the configuration or the command line is wrong (the message says what to fix)
  130  stopped with Ctrl-C

The configuration file is --config PATH, else TAWASUL_CONFIG, else ./config.toml,
else the built-in defaults. Secrets come from the environment only."""

RUN_DESCRIPTION = """\
Start the configured channels until Ctrl-C or SIGTERM: Telegram (by long polling, or
webhooks with [telegram] mode = "webhook") when TELEGRAM_BOT_TOKEN is set, WhatsApp
when [whatsapp] phone_number_id is. A web server on [web] host and port takes the
webhooks (/webhooks/whatsapp, /webhooks/telegram) and answers /health.

environment:
  TELEGRAM_BOT_TOKEN       the bot's token, from @BotFather (Telegram)
  TELEGRAM_API_BASE_URL    overrides telegram.api_base_url (e.g. a local Bot API server)
  TELEGRAM_WEBHOOK_SECRET  the webhook's secret token (Telegram's webhook mode)
  WHATSAPP_APP_SECRET      the Meta app's secret: every webhook's signature (WhatsApp)
  WHATSAPP_ACCESS_TOKEN    the Graph API's access token (WhatsApp)
  WHATSAPP_VERIFY_TOKEN    the webhook subscription's verify token (WhatsApp)
  WHATSAPP_API_BASE_URL    overrides whatsapp.api_base_url
  TAWASUL_WEB_PORT         overrides web.port
  TAWASUL_DATABASE_URL     overrides database.url
  TAWASUL_CONFIG           the configuration file, when --config is not given"""

MIGRATE_DESCRIPTION = """\
Bring the database up to date and exit: upgrade the schema, load the collectivity
file into an empty database, create or update the configured event. Every start
does the same; this is for deployments that migrate before starting the bot. Two
processes doing it at once wait for each other. Prints the schema revision."""

CONSOLE_DESCRIPTION = """\
Chat with the bot in this terminal, as one participant (--user). Options are
numbered: answer with the number or the words. Ctrl-D or Ctrl-C leaves.
With a pipe on standard input, each line is one message (a scripted dialogue)."""

IMPORT_DESCRIPTION = """\
Import a CSV file of collectivities: every row, or none if one is wrong (each
bad row is listed with its line number). Rows are matched by code: new codes are
created, known ones updated.

the file: UTF-8, comma-separated, a header line naming the columns.
  required  code,kind,name_ar,name_fr,region_code
  optional  invite_code,label_ar,label_fr,aliases,parent_code
  kind         region | prefecture | province | commune
  region_code  the two-digit code of the region (01 to 12)
  invite_code  the start parameter of the collectivity's invitation link
  label_ar, label_fr  the official label («جماعة السعيدية», « Commune de Saïdia »);
               without them it is derived from the kind and the name
  aliases      other spellings people type, separated by | (e.g. Fez|Fès)
  parent_code  the code of the province or prefecture a commune belongs to"""

SEARCH_DESCRIPTION = """\
Show what registration proposes for a typed name: the five best matches, best
first, one a line, tab-separated: code, score, label_fr, label_ar. A score is
100 or more for an exact name or alias, 80 at the cutoff; nothing printed means
the bot would find nothing and offer to browse by region."""

CODES_DESCRIPTION = """\
Print the invite codes and their Telegram deep links, one collectivity a line,
tab-separated after a header line: code, invite_code, link, name_fr, name_ar."""

CODES_HEADER = "code\tinvite_code\tlink\tname_fr\tname_ar"

BROADCAST_DESCRIPTION = """\
Send one message to the participants registered for the configured event: it is
written to the outbox (a broadcast and one row per recipient) and the running bot
sends it. Each person gets the text of their language, else --text. People who
blocked the bot are left out. Without --yes it asks before writing anything.

audience (--audience, default all):
  all                       everyone registered
  present                   those checked in (/here, or a check-in prompt's button)
  region:NN                 those of region NN (01 to 12)
  kind:KIND                 those of a region, prefecture, province or commune
  collectivity:CODE,CODE    those of these collectivities (codes as in the import)
  table:ROUND:TABLE         those seated at that table of that speed-networking round
  unanswered:ID             those broadcast ID (a poll, question or check-in) reached
                            who have not answered it (or not checked in)

--options "نعم|لا|ربما" makes it a poll: 2 to 6 answers, one tap each (a person may
change theirs until the poll is closed with /poll in the chat); --question makes it an
open question answered with one sentence; --checkin gives it a button that checks the
person in; --interests a button that opens /interests; --commit one that opens /commit.
--schedule "2024-11-13 15:30" (local time in the [event] timezone) queues the copies for
that moment instead of at once."""

POLL_DESCRIPTION = (
    """Polls sent with broadcast --options: print a poll's counts per option, with bars."""
)

BROADCASTS_DESCRIPTION = """\
List the broadcasts, newest first, one a line, tab-separated after a header line:
id, created_at (UTC), audience, recipients, sent, pending, failed, unreachable
(those who blocked the bot)."""

AGENDA_DESCRIPTION = """\
The run of show: the configured agenda ([agenda] file, else the shipped draft of the
REMACTO workshop), its sessions and the prompts of each."""

AGENDA_SHOW_DESCRIPTION = """\
Print the programme as /agenda shows it in the chat, in one language."""

AGENDA_CHECK_DESCRIPTION = """\
Check an agenda file (TOML, or CSV when it ends in .csv) against the configured event:
every problem is one line naming its session (overlaps, ends before starts, times
outside the event day, missing translations, duplicate codes, prompts outside their
session, too many options), and the exit code is 2; else one OK line."""

AGENDA_LOAD_DESCRIPTION = """\
Load an agenda file (checked as by check; a bad one changes nothing) into the database as
the run of show the bot follows. The reminders and prompts of changed sessions move,
those of removed sessions are cancelled, and none already sent goes out again. A running
bot takes it up within seconds; a restart keeps it until the configured [agenda] file
changes."""

AGENDA_EXPORT_DESCRIPTION = """\
Write the run of show (the workshop's déroulé): a title, the event, and a table of the
sessions with their times, objectives and prompts. Markdown or a Word document; an
Arabic one reads right to left."""

EXPLAIN_DESCRIPTION = """\
Show how the bot understands what people type, so organisers can see why and tune the
data files."""

EXPLAIN_THEMES_DESCRIPTION = """\
Print the themes a free text is mapped to, as /interests would understand it: the slugs,
comma-separated on one line (an empty line when none), then one line per slug with the
words of the text that triggered it. The themes and their keywords come from the
[interests] themes_file (else the shipped bot/data/themes.toml); a bad file is one line
naming its first problems, exit code 2."""

EXPLAIN_DATE_DESCRIPTION = """\
Print how a typed deadline is understood, as a commitment's deadline would be: the first
line is the date (YYYY-MM-DD), "ambiguous" or "invalid"; the second, the reason (the rule
that decided, in English) and the words of the text it rests on; then, when ambiguous,
one line per date to offer: the date, a tab, its reason. The rules are written in
domain/deadlines.py: numeric dates are day first, a month alone is its last day, "before
X" is X, a date without a year is its next occurrence, vague words and Hijri events ask
for a date."""

MATCHES_DESCRIPTION = """\
The organisers' "do not match" list: two participants on it are never suggested to each
other (/matches), and a request to connect between them is no longer active.
Participants are named by id: list --participants prints the id, name and collectivity
of everyone registered (personal data: for organisers only)."""

REPORT_DESCRIPTION = """\
The organisers' reports, in Arabic or French (--lang, default ar): participants,
interests, matches (requests to connect and the "did you meet?" answers) and commitments
as CSV or XLSX; the network action plan («خطة عمل تعزيز التشبيك داخل الشبكة») as a Word
document or Markdown, grouped by theme, with an overview table and charts. They hold
personal data: for organisers only. A path that cannot be written is exit code 2."""

DEMO_DESCRIPTION = """\
Simulate a whole workshop on a throwaway SQLite database (in a temporary folder), through
the real conversation flows: registrations in Arabic, French and English, check-ins,
interests, three speed-networking rounds, requests to connect, commitments, then months
of follow-ups answered on a simulated clock. Then write every report (participants,
interests, matches, commitments as XLSX, in Arabic) and the action plan (Word, Arabic and
French) into the folder, and print a summary and where. Nothing is sent: no channel
starts, the configured database is not touched. The same --seed gives the same workshop."""

UNREACHABLE_DESCRIPTION = """\
List the registered participants whose channel said they blocked the bot (broadcasts
leave them out; writing to the bot again makes them reachable), longest unreachable
first, tab-separated after a header line: since (UTC), channel, participant,
full_name, collectivity, label_fr. It shows personal data: for organisers only."""


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line, like every other error of the command."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _user(value: str) -> str:
    try:
        return check_external_id(value)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None


def _day(value: str) -> date:
    with contextlib.suppress(ValueError):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    raise argparse.ArgumentTypeError(f"{value!r} is not a day written YYYY-MM-DD")


MIN_DEMO, MAX_DEMO = 4, 500


def _participants(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or not MIN_DEMO <= int(value) <= MAX_DEMO:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of participants from {MIN_DEMO} to {MAX_DEMO}"
        )
    return int(value)


def _version() -> str:
    try:
        return metadata.version("tawasul")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    # --config is accepted before and after the subcommand; SUPPRESS keeps a subcommand's
    # absent option from overwriting the value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="configuration file (default: TAWASUL_CONFIG, else ./config.toml)",
    )
    parser = _Parser(
        prog="tawasul",
        description=DESCRIPTION,
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")

    def command(holder, name: str, summary: str, description: str, **extra):
        return holder.add_parser(
            name,
            help=summary,
            description=description,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[common],
            **extra,
        )

    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    command(
        commands,
        "run",
        "start the configured channels (Telegram, WhatsApp) and their web server",
        RUN_DESCRIPTION,
        epilog=EXIT_CODES,
    )
    console = command(
        commands, "console", "chat with the bot in this terminal", CONSOLE_DESCRIPTION
    )
    console.add_argument(
        "--user",
        default="local",
        type=_user,
        help=f"who you are, up to {MAX_EXTERNAL_ID_LENGTH} characters (default: local)",
    )
    command(
        commands,
        "migrate",
        "upgrade the schema, seed and sync the event, then exit (no channel started)",
        MIGRATE_DESCRIPTION,
    )
    collectivities = command(
        commands,
        "collectivities",
        "the collectivity list: import it, print invite codes",
        "The collectivity list: import a CSV file, print invite codes.",
    )
    actions = collectivities.add_subparsers(dest="action", required=True, metavar="ACTION")
    load = command(actions, "import", "import a CSV file (all rows or none)", IMPORT_DESCRIPTION)
    load.add_argument("file", type=Path, metavar="FILE", help="the CSV file to import")
    codes = command(actions, "codes", "print invite codes and their deep links", CODES_DESCRIPTION)
    codes.add_argument("--generate", action="store_true", help="give a code to those without")
    search = command(
        actions,
        "search",
        "show the five best matches of a typed name, with their scores",
        SEARCH_DESCRIPTION,
    )
    search.add_argument("query", metavar="QUERY", help="what a focal point would type")

    broadcast = command(
        commands,
        "broadcast",
        "send a message to the registered participants (through the running bot)",
        BROADCAST_DESCRIPTION,
    )
    broadcast.add_argument("--text", required=True, help="the message (for every language)")
    broadcast.add_argument("--text-fr", help="the message for those who read French")
    broadcast.add_argument("--text-en", help="the message for those who read English")
    broadcast.add_argument("--audience", default="all", help="who gets it (default: all)")
    broadcast.add_argument("--yes", action="store_true", help="send without asking")
    broadcast.add_argument(
        "--wait", action="store_true", help="show progress until every copy has an outcome"
    )
    kinds = broadcast.add_mutually_exclusive_group()
    kinds.add_argument("--options", help='a poll\'s answers, "|"-separated (2 to 6)')
    kinds.add_argument("--question", action="store_true", help="an open question")
    kinds.add_argument("--checkin", action="store_true", help="a check-in button")
    kinds.add_argument("--interests", action="store_true", help="a button opening /interests")
    kinds.add_argument("--commit", action="store_true", help="a button opening /commit")
    broadcast.add_argument(
        "--schedule", metavar="WHEN", help='send at "YYYY-MM-DD HH:MM", local time of the event'
    )
    poll = command(commands, "poll", "polls: print a poll's results", POLL_DESCRIPTION)
    poll_actions = poll.add_subparsers(dest="action", required=True, metavar="ACTION")
    results = command(poll_actions, "results", "print the counts per option", POLL_DESCRIPTION)
    results.add_argument("id", metavar="ID", help="the poll's broadcast id")
    command(
        commands,
        "broadcasts",
        "list the broadcasts and where their copies stand",
        BROADCASTS_DESCRIPTION,
    )
    command(
        commands,
        "unreachable",
        "list the participants who blocked the bot",
        UNREACHABLE_DESCRIPTION,
    )
    agenda = command(
        commands, "agenda", "the run of show: show, check, load, export", AGENDA_DESCRIPTION
    )
    agenda_actions = agenda.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = command(agenda_actions, "show", "print the programme", AGENDA_SHOW_DESCRIPTION)
    show.add_argument(
        "--lang", choices=LANGUAGES, help="ar, fr or en (default: the default locale)"
    )
    check = command(agenda_actions, "check", "check an agenda file", AGENDA_CHECK_DESCRIPTION)
    check.add_argument("file", type=Path, metavar="FILE", help="the agenda file (TOML or CSV)")
    load = command(
        agenda_actions,
        "load",
        "make an agenda file the one the bot follows",
        AGENDA_LOAD_DESCRIPTION,
    )
    load.add_argument("file", type=Path, metavar="FILE", help="the agenda file (TOML or CSV)")
    export = command(
        agenda_actions, "export", "write the run of show as a document", AGENDA_EXPORT_DESCRIPTION
    )
    export.add_argument("--format", choices=("md", "docx"), help="default: from the file name")
    export.add_argument("--lang", choices=LANGUAGES, default="ar", help="default: ar")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    explain = command(
        commands, "explain", "show how the bot understands a text", EXPLAIN_DESCRIPTION
    )
    explain_actions = explain.add_subparsers(dest="action", required=True, metavar="ACTION")
    themes = command(
        explain_actions,
        "themes",
        "the themes a free text is mapped to, and why",
        EXPLAIN_THEMES_DESCRIPTION,
    )
    themes.add_argument("text", metavar="TEXT", help="what a focal point would write")
    deadline = command(
        explain_actions,
        "date",
        "how a typed deadline is understood, and why",
        EXPLAIN_DATE_DESCRIPTION,
    )
    deadline.add_argument("text", metavar="TEXT", help="what a focal point would type")
    deadline.add_argument(
        "--today",
        type=_day,
        metavar="YYYY-MM-DD",
        help="the day it is typed (default: today in the event's time zone, Africa/Casablanca)",
    )
    deadline.add_argument(
        "--lang",
        choices=LANGUAGES,
        help='the person\'s language, for the words it decides ("dec 24"); reasons are in English',
    )
    matches = command(
        commands, "matches", 'the "do not match" list: block, unblock, list', MATCHES_DESCRIPTION
    )
    match_actions = matches.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, summary in (
        ("block", "never suggest these two to each other"),
        ("unblock", "take the pair off the list"),
    ):
        pair = command(match_actions, action, summary, MATCHES_DESCRIPTION)
        pair.add_argument("ids", nargs=2, metavar="ID", help="a participant id")
    listed = command(match_actions, "list", "print the pairs on the list", MATCHES_DESCRIPTION)
    listed.add_argument(
        "--participants", action="store_true", help="print the registered participants' ids"
    )
    demo = command(
        commands, "demo", "simulate a whole workshop and write its reports", DEMO_DESCRIPTION
    )
    demo.add_argument(
        "--participants",
        type=_participants,
        default=60,
        metavar="N",
        help=f"how many people register ({MIN_DEMO} to {MAX_DEMO}; default: 60)",
    )
    demo.add_argument("--seed", type=int, default=1, help="the simulation's seed (default: 1)")
    demo.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FOLDER",
        help="where to write (default: a new tawasul-demo-YYYYmmdd-HHMMSS folder here)",
    )
    report = command(commands, "report", "write an organisers' report", REPORT_DESCRIPTION)
    report_kinds = report.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, formats, summary in (
        ("participants", ("csv", "xlsx"), "everyone registered, with contacts and presence"),
        ("interests", ("csv", "xlsx"), "what each offers and seeks"),
        ("matches", ("csv", "xlsx"), 'the requests to connect and the "did you meet?" answers'),
        ("commitments", ("csv", "xlsx"), "every commitment and where it stands"),
        ("plan", ("docx", "md"), "the network action plan, by theme"),
    ):
        one = command(report_kinds, kind, summary, REPORT_DESCRIPTION)
        one.add_argument("--format", choices=formats, required=True)
        one.add_argument("--lang", choices=("ar", "fr"), default="ar", help="default: ar")
        one.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    return parser


def _say(message: str) -> None:
    print(f"tawasul: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader of the output went away (``| head``): stop writing, quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return code


def _main(argv: list[str] | None) -> int:
    arguments = _parser().parse_args(argv)
    from bot.channels.telegram import TelegramRejected, TelegramUnavailable
    from db.session import DatabaseMisconfigured, DatabaseUnavailable

    try:
        return _dispatch(arguments)
    except ConfigError as error:
        _say(f"configuration error: {error}")
        return EXIT_USAGE
    except (DatabaseMisconfigured, TelegramRejected) as error:
        _say(str(error))
        return EXIT_USAGE
    except (DatabaseUnavailable, TelegramUnavailable) as error:
        _say(str(error))
        return EXIT_SERVICE
    except KeyboardInterrupt:
        if arguments.command == "console":
            print(f"\n{_goodbye()}", flush=True)
        else:
            _say("interrupted")
        return EXIT_INTERRUPTED


def _goodbye() -> str:
    from bot.channels.console import GOODBYE

    return GOODBYE


def _dispatch(arguments: argparse.Namespace) -> int:
    # `agenda check` reads a file of its own, so the configured agenda may be wrong then.
    checking = arguments.command == "agenda" and arguments.action in ("check", "load")
    settings = load_settings(getattr(arguments, "config", None), read_agenda=not checking)
    logging.basicConfig(
        level=logging.INFO if arguments.command == "run" else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    match arguments.command:
        case "run":
            problem = _run_problem(settings)
            if problem:
                _say(problem)
                return EXIT_USAGE
            return asyncio.run(_run(settings))
        case "console":
            return asyncio.run(_console(settings, arguments.user))
        case "migrate":
            return asyncio.run(_migrate(settings))
        case "collectivities" if arguments.action == "import":
            problem = _unreadable(arguments.file)
            if problem:
                _say(problem)
                return EXIT_USAGE
            return asyncio.run(_import(settings, arguments.file))
        case "collectivities" if arguments.action == "search":
            return asyncio.run(_search(settings, arguments.query))
        case "collectivities":
            return asyncio.run(_codes(settings, arguments.generate))
        case "broadcast":
            from bot.broadcast_cli import broadcast

            return asyncio.run(broadcast(settings, arguments))
        case "poll":
            from bot.broadcast_cli import poll_results

            return asyncio.run(poll_results(settings, arguments.id))
        case "broadcasts":
            from bot.broadcast_cli import broadcasts

            return asyncio.run(broadcasts(settings))
        case "unreachable":
            from bot.broadcast_cli import unreachable

            return asyncio.run(unreachable(settings))
        case "agenda":
            from bot import agenda_cli

            if arguments.action == "check":
                return agenda_cli.check(settings, arguments.file)
            if arguments.action == "load":
                return asyncio.run(agenda_cli.load(settings, arguments.file))
            if arguments.action == "export":
                return agenda_cli.export(settings, arguments)
            return agenda_cli.show(settings, arguments.lang)
        case "matches":
            from bot import matches_cli

            if arguments.action == "list":
                return asyncio.run(matches_cli.listing(settings, arguments.participants))
            block = arguments.action == "block"
            return asyncio.run(matches_cli.change(settings, arguments.ids, block=block))
        case "report":
            from bot.reports import report

            return asyncio.run(
                report(settings, arguments.kind, arguments.format, arguments.lang, arguments.output)
            )
        case "demo":
            from bot.demo import demo

            return asyncio.run(
                demo(settings, arguments.participants, arguments.output, arguments.seed)
            )
        case "explain" if arguments.action == "themes":
            return _explain_themes(settings, arguments.text)
        case "explain" if arguments.action == "date":
            from bot.explain_date import explain_date

            return explain_date(settings, arguments.text, arguments.today, arguments.lang)
    return EXIT_USAGE


def _run_problem(settings: Settings) -> str | None:
    """Why ``tawasul run`` cannot start with these settings, in one line; None if it can."""
    from bot.channel_settings import missing_secrets

    if settings.telegram_webhook is not None and not settings.telegram_token:
        return 'telegram.mode is "webhook" but TELEGRAM_BOT_TOKEN is not set (from @BotFather)'
    if not settings.telegram_token and settings.whatsapp is None:
        return (
            "no channel configured: set TELEGRAM_BOT_TOKEN (from @BotFather) for Telegram, "
            "or [whatsapp] phone_number_id for WhatsApp; or try the bot locally with: "
            "tawasul console"
        )
    webhook = settings.telegram_webhook if settings.telegram_token else None
    missing = missing_secrets(settings.whatsapp, webhook)
    if missing:
        return (
            f"the configured channels need {', '.join(missing)} in the environment "
            "(see the README: connecting WhatsApp, Telegram's webhook mode)"
        )
    return None


def _explain_themes(settings: Settings, text: str) -> int:
    matches = settings.themes.understand(text)
    print(",".join(match.slug for match in matches))
    for match in matches:
        print(f"{match.slug}: {' | '.join(match.words)}")
    return EXIT_OK


def _unreadable(file: Path) -> str | None:
    """Why ``file`` cannot be an import file, checked before anything is opened."""
    if file.is_dir():
        return f"{file}: is a folder; give the path of a CSV file"
    if not file.exists():
        return f"{file}: no such file; give the path of a CSV file"
    return None


def _database_line(database) -> None:
    _say(f"database: {database.describe()}")


async def _run(settings: Settings) -> int:
    from bot.bootstrap import bootstrap
    from bot.config import privacy_placeholder_warnings

    # Installed first: a SIGTERM while the bot is still starting is a polite stop too.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    app = await bootstrap(settings)
    try:
        for warning in privacy_placeholder_warnings(settings):
            logging.getLogger("tawasul").warning(warning)
        await app.start()
        return await _run_channels(app, settings, stop)
    finally:
        await app.close()


async def _run_channels(app, settings: Settings, stop: asyncio.Event) -> int:
    """Start the configured channels, their senders, delivery and the web server when a
    channel takes webhooks; run until ``stop``; stop them in the reverse order."""
    from bot.web import WebServerUnavailable

    senders = {}
    if settings.telegram_token:
        senders["telegram"] = app.telegram_sender()
    if settings.whatsapp is not None:
        senders["whatsapp"] = app.whatsapp_sender()
    delivery = app.delivery(senders)
    telegram = whatsapp = web = None
    try:
        if "telegram" in senders:
            telegram = app.telegram_channel(delivery)
            await telegram.start()
            await _start_sender(senders["telegram"], settings)
        if "whatsapp" in senders:
            await senders["whatsapp"].start()
            whatsapp = app.whatsapp_channel(delivery)
        delivery.start()
        hooked = telegram if settings.telegram_webhook is not None else None
        if whatsapp is not None or hooked is not None:
            web = app.web_server(whatsapp=whatsapp, telegram=hooked)
            try:
                await web.start()
            except WebServerUnavailable as error:
                web = None
                _say(str(error))
                return EXIT_USAGE
        # What start-up made (modules, catalogs, the collectivity index) lives as long
        # as the process: kept out of the garbage collector's every pass.
        gc.collect()
        gc.freeze()
        logging.getLogger("tawasul").info("channels: %s", ", ".join(sorted(senders)))
        logging.getLogger("tawasul").info("running; Ctrl-C to stop")
        await stop.wait()
    finally:
        if web is not None:
            await web.stop()
        if whatsapp is not None:
            await whatsapp.stop()
        await delivery.stop()
        if telegram is not None:
            await telegram.stop()
        for sender in senders.values():
            await sender.stop()
    return EXIT_OK


async def _start_sender(sender, settings: Settings) -> None:
    """Connect the sender; a failure is the same one line as the channel's own."""
    from telegram.error import TelegramError

    from bot.channels.telegram import start_error

    try:
        await sender.start()
    except TelegramError as error:
        raise start_error(error, settings.telegram_api_base_url) from None


async def _migrate(settings: Settings) -> int:
    from bot.bootstrap import migrate, utc_now
    from db.session import Database

    database = Database(settings.database_url)
    try:
        await migrate(database, settings, utc_now())
        print(f"schema at revision {await database.revision()}: {database.describe()}")
    finally:
        await database.close()
    return EXIT_OK


async def _console(settings: Settings, user: str) -> int:
    from bot.bootstrap import bootstrap
    from bot.channels.console import ConsoleChannel, ConsoleSender

    app = await bootstrap(settings)
    try:
        _database_line(app.database)
        await app.start()
        delivery = app.delivery({"console": ConsoleSender(sys.stdout)})
        channel = ConsoleChannel(
            app.conversation,
            deliver=delivery.send_now,
            user=user,
            source=sys.stdin,
            sink=sys.stdout,
        )
        await channel.run()
    finally:
        await app.close()
    return EXIT_OK


@contextlib.asynccontextmanager
async def _database(settings: Settings, *, seed: bool = False):
    """The configured database, upgraded (and seeded), its name said on stderr; then closed."""
    from bot.bootstrap import seed_collectivities
    from db.session import Database

    database = Database(settings.database_url)
    try:
        async with database.startup_lock():
            await database.upgrade()
            if seed:
                await seed_collectivities(database, settings)
        _database_line(database)
        yield database
    finally:
        await database.close()


async def _search(settings: Settings, query: str) -> int:
    from db.directory import search_report

    async with _database(settings, seed=True) as database:
        for line in await search_report(database, query):
            print(line)
    return EXIT_OK


async def _import(settings: Settings, file: Path) -> int:
    from bot.collectivity_import import ImportRejected, import_file

    async with _database(settings) as database:
        try:
            report = await import_file(database, file)
        except ImportRejected as rejected:
            for error in rejected.errors:
                print(f"{file}: {error}", file=sys.stderr)
            summary = rejected.summary if rejected.path else f"{file}: {rejected.summary}"
            print(summary, file=sys.stderr)
            return EXIT_SERVICE
    print(
        f"{file}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    )
    return EXIT_OK


async def _codes(settings: Settings, generate: bool) -> int:
    from bot.collectivity_import import deep_link, generate_invite_codes, invite_codes
    from bot.english import count_of

    async with _database(settings) as database:
        if generate:
            created = await generate_invite_codes(database)
            print(count_of(created, "new invite code", "new invite codes"), file=sys.stderr)
        print(CODES_HEADER)
        for collectivity, code in await invite_codes(database):
            link = deep_link(settings.telegram_bot_username, code)
            print(
                f"{collectivity.code}\t{code}\t{link}\t{collectivity.name_fr}\t{collectivity.name_ar}"
            )
    return EXIT_OK
