"""The ``tawasul`` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tawasul", description=__doc__)
    parser.add_argument("--config", metavar="PATH", help="configuration file (or TAWASUL_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the configured channels (Telegram)")
    console = commands.add_parser("console", help="chat with the bot in this terminal")
    console.add_argument("--user", default="local", help="who you are (default: local)")
    collectivities = commands.add_parser("collectivities", help="the collectivity list")
    actions = collectivities.add_subparsers(dest="action", required=True)
    load = actions.add_parser("import", help="import a CSV file (all rows or none)")
    load.add_argument("file", type=Path)
    codes = actions.add_parser("codes", help="print invite codes and their deep links")
    codes.add_argument("--generate", action="store_true", help="give a code to those without")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        settings = load_settings(arguments.config)
    except ConfigError as error:
        print(f"tawasul: configuration error: {error}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=logging.INFO if arguments.command == "run" else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    match arguments.command:
        case "run":
            if not settings.telegram_token:
                print(
                    "tawasul: no Telegram token: set TELEGRAM_BOT_TOKEN (from @BotFather), "
                    "or try the bot locally with: tawasul console",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            return asyncio.run(_run(settings))
        case "console":
            return asyncio.run(_console(settings, arguments.user))
        case "collectivities" if arguments.action == "import":
            return asyncio.run(_import(settings, arguments.file))
        case "collectivities":
            return asyncio.run(_codes(settings, arguments.generate))
    return EXIT_USAGE


async def _run(settings: Settings) -> int:
    from bot.bootstrap import bootstrap

    app = await bootstrap(settings)
    channel = app.telegram_channel()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await channel.start()
    logging.getLogger("tawasul").info("running; Ctrl-C to stop")
    try:
        await stop.wait()
    finally:
        await channel.stop()
        await app.close()
    return 0


async def _console(settings: Settings, user: str) -> int:
    from bot.bootstrap import bootstrap
    from bot.channels.console import ConsoleChannel

    app = await bootstrap(settings)
    try:
        await ConsoleChannel(app.conversation, user=user, source=sys.stdin, sink=sys.stdout).run()
    finally:
        await app.close()
    return 0


async def _import(settings: Settings, file: Path) -> int:
    from bot.collectivity_import import ImportRejected, import_file
    from db.session import Database

    database = Database(settings.database_url)
    try:
        await database.upgrade()
        report = await import_file(database, file)
    except ImportRejected as rejected:
        for error in rejected.errors:
            print(f"{file}: line {error.line}: {error.reason}", file=sys.stderr)
        print(f"{file}: nothing imported ({len(rejected.errors)} bad rows)", file=sys.stderr)
        return 1
    finally:
        await database.close()
    print(
        f"{file}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    )
    return 0


async def _codes(settings: Settings, generate: bool) -> int:
    from bot.collectivity_import import deep_link, generate_invite_codes, invite_codes
    from db.session import Database

    database = Database(settings.database_url)
    try:
        await database.upgrade()
        if generate:
            created = await generate_invite_codes(database)
            print(f"{created} new invite codes", file=sys.stderr)
        for collectivity, code in await invite_codes(database):
            link = deep_link(settings.telegram_bot_username, code)
            print(
                f"{collectivity.code}\t{code}\t{link}\t{collectivity.name_fr}\t{collectivity.name_ar}"
            )
    finally:
        await database.close()
    return 0
