"""What a flow sees of the world while it handles one inbound event."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from db.models import ChannelAccount, Participant
from db.store import Store
from domain.agenda import Agenda
from domain.follow_ups import FollowUpRules
from domain.settings import (
    EventSettings,
    MatchingSettings,
    PrivacySettings,
    RegistrationSettings,
    Roles,
    RoundSettings,
)
from domain.themes import Taxonomy
from domain.toolkit import Toolkit
from handlers.draft import Draft, NoDraft
from handlers.messages import ChannelLimits
from handlers.state import Frame
from locales.i18n import Catalogs, Translator

if TYPE_CHECKING:
    from handlers.flow import Flow


@dataclass
class Services:
    """Long-lived collaborators and the plain configuration values the flows need,
    built once by the bootstrap."""

    catalogs: Catalogs
    clock: Callable[[], datetime]
    event_id: int
    event: EventSettings
    privacy: PrivacySettings
    registration: RegistrationSettings
    roles: Roles
    default_locale: str
    channel_limits: Mapping[str, ChannelLimits] = field(default_factory=dict)
    """What each channel can show; every reply is checked against it when written."""
    agenda: Agenda = field(default_factory=Agenda)
    """The run of show, checked at start."""
    toolkit: Toolkit = field(default_factory=Toolkit)
    """The networking toolkit's cards."""
    themes: Taxonomy = field(default_factory=Taxonomy)
    """The interests' themes and their lexicon."""
    matching: MatchingSettings = field(default_factory=MatchingSettings)
    """How many suggestions /matches gives."""
    rounds: RoundSettings = field(default_factory=RoundSettings)
    """The speed-networking rounds' default length and warning."""
    follow_ups: FollowUpRules = field(default_factory=FollowUpRules)
    """When each commitment is followed up."""


@dataclass
class Context:
    store: Store
    services: Services
    account: ChannelAccount
    participant: Participant | None
    roles: frozenset[str]
    flow: str | None = None
    step: str | None = None
    draft: Draft = field(default_factory=NoDraft)
    """The current flow's draft, of the flow's own shape; the engine keeps its keys apart."""
    options: list[list[Any]] = field(default_factory=list)
    """The answers the pending question offered, as [key, label, meaning]."""
    stack: list[Frame] = field(default_factory=list)
    """The flows interrupted by side flows, the innermost last."""
    menu: tuple[tuple[str, str], ...] = ()
    """(name, description msgid) of each command this person may use, for /help."""
    forget_account: bool = False
    handle: str | None = None
    """The sender's public name on the channel, as the inbound event carried it."""
    display_name: str | None = None
    """The name the sender's profile shows (WhatsApp), as the inbound event carried it."""

    @property
    def locale(self) -> str:
        return self.account.locale or self.services.default_locale

    @property
    def tr(self) -> Translator:
        return self.services.catalogs.translator(self.locale)

    def now(self) -> datetime:
        return self.services.clock()

    def enter(self, flow: Flow, draft: Draft | None = None) -> None:
        """Open ``flow`` at its first step over the current one, which resumes when it is
        done. A flow already open (current or interrupted) is not opened twice: the flows
        above it are dropped and it starts again, so the stack stays short."""
        names = [frame.flow for frame in self.stack]
        if self.flow != flow.name and flow.name in names:
            del self.stack[names.index(flow.name) :]
        elif self.flow is not None and self.flow != flow.name:
            self.stack.append(Frame(self.flow, self.step, self.draft.dump()))
        self.flow, self.step = flow.name, flow.first
        self.draft = draft if draft is not None else flow.draft()
        self.options = []
