"""The aiohttp application: Slack's endpoint, the health check, the timeline pages, exports.

Routes (DESIGN.md, external contract):

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

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from incidentbot.core.when import format_local
from incidentbot.errors import IncidentbotError, NotFound, UsageError
from incidentbot.web import exports, links, pages
from incidentbot.web.filters import Filters
from incidentbot.web.render import Pages, print_rule, style_hash
from incidentbot.web.wording import word

log = logging.getLogger(__name__)

SlackHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]

REF_PATTERN = re.compile(r"INC-[0-9]{1,9}", re.IGNORECASE)
EXPORT_TYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "md": "text/markdown",
}
BASE_CSP = {
    "default-src": "'none'",
    "style-src": "'self'",
    "img-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}
FIXED_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Robots-Tag": "noindex, nofollow",
}
ERROR_TITLES = {
    400: ("Bad request", "Requête incorrecte"),
    403: ("Link refused", "Lien refusé"),
    404: ("Not found", "Introuvable"),
    405: ("Method not allowed", "Méthode non autorisée"),
    500: ("Server error", "Erreur du serveur"),
    503: ("Unavailable", "Indisponible"),
}


def content_security_policy(style_hashes: Iterable[str] = ()) -> str:
    policy = dict(BASE_CSP)
    extra = " ".join(style_hashes)
    if extra:
        policy["style-src"] += " " + extra
    return "; ".join(f"{k} {v}" for k, v in policy.items())


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


def build_web_app(
    *,
    settings: Any,
    runner: Any,
    service: Any,
    slack_handler: SlackHandler | None = None,
    secret: bytes | None = None,
    templates: Pages | None = None,
) -> web.Application:
    """The web application. ``secret`` defaults to :func:`links.load_secret` at start-up."""
    views = templates or Pages()
    keys: dict[str, bytes] = {}
    if secret is not None:
        keys["secret"] = secret

    async def load_key(app: web.Application) -> None:
        if "secret" not in keys:
            keys["secret"] = await runner.call(
                links.load_secret, service.store, settings.link_secret
            )

    def now() -> datetime:
        return service.clock()

    def check(request: web.Request, ref: str) -> tuple[str, str]:
        token = request.query.get("token", "")
        if not token:
            raise links.ForgedLink()
        return token, links.verify(token, ref=ref, secret=keys["secret"], now=now())

    def zone(request: web.Request) -> tuple[str, Any]:
        name = (request.query.get("tz") or settings.timezone or "UTC").strip()
        return name, pages.reader_zone(name)

    def incident_ref(request: web.Request) -> str:
        ref = request.match_info["ref"]
        if not REF_PATTERN.fullmatch(ref):
            raise NotFound(
                f'"{ref[:40]}" is not an incident reference; they look like INC-7.',
                message_fr=f"« {ref[:40]} » n'est pas une référence d'incident ; "
                "elles s'écrivent INC-7.",
            )
        return ref.upper()

    async def html(
        name: str, *, request: web.Request, lang: str, status: int = 200, **context: Any
    ) -> web.Response:
        text = await asyncio.to_thread(views.render, name, lang=lang, **context)
        response = web.Response(text=text, status=status, content_type="text/html", charset="utf-8")
        if context.get("print_style"):
            hashes = (style_hash(context["print_style"]),)
            response.headers["Content-Security-Policy"] = content_security_policy(hashes)
        return response

    async def error_page(
        request: web.Request, status: int, message: str, message_fr: str | None
    ) -> web.Response:
        title_en, title_fr = ERROR_TITLES.get(status, ("Error", "Erreur"))
        return await html(
            "error.html.j2",
            request=request,
            lang="en",
            status=status,
            status_code=status,
            title_en=title_en,
            title_fr=title_fr,
            message_en=message,
            message_fr=message_fr,
        )

    @web.middleware
    async def errors(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            return await handler(request)
        except links.BadLink as exc:
            log.info("refused link for %s: %s", request.path, type(exc).__name__)
            return await error_page(request, 403, exc.message, exc.message_fr)
        except NotFound as exc:
            return await error_page(request, 404, exc.message, exc.message_fr)
        except UsageError as exc:
            return await error_page(request, 400, exc.message, exc.message_fr)
        except IncidentbotError as exc:
            return await error_page(request, 403, exc.message, exc.message_fr)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            en, fr = {
                404: ("There is nothing at this address.", "Il n'y a rien à cette adresse."),
                405: (
                    f"{request.method} is not allowed here.",
                    f"{request.method} n'est pas permis ici.",
                ),
            }.get(exc.status, (exc.reason, None))
            return await error_page(request, exc.status, en, fr)
        except Exception:
            log.exception("web: unexpected error on %s %s", request.method, request.path)
            return await error_page(
                request,
                500,
                "Something went wrong on the server; the error was logged. Try again later.",
                "Une erreur s'est produite sur le serveur ; elle a été journalisée.",
            )

    async def secure_headers(request: web.Request, response: web.StreamResponse) -> None:
        for name, value in FIXED_HEADERS.items():
            response.headers[name] = value
        # a page with a hashed <style> block set its own policy; it only ever adds that hash
        response.headers.setdefault("Content-Security-Policy", content_security_policy())

    # -- handlers --------------------------------------------------------------------------

    async def healthz(request: web.Request) -> web.Response:
        def ping() -> None:
            service.store.conn.execute("SELECT 1").fetchone()

        try:
            await runner.call(ping)
        except Exception:
            log.exception("healthz: the database did not answer")
            return web.json_response({"ok": False, "db": "error"}, status=503)
        return web.json_response({"ok": True, "db": "ok"})

    async def stylesheet(request: web.Request) -> web.Response:
        return web.Response(body=views.css, content_type="text/css", charset="utf-8")

    async def timeline(request: web.Request) -> web.Response:
        ref = incident_ref(request)
        token, actor = check(request, ref)
        filters = Filters.from_query(request.query)
        zone_name, tz = zone(request)
        _, _, expires = links.read(token, secret=keys["secret"])
        await runner.call(pages.record_opened, service, ref, actor=actor, token=token, view="html")
        page = await runner.call(
            pages.timeline_page,
            service,
            ref,
            filters,
            tz=tz,
            zone=zone_name,
            reader=actor,
            expires=expires,
        )
        base = f"/incidents/{ref}/timeline"
        keep = {**filters.params(), "tz": zone_name}
        return await html(
            "timeline.html.j2",
            request=request,
            lang=page.lang,
            print_style=print_rule(ref, page.lang),
            page=page,
            filters=filters,
            token=token,
            zone=zone_name,
            self_path=base,
            draft_base=f"/incidents/{ref}/drafts/",
            reset_url=f"{base}?{urlencode({'token': token, 'tz': zone_name})}",
            export_links=[
                (fmt, f"{base}.{fmt}?{urlencode({'token': token, **keep})}")
                for fmt in ("csv", "json", "md")
            ],
        )

    async def export(request: web.Request) -> web.Response:
        ref = incident_ref(request)
        fmt = request.match_info["fmt"]
        token, actor = check(request, ref)
        filters = Filters.from_query(request.query)
        _, tz = zone(request)
        await runner.call(pages.record_opened, service, ref, actor=actor, token=token, view=fmt)
        lang = (await runner.call(service.incident, ref)).language
        text = await runner.call(exports.export_text, service, ref, fmt, filters, lang=lang, tz=tz)
        suffix = "-filtered" if filters.active else ""
        return web.Response(
            body=text.encode("utf-8"),
            content_type=EXPORT_TYPES[fmt],
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{ref}-timeline{suffix}.{fmt}"'},
        )

    async def draft(request: web.Request) -> web.Response:
        ref = incident_ref(request)
        check(request, ref)
        name, body = await runner.call(
            exports.draft_file, service, ref, int(request.match_info["id"])
        )
        return web.Response(
            body=body.encode("utf-8"),
            content_type="text/markdown",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def incident_list(request: web.Request) -> web.Response:
        token, actor = check(request, links.WORKSPACE)
        zone_name, tz = zone(request)
        lang = settings.language if settings.language in ("en", "fr") else "en"
        rows = await runner.call(pages.incident_list, service, actor=actor, lang=lang, tz=tz)
        _, _, expires = links.read(token, secret=keys["secret"])
        # each incident's link lasts no longer than the list's own
        per_incident = {
            r.ref: f"/incidents/{r.ref}/timeline?"
            + urlencode(
                {
                    "token": links.sign(
                        ref=r.ref, actor=actor, secret=keys["secret"], expires=expires
                    ),
                    "tz": zone_name,
                }
            )
            for r in rows
        }
        log.info("incident list opened by %s, link %s", actor, links.token_id(token))
        generated = word(
            "generated", lang, at=format_local(now(), tz, lang), actor=actor, zone=zone_name
        )
        generated += " " + word("link_expires", lang, at=format_local(expires, tz, lang))
        return await html(
            "list.html.j2",
            request=request,
            lang=lang,
            incidents=rows,
            links=per_incident,
            generated=generated,
        )

    app = web.Application(middlewares=[errors])
    app.on_startup.append(load_key)
    app.on_response_prepare.append(secure_headers)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/static/web.css", stylesheet)
    app.router.add_get("/incidents", incident_list)
    app.router.add_get("/incidents/{ref}/timeline", timeline)
    app.router.add_get("/incidents/{ref}/timeline.{fmt:csv|json|md}", export)
    app.router.add_get(r"/incidents/{ref}/drafts/{id:\d{1,12}}.md", draft)
    if slack_handler is not None:
        app.router.add_post("/slack/events", slack_handler)
    return app
