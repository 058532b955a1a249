"""The composition root: the one place that builds and wires the bot.

:func:`build_app` turns the settings into an :class:`App`: the store, the playbooks, the
drafter, the service and the worker thread, each collaborator passed in at construction. The
command line, the offline shell, Slack (Socket Mode and HTTP) and the web pages all start from
it; :meth:`App.slack` and :meth:`App.web` build the two network front ends on top of it. A test
hands in its own clock, and a Web API client aimed at the fake Slack.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from incidentbot import playbooks
from incidentbot.config import Settings
from incidentbot.drafting import Drafter
from incidentbot.evidence import anchors
from incidentbot.playbooks import Catalogue
from incidentbot.runner import ServiceRunner
from incidentbot.service import IncidentService, Policy, access
from incidentbot.service.drafts import draft_config
from incidentbot.store import Store
from incidentbot.web import links

if TYPE_CHECKING:
    from incidentbot.slack.app import AsyncWebClient, SlackBot
    from incidentbot.web.app import SlackHandler, WebApplication

Clock = Callable[[], datetime]


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class App:
    """Everything one process runs on, built once by :func:`build_app`."""

    settings: Settings
    store: Store
    catalogue: Catalogue
    drafter: Drafter
    service: IncidentService
    runner: ServiceRunner
    clock: Clock
    client: AsyncWebClient | None = None

    def slack(self) -> SlackBot:
        """The Slack front end: bolt app, listeners, outbox sender and scheduler."""
        from incidentbot.scheduler import Scheduler
        from incidentbot.slack import blocks, listeners
        from incidentbot.slack.app import SlackBot, bolt_app, web_client
        from incidentbot.slack.sender import SlackSender

        client = self.client or web_client(self.settings)
        sender = SlackSender(client=client, runner=self.runner, settings=self.settings)
        scheduler = Scheduler(
            runner=self.runner,
            store=self.store,
            deliver=sender,
            clock=self.clock,
            reminder_message=blocks.reminder_message,
            reminder_points=self.settings.reminder_points,
        )
        bot = SlackBot(
            settings=self.settings,
            runner=self.runner,
            service=self.service,
            client=client,
            bolt=bolt_app(self.settings, client),
            sender=sender,
            scheduler=scheduler,
        )
        listeners.register(bot.app, bot)
        return bot

    def web(self, *, slack_handler: SlackHandler | None = None) -> WebApplication:
        """The aiohttp application (timeline pages, exports, health; Slack's endpoint if given)."""
        from incidentbot.web.app import create_web_app

        return create_web_app(self, slack_handler=slack_handler)

    def close(self) -> None:
        self.runner.close()
        self.store.close()


def build_app(
    settings: Settings,
    *,
    client: AsyncWebClient | None = None,
    clock: Clock | None = None,
    create: bool = True,
) -> App:
    """Open the store, load playbooks and templates, and build the service around them.

    ``create=False`` (the read-only commands: verify, export, register) refuses a path with no
    database instead of creating one, and opens a file this process cannot write read-only:
    nothing is then written, not even the link secret or a published chain head.
    """
    clock = clock or now_utc
    catalogue = playbooks.load(list(settings.all_playbook_dirs))
    store = Store(settings.db_path, create=create)
    drafter = Drafter(template_dirs=list(settings.all_template_dirs))
    secret = (
        secrets.token_bytes(32)  # issues no link: a read-only process writes nothing
        if store.read_only
        else links.load_secret(store, settings.link_secret)
    )
    signer = links.make_signer(
        settings, secret, clock, generation=functools.partial(access.link_generation, store)
    )
    service = IncidentService(
        store=store,
        catalogue=catalogue,
        drafter=drafter,
        clock=clock,
        policy=Policy(
            permissions=settings.permissions,
            people=settings.people,
            enforce=settings.enforce_roles,
            default_language=settings.language,
            default_timezone=settings.timezone,
        ),
        draft_config=draft_config(settings.organization, settings.names),
        link_signer=signer,
    )
    if not store.read_only:
        # chain heads published outside the database at phase ends, approvals and close
        anchors.attach(service, settings)
    return App(
        settings=settings,
        store=store,
        catalogue=catalogue,
        drafter=drafter,
        service=service,
        runner=ServiceRunner(service),
        clock=clock,
        client=client,
    )
