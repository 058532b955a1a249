"""The web pages' routes: each checks the signed link, then reads through the worker thread.

:func:`incidentbot.web.app.create_web_app` mounts them. The link is the credential
(:mod:`incidentbot.web.links`); the incident is then found through
:meth:`IncidentService.resolve` for the person the link was issued to, like every front end.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aiohttp import web

from incidentbot.core.when import format_local
from incidentbot.errors import IncidentbotError, NotFound, UsageError
from incidentbot.i18n import Message, t
from incidentbot.service import access
from incidentbot.web import exports, links, pages
from incidentbot.web.filters import Filters
from incidentbot.web.render import Pages, print_rule, style_hash
from incidentbot.web.wording import word

if TYPE_CHECKING:
    from incidentbot.app import App

log = logging.getLogger(__name__)

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
# the statuses whose page has a title of its own (``web.error_title.<status>``)
ERROR_TITLES = frozenset({400, 403, 404, 405, 500, 503})


def content_security_policy(style_hashes: Iterable[str] = ()) -> str:
    policy = dict(BASE_CSP)
    extra = " ".join(style_hashes)
    if extra:
        policy["style-src"] += " " + extra
    return "; ".join(f"{k} {v}" for k, v in policy.items())


class Handlers:
    """The routes of one web application, over the collaborators of an :class:`App`."""

    def __init__(self, app: App, *, views: Pages, secret: bytes | None = None) -> None:
        self.settings = app.settings
        self.runner = app.runner
        self.service = app.service
        self.views = views
        self.secret = secret if secret is not None else b""

    async def load_key(self, _app: web.Application) -> None:
        """The link secret (:func:`links.load_secret`), unless one was given: at start-up."""
        if not self.secret:
            self.secret = await self.runner.call(
                links.load_secret, self.service.store, self.settings.link_secret
            )

    def now(self) -> datetime:
        return self.service.clock()

    async def check(self, request: web.Request, ref: str, action: str) -> tuple[str, str]:
        """The token and the person it names, if the link still opens ``ref`` for them:
        genuine, unexpired, of the incident's current link generation, and (asked of the
        service's gate at every open) for someone who may still see the incident."""
        token = request.query.get("token")
        if not token:
            raise links.ForgedLink()
        if ref == links.WORKSPACE:
            return token, links.verify(token, ref=ref, secret=self.secret, now=self.now())
        generation = await self.runner.call(access.link_generation, self.service.store, ref)
        actor = links.verify(
            token, ref=ref, secret=self.secret, now=self.now(), generation=generation
        )
        await self.runner.call(self.service.resolve, ref, actor=actor, action=action)
        return token, actor

    def zone(self, request: web.Request) -> tuple[str, tzinfo]:
        name = (request.query.get("tz") or self.settings.timezone or "UTC").strip()
        return name, pages.reader_zone(name)

    @staticmethod
    def incident_ref(request: web.Request) -> str:
        ref = request.match_info["ref"]
        if not REF_PATTERN.fullmatch(ref):
            raise NotFound(Message("web.not_a_ref", ref=ref[:40]))
        return ref.upper()

    async def html(
        self, name: str, *, request: web.Request, lang: str, status: int = 200, **context: Any
    ) -> web.Response:
        text = await asyncio.to_thread(self.views.render, name, lang=lang, **context)
        response = web.Response(text=text, status=status, content_type="text/html", charset="utf-8")
        if context.get("print_style"):
            hashes = (style_hash(context["print_style"]),)
            response.headers["Content-Security-Policy"] = content_security_policy(hashes)
        return response

    async def error_page(
        self, request: web.Request, status: int, message: str | Message, message_fr: str | None
    ) -> web.Response:
        """The error page, in both languages: the reader of a refused link is not known."""
        if isinstance(message, Message):
            message_en, message_fr = message.render("en"), message.render("fr")
        else:
            message_en = message
        title = f"web.error_title.{status if status in ERROR_TITLES else 'other'}"
        title_en, title_fr = t(title, "en"), t(title, "fr")
        return await self.html(
            "error.html.j2",
            request=request,
            lang="en",
            status=status,
            status_code=status,
            title_en=title_en,
            title_fr=title_fr,
            message_en=message_en,
            message_fr=message_fr,
        )

    async def errors(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        try:
            return await handler(request)
        except links.BadLink as exc:
            log.info("refused link for %s: %s", request.path, type(exc).__name__)
            return await self.error_page(request, 403, exc.message, exc.message_fr)
        except NotFound as exc:
            return await self.error_page(request, 404, exc.message, exc.message_fr)
        except UsageError as exc:
            return await self.error_page(request, 400, exc.message, exc.message_fr)
        except IncidentbotError as exc:
            return await self.error_page(request, 403, exc.message, exc.message_fr)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            if exc.status == 404:
                return await self.error_page(request, 404, Message("not_found"), None)
            if exc.status == 405:
                said = Message("web.method_not_allowed", method=request.method)
                return await self.error_page(request, 405, said, None)
            return await self.error_page(request, exc.status, exc.reason, None)
        except Exception:
            log.exception("web: unexpected error on %s %s", request.method, request.path)
            return await self.error_page(request, 500, Message("server_error"), None)

    async def secure_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        for name, value in FIXED_HEADERS.items():
            response.headers[name] = value
        # a page with a hashed <style> block set its own policy; it only ever adds that hash
        response.headers.setdefault("Content-Security-Policy", content_security_policy())

    # -- the routes -----------------------------------------------------------------------

    async def healthz(self, request: web.Request) -> web.Response:
        def ping() -> None:
            self.service.store.conn.execute("SELECT 1").fetchone()

        try:
            await self.runner.call(ping)
        except Exception:
            log.exception("healthz: the database did not answer")
            return web.json_response({"ok": False, "db": "error"}, status=503)
        return web.json_response({"ok": True, "db": "ok"})

    async def stylesheet(self, request: web.Request) -> web.Response:
        return web.Response(body=self.views.css, content_type="text/css", charset="utf-8")

    async def timeline(self, request: web.Request) -> web.Response:
        ref = self.incident_ref(request)
        token, actor = await self.check(request, ref, "open_timeline")
        filters = Filters.from_query(request.query)
        zone_name, tz = self.zone(request)
        _, _, expires, _ = links.read(token, secret=self.secret)
        await self.runner.call(
            pages.record_opened, self.service, ref, actor=actor, token=token, view="html"
        )
        page = await self.runner.call(
            pages.timeline_page,
            self.service,
            ref,
            filters,
            tz=tz,
            zone=zone_name,
            reader=actor,
            expires=expires,
        )
        base = f"/incidents/{ref}/timeline"
        keep = {**filters.params(), "tz": zone_name}
        return await self.html(
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

    async def export(self, request: web.Request) -> web.Response:
        ref = self.incident_ref(request)
        fmt = request.match_info["fmt"]
        token, actor = await self.check(request, ref, "export")
        filters = Filters.from_query(request.query)
        _, tz = self.zone(request)
        await self.runner.call(
            pages.record_opened, self.service, ref, actor=actor, token=token, view=fmt
        )
        incident = await self.runner.call(self.service.resolve, ref, actor=actor, action="export")
        lang = incident.language
        text = await self.runner.call(
            exports.export_text, self.service, ref, fmt, filters, lang=lang, tz=tz
        )
        suffix = "-filtered" if filters.active else ""
        return web.Response(
            body=text.encode("utf-8"),
            content_type=EXPORT_TYPES[fmt],
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{ref}-timeline{suffix}.{fmt}"'},
        )

    async def draft(self, request: web.Request) -> web.Response:
        ref = self.incident_ref(request)
        _, actor = await self.check(request, ref, "read_draft")
        name, body = await self.runner.call(
            exports.draft_file, self.service, ref, int(request.match_info["id"]), actor=actor
        )
        return web.Response(
            body=body.encode("utf-8"),
            content_type="text/markdown",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def incident_list(self, request: web.Request) -> web.Response:
        token, actor = await self.check(request, links.WORKSPACE, "list")
        zone_name, tz = self.zone(request)
        lang = self.settings.language if self.settings.language in ("en", "fr") else "en"
        rows = await self.runner.call(
            pages.incident_list, self.service, actor=actor, lang=lang, tz=tz
        )
        _, _, expires, _ = links.read(token, secret=self.secret)
        generations = {
            r.ref: await self.runner.call(access.link_generation, self.service.store, r.ref)
            for r in rows
        }
        # each incident's link lasts no longer than the list's own
        per_incident = {
            r.ref: f"/incidents/{r.ref}/timeline?"
            + urlencode(
                {
                    "token": links.sign(
                        ref=r.ref,
                        actor=actor,
                        secret=self.secret,
                        expires=expires,
                        generation=generations[r.ref],
                    ),
                    "tz": zone_name,
                }
            )
            for r in rows
        }
        log.info("incident list opened by %s, link %s", actor, links.token_id(token))
        generated = word(
            "generated", lang, at=format_local(self.now(), tz, lang), actor=actor, zone=zone_name
        )
        generated += " " + word("link_expires", lang, at=format_local(expires, tz, lang))
        return await self.html(
            "list.html.j2",
            request=request,
            lang=lang,
            incidents=rows,
            links=per_incident,
            generated=generated,
        )
