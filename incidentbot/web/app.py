"""The aiohttp application: Slack's endpoint, the health check, the timeline pages, exports.

Routes (README.md, "The timeline page"):

* ``GET /healthz``: ``{"ok": true, "db": "ok"}`` once a cheap query went through the worker.
* ``POST /slack/events``: handed to ``slack_handler`` when one is given (HTTP mode).
* ``GET /incidents/{ref}/timeline?token=...``: the timeline page; ``.csv``, ``.json``, ``.md``
  are its exports with the same token and the same filters (``phase``, ``kind``, ``actor``,
  ``q``) and zone (``tz``).
* ``GET /incidents/{ref}/drafts/{id}.md?token=...``: one draft's text.
* ``GET /incidents?token=...``: every incident, with a workspace-wide token (ref ``*``).
* ``GET /static/web.css``: the one stylesheet (screen and print).

The link is the credential (:mod:`incidentbot.web.links`): a forged, altered, expired or
misdirected token gets a plain 403 page. Every response carries ``Cache-Control: no-store``,
``Referrer-Policy: no-referrer``, ``X-Content-Type-Options: nosniff`` and a Content-Security-
Policy that allows no script at all. SQLite is reached only through ``runner.call``; the HTML is
rendered on a plain worker thread so that a 10,000-event page does not stall the event loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from incidentbot.web.handlers import Handlers
from incidentbot.web.render import Pages

if TYPE_CHECKING:
    from incidentbot.app import App

WebApplication = web.Application


SlackHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class AccessLogger(AbstractAccessLogger):
    """aiohttp's access log without the query string: the token is a credential.

    Pass it to ``web.AppRunner(app, access_log_class=AccessLogger)`` (or ``web.run_app``).
    """

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %s %.3fs',
            request.remote,
            request.method,
            request.path,
            response.status,
            time,
        )


def create_web_app(
    app: App,
    *,
    slack_handler: SlackHandler | None = None,
    secret: bytes | None = None,
    templates: Pages | None = None,
) -> web.Application:
    """The web application over ``app``; ``secret`` defaults to the configured or kept one."""
    routes = Handlers(app, views=templates or Pages(), secret=secret)

    @web.middleware
    async def errors(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        return await routes.errors(request, handler)

    web_app = web.Application(middlewares=[errors])
    web_app.on_startup.append(routes.load_key)
    web_app.on_response_prepare.append(routes.secure_headers)
    web_app.router.add_get("/healthz", routes.healthz)
    web_app.router.add_get("/static/web.css", routes.stylesheet)
    web_app.router.add_get("/incidents", routes.incident_list)
    web_app.router.add_get("/incidents/{ref}/timeline", routes.timeline)
    web_app.router.add_get("/incidents/{ref}/timeline.{fmt:csv|json|md}", routes.export)
    web_app.router.add_get(r"/incidents/{ref}/drafts/{id:\d{1,12}}.md", routes.draft)
    if slack_handler is not None:
        web_app.router.add_post("/slack/events", slack_handler)
    return web_app
