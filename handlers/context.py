"""What a flow sees of the world while it handles one inbound event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.directory import Directory
from bot.i18n import Catalogs, Translator
from db.models import ChannelAccount, Participant


@dataclass
class Services:
    """Long-lived collaborators, built once by the bootstrap."""

    settings: Settings
    catalogs: Catalogs
    directory: Directory
    clock: Callable[[], datetime]
    event_id: int


@dataclass
class Context:
    session: AsyncSession
    services: Services
    account: ChannelAccount
    participant: Participant | None
    roles: frozenset[str]
    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    forget_account: bool = False

    @property
    def locale(self) -> str:
        return self.account.locale or self.services.settings.default_locale

    @property
    def tr(self) -> Translator:
        return self.services.catalogs.translator(self.locale)

    def now(self) -> datetime:
        return self.services.clock()
