"""The timeline page over HTTP (aiohttp's test client): links, headers, filters, exports."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from incidentbot.config import Settings
from incidentbot.store import Store
from incidentbot.typography import french
from incidentbot.web import create_web_app, links, sample
from incidentbot.web.render import style_hash

pytestmark = pytest.mark.asyncio

SECRET = b"s" * 32
PUBLIC = "https://bot.example.org"


class Site:
    """The app, its service, and a way to sign links as the bot would."""

    def __init__(self, client: TestClient, service: Any, settings: Settings) -> None:
        self.client = client
        self.service = service
        self.clock = service.clock
        self.signer = links.make_signer(settings, SECRET, service.clock)

    def path(self, ref: str, actor: str = "alice") -> str:
        url, _ = self.signer(ref, actor)
        parts = urlsplit(url)
        return f"{parts.path}?{parts.query}"

    def token(self, ref: str, actor: str = "alice") -> str:
        return parse_qs(urlsplit(self.signer(ref, actor)[0]).query)["token"][0]

    async def get(self, path: str, **params: str) -> tuple[int, str, Any]:
        resp = await self.client.get(path, params=params or None)
        return resp.status, await resp.text(), resp

    def events(self, ref: str = "INC-1", kind: str | None = None) -> list[Any]:
        return [e for e in self.service.store.events(ref) if kind is None or e.kind == kind]


@pytest_asyncio.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    clock = sample.ManualClock()
    built = sample.sample_app(tmp_path / "bot.db", clock)
    service = built.service
    sample.declare_sample(service)  # INC-1, English
    sample.declare_sample(service, language="fr")  # INC-2, French
    clock.advance(hours=1)
    settings = Settings(db_path=tmp_path / "bot.db", timezone="America/Toronto", public_url=PUBLIC)
    handled: list[str] = []

    async def slack(request: web.Request) -> web.Response:
        handled.append(await request.text())
        return web.json_response({"ok": True})

    app = create_web_app(replace(built, settings=settings), slack_handler=slack, secret=SECRET)
    async with TestClient(TestServer(app)) as client:
        s = Site(client, service, settings)
        s.slack_calls = handled  # type: ignore[attr-defined]
        yield s
    built.close()


def rows(html: str) -> list[str]:
    """The timeline table's rows, as their text cells joined (tags stripped)."""
    body = html.split('<table id="timeline">', 1)[-1].split("</table>", 1)[0]
    return [
        re.sub(r"<[^>]+>", " ", r)
        for r in re.findall(r"<tr class=\"k-[^\"]*\">(.*?)</tr>", body, re.S)
    ]


# -- links -----------------------------------------------------------------------------------


async def test_signed_link_opens_the_page_with_the_facts_and_the_timeline(site: Site) -> None:
    status, html, _ = await site.get(site.path("INC-1"))
    assert status == 200
    assert "Donor list exposed by the mailing vendor" in html
    assert "Vendor breach" in html or "vendor" in html.lower()
    assert "CNIL" in html and "CAI" in html  # the regulators' clocks
    assert "API keys of MailCo revoked" in html  # a completed step's note
    assert len(rows(html)) == len(site.events()) >= 15


async def test_forged_token_gets_a_plain_403(site: Site) -> None:
    status, html, _ = await site.get("/incidents/INC-1/timeline", token="v1.abc.def")
    assert status == 403
    assert "not valid" in html and "n&#39;est pas valide" in html
    assert "Donor list" not in html


async def test_token_signed_with_another_secret_is_refused(site: Site) -> None:
    other = links.sign(
        ref="INC-1", actor="alice", secret=b"x" * 32, expires=site.clock() + timedelta(hours=1)
    )
    status, html, _ = await site.get("/incidents/INC-1/timeline", token=other)
    assert status == 403 and "not valid" in html


async def test_altered_payload_is_refused(site: Site) -> None:
    """Rewriting the ref, the actor or the expiry inside a genuine token breaks its MAC."""
    version, _, mac = site.token("INC-1").split(".")
    for payload in (["INC-2", "alice"], ["INC-1", "mallory"]):
        far = int((site.clock() + timedelta(days=365)).timestamp())
        body = json.dumps([*payload, far], separators=(",", ":")).encode()
        forged = f"{version}.{base64.urlsafe_b64encode(body).rstrip(b'=').decode()}.{mac}"
        status, html, _ = await site.get(f"/incidents/{payload[0]}/timeline", token=forged)
        assert status == 403 and "not valid" in html


async def test_token_for_another_incident_is_refused(site: Site) -> None:
    status, html, _ = await site.get("/incidents/INC-2/timeline", token=site.token("INC-1"))
    assert status == 403
    assert "issued for INC-1, not for INC-2" in html
    assert "Liste de donateurs" not in html


async def test_expired_token_is_refused(site: Site) -> None:
    path = site.path("INC-1")
    site.clock.advance(hours=23, minutes=59)
    assert (await site.get(path))[0] == 200
    site.clock.advance(minutes=1)
    status, html, _ = await site.get(path)
    assert status == 403 and "expired" in html and "a expiré" in html


async def test_missing_token_and_unknown_incident(site: Site) -> None:
    assert (await site.get("/incidents/INC-1/timeline"))[0] == 403
    status, html, _ = await site.get(site.path("INC-99"))
    assert status == 404 and "No incident INC-99" in html
    assert (await site.get("/incidents/nope/timeline", token="x"))[0] == 404


async def test_list_page_needs_a_workspace_token(site: Site) -> None:
    assert (await site.get("/incidents", token=site.token("INC-1")))[0] == 403
    assert (await site.get("/incidents/INC-1/timeline", token=site.token("*")))[0] == 403
    status, html, _ = await site.get(site.path("*"))
    assert status == 200
    assert "Donor list exposed" in html and "Liste de donateurs" in html
    hrefs = re.findall(r'href="(/incidents/INC-2/timeline\?[^"]+)"', html)
    assert len(hrefs) == 1
    status, page, _ = await site.get(hrefs[0].replace("&amp;", "&"))
    assert status == 200 and "Chronologie de INC-2" in page


async def test_list_page_shows_closed_incidents_apart(site: Site) -> None:
    site.service.store.conn.execute("UPDATE incidents SET status = 'closed' WHERE ref = 'INC-2'")
    _, html, _ = await site.get(site.path("*"))
    open_part, closed_part = html.split('class="incidents closed"', 1)
    assert "INC-1" in open_part and "INC-2" not in open_part
    assert "INC-2" in closed_part


# -- headers -----------------------------------------------------------------------------------


async def test_every_response_has_the_security_headers(site: Site) -> None:
    page = site.path("INC-1")
    for path in (
        page,
        page.replace("/timeline?", "/timeline.csv?"),
        "/incidents/INC-1/timeline?token=forged",
        "/no/such/page",
        "/static/web.css",
        "/healthz",
    ):
        _, _, resp = await site.get(path)
        h = resp.headers
        assert h["Cache-Control"] == "no-store", path
        assert h["Referrer-Policy"] == "no-referrer", path
        assert h["X-Content-Type-Options"] == "nosniff", path
        csp = h["Content-Security-Policy"]
        for directive in (
            "default-src 'none'",
            "img-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ):
            assert directive in csp, (path, csp)
        assert "unsafe-inline" not in csp and "script-src" not in csp


async def test_the_inline_print_rule_is_allowed_by_its_hash_only(site: Site) -> None:
    _, html, resp = await site.get(site.path("INC-1"))
    inline = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(inline) == 1 and "INC-1" in inline[0]
    assert style_hash(inline[0]) in resp.headers["Content-Security-Policy"]
    assert "<script" not in html.replace("&lt;script", "")


async def test_healthz_queries_the_database(site: Site) -> None:
    resp = await site.client.get("/healthz")
    assert resp.status == 200 and await resp.json() == {"ok": True, "db": "ok"}
    site.service.store.close()
    resp = await site.client.get("/healthz")
    assert resp.status == 503 and (await resp.json())["db"] == "error"


async def test_slack_events_go_to_the_slack_handler(site: Site) -> None:
    resp = await site.client.post("/slack/events", data="payload=1")
    assert resp.status == 200
    assert site.slack_calls == ["payload=1"]  # type: ignore[attr-defined]


# -- what the page shows -------------------------------------------------------------------------


async def test_user_text_is_shown_as_text(site: Site) -> None:
    _, html, _ = await site.get(site.path("INC-1"))
    assert "<script>window.pwned=1</script>" not in html
    assert '<img src=x onerror="window.pwned=1">' not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;window.pwned=1&#34;&gt;" in html


async def test_only_http_links_back_to_slack_become_anchors(site: Site) -> None:
    with site.service.store.transaction():
        site.service.store.append_event(
            "INC-1", at=site.clock(), actor="mallory", kind="note", text="x",
            link="javascript:alert(1)",
        )  # fmt: skip
    _, html, _ = await site.get(site.path("INC-1"))
    assert "javascript:" not in html
    assert 'href="https://campaign-hq.slack.com/archives/C07INC1/p176360001"' in html


async def test_times_are_shown_in_the_readers_zone_with_the_offset(site: Site) -> None:
    _, html, _ = await site.get(site.path("INC-1"))
    assert "2026-11-20 09:12 (UTC-05:00)" in html  # the first note, Toronto (the setting)
    _, html, _ = await site.get(site.path("INC-1"), tz="Europe/Paris")
    assert "2026-11-20 15:12 (UTC+01:00)" in html
    status, html, _ = await site.get(site.path("INC-1"), tz="Mars/Olympus")
    assert status == 400 and "Unknown time zone" in html


async def test_french_incident_is_shown_in_french(site: Site) -> None:
    _, html, _ = await site.get(site.path("INC-2"))
    assert '<html lang="fr">' in html
    assert "Chronologie de INC-2" in html and "La chaîne de hachage est vérifiée" in html
    assert "Liste des étapes" in html
    # French typography from the catalogue: a no-break space before the colon, none in English
    assert "Télécharger\u00a0:" in html and "vérifiée\u00a0:" in html
    _, english, _ = await site.get(site.path("INC-1"))
    assert "Download:" in english and "\u00a0:" not in english


async def test_a_row_edited_outside_the_bot_is_named_on_the_page_in_its_language(
    site: Site,
) -> None:
    conn = site.service.store.conn
    for ref in ("INC-1", "INC-2"):
        conn.execute("UPDATE incidents SET title = 'Rien' WHERE ref = ?", [ref])
    _, html, _ = await site.get(site.path("INC-2"))
    assert french(
        "La chaîne de hachage N'EST PAS vérifiée : INC-2 : ligne de l'incident, le titre : "
        '"Rien" dans la table ne correspond pas à l\'événement #1 (declared) ; la ligne a été '
        "modifiée en dehors du bot."
    ) in unescape(html)
    _, html, _ = await site.get(site.path("INC-1"))
    assert (
        'The hash chain does NOT verify: INC-1: incident row, the title: "Rien" in the table '
        "does not match event #1 (declared); the row was changed outside the bot." in unescape(html)
    )


async def test_an_address_that_names_no_incident_says_so_in_both_languages(site: Site) -> None:
    status, html, _ = await site.get("/incidents/NOPE/timeline", token=site.token("INC-1"))
    assert status == 404
    text = unescape(html)
    assert '"NOPE" is not an incident reference; they look like INC-7.' in text
    assert french("« NOPE » n'est pas une référence d'incident ; elles s'écrivent INC-7.") in text
    status, html, _ = await site.get("/nowhere")
    assert status == 404 and "Il n'y a rien à cette adresse." in unescape(html)
    assert "<title>" in html and "Introuvable" in html
    resp = await site.client.delete("/incidents/INC-1/timeline")
    assert resp.status == 405
    assert french("DELETE n'est pas permis ici.") in unescape(await resp.text())


async def test_chain_banner_shows_the_head_and_a_broken_chain(site: Site) -> None:
    _, html, _ = await site.get(site.path("INC-1"))
    head = site.service.store.head("INC-1")[1]
    assert "The hash chain verifies" in html and head in html
    conn = site.service.store.conn
    conn.execute("DROP TRIGGER timeline_no_update")
    conn.execute(
        "UPDATE timeline SET text = 'nothing happened' WHERE incident = 'INC-1' AND seq = 3"
    )
    _, html, _ = await site.get(site.path("INC-1"))
    assert "does NOT verify" in html and "event #3 was altered" in html


# -- filters -------------------------------------------------------------------------------------


async def test_filters_narrow_the_table_and_stay_in_the_export_links(site: Site) -> None:
    page = site.path("INC-1")
    _, everything, _ = await site.get(page)
    _, html, _ = await site.get(page, phase="contain")
    kept = rows(html)
    assert 0 < len(kept) < len(rows(everything))
    assert all("Contain" in r for r in kept)
    _, html, _ = await site.get(page, actor="mallory", kind="note")
    assert len(rows(html)) == 3
    _, html, _ = await site.get(page, q="PWNED")
    assert len(rows(html)) == 2
    exports = re.findall(r'href="(/incidents/INC-1/timeline\.(?:csv|json|md)\?[^"]+)"', html)
    assert len(exports) == 3
    for href in exports:
        assert "q=PWNED" in href and "tz=America%2FToronto" in href
    assert 'name="q" value="PWNED"' in html
    _, html, _ = await site.get(page, q="no such words anywhere")
    assert "No event matches these filters." in html


async def test_unknown_phase_is_a_400_naming_the_choices(site: Site) -> None:
    status, html, _ = await site.get(site.path("INC-1"), phase="panic")
    assert status == 400
    assert "contain, assess, notify, communicate, recover" in html


# -- exports -------------------------------------------------------------------------------------


async def test_csv_export_has_a_bom_and_neutralised_formulas(site: Site) -> None:
    resp = await site.client.get(site.path("INC-1").replace("/timeline?", "/timeline.csv?"))
    body = await resp.read()
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert 'filename="INC-1-timeline.csv"' in resp.headers["Content-Disposition"]
    assert body.startswith(b"\xef\xbb\xbfseq,at_utc,")
    text = body.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text and ',"=HYPERLINK' not in text


async def test_json_export_has_the_hashes_and_honours_filters(site: Site) -> None:
    base = site.path("INC-1").replace("/timeline?", "/timeline.json?")
    data = await (await site.client.get(base)).json()
    assert data["chain"]["verified"] is True
    assert data["chain"]["head"] == data["timeline"][-1]["hash"]
    for prev, event in zip(data["timeline"], data["timeline"][1:], strict=False):
        assert event["prev_hash"] == prev["hash"]
    data = await (await site.client.get(base, params={"actor": "mallory"})).json()
    assert {e["actor"] for e in data["timeline"]} == {"mallory"}
    assert data["filters"]["actor"] == "mallory" and data["filters"]["shown"] == 3
    assert all(len(e["hash"]) == 64 for e in data["timeline"])


async def test_markdown_export_says_it_is_filtered(site: Site) -> None:
    base = site.path("INC-1").replace("/timeline?", "/timeline.md?")
    text = await (await site.client.get(base, params={"kind": "step_done"})).text()
    assert text.startswith("# INC-1 — Donor list exposed")
    assert "3 of" in text and "kind=step_done" in text
    assert "revoke-vendor-access" in text and "MailCo called" not in text


# -- opening is recorded -----------------------------------------------------------------------


async def test_opening_is_recorded_once_per_token_an_hour(site: Site) -> None:
    path = site.path("INC-1", actor="dana")
    await site.get(path)
    await site.get(path)
    await site.get(path.replace("/timeline?", "/timeline.csv?"))
    opened = site.events(kind="timeline_opened")
    assert len(opened) == 1
    assert opened[0].actor == "dana"
    assert "token" in opened[0].data and opened[0].data["token"] not in path
    _, html, _ = await site.get(path)
    assert "timeline opened" in html  # the reader sees their own visit
    site.clock.advance(minutes=61)
    await site.get(path)
    assert len(site.events(kind="timeline_opened")) == 2
    await site.get(site.path("INC-1", actor="erin"))
    assert [e.actor for e in site.events(kind="timeline_opened")] == ["dana", "dana", "erin"]
    assert site.service.store.verify_incident("INC-1") is None


async def test_refused_links_record_nothing(site: Site) -> None:
    before = len(site.events())
    await site.get("/incidents/INC-1/timeline", token="v1.AAAA.BBBB")
    await site.get("/incidents/INC-1/timeline", token=site.token("INC-2"))
    assert len(site.events()) == before


# -- drafts --------------------------------------------------------------------------------------


async def test_drafts_are_listed_and_downloadable(site: Site) -> None:
    store: Store = site.service.store
    with store.transaction():
        mine = store.insert_row(
            "drafts",
            {"incident": "INC-1", "kind": "regulator", "jurisdiction": "fr", "language": "fr",
             "version": 2, "body": "# Notification CNIL\n<b>bold?</b>", "template": "t",
             "created_by": "dana", "created_at": site.clock().isoformat()},
        )  # fmt: skip
        theirs = store.insert_row(
            "drafts",
            {"incident": "INC-2", "kind": "press", "language": "fr", "version": 1,
             "body": "secret", "template": "t", "created_by": "x",
             "created_at": site.clock().isoformat()},
        )  # fmt: skip
    token = site.token("INC-1")
    _, html, _ = await site.get(site.path("INC-1"))
    assert f'href="/incidents/INC-1/drafts/{mine}.md?token=' in html
    resp = await site.client.get(f"/incidents/INC-1/drafts/{mine}.md", params={"token": token})
    assert resp.status == 200
    assert await resp.text() == "# Notification CNIL\n<b>bold?</b>"
    assert "INC-1-regulator-fr-fr-v2.md" in resp.headers["Content-Disposition"]
    resp = await site.client.get(f"/incidents/INC-1/drafts/{theirs}.md", params={"token": token})
    assert resp.status == 404


async def test_opening_a_closed_incident_is_still_recorded(site: Site) -> None:
    site.service.store.conn.execute("UPDATE incidents SET status = 'closed' WHERE ref = 'INC-1'")
    status, html, _ = await site.get(site.path("INC-1", actor="auditor"))
    assert status == 200 and "closed" in html
    assert [e.actor for e in site.events(kind="timeline_opened")] == ["auditor"]


async def test_every_kind_of_event_is_labelled_in_the_readers_language(site: Site) -> None:
    site.service.set_fact("INC-1", "cause", "a misconfigured bucket", actor="alice")
    site.service.set_fact("INC-2", "cause", "un compartiment mal configuré", actor="alice")
    _, english, _ = await site.get(site.path("INC-1"))
    _, french, _ = await site.get(site.path("INC-2"))
    assert "fact recorded" in english and "fact_set" not in rows(english)[-1]
    assert "élément noté" in french


async def test_automatic_events_are_worded_in_the_readers_language(site: Site) -> None:
    for ref in ("INC-1", "INC-2"):
        site.service.notified(ref, "qc", "CAI-2026-117", actor="alice")
    _, english, _ = await site.get(site.path("INC-1"))
    _, french, _ = await site.get(site.path("INC-2"))
    english_rows, french_rows = " ".join(rows(english)), " ".join(rows(french))
    assert "to dana" in english_rows and "dana as dpo" in english_rows
    assert "CAI (qc), ref. CAI-2026-117" in english_rows
    assert "à dana" in french_rows and "dana comme dpo" in french_rows
    assert "CAI (qc), réf. CAI-2026-117" in french_rows
    # the page words the event; the stored (hashed) text stays what was recorded
    assert [e.text for e in site.events("INC-2", "role_assigned")] == ["dpo → dana"]
    assert "dpo → dana" not in french_rows


async def test_the_incident_page_shows_each_steps_guidance_naming_its_authorities(
    site: Site,
) -> None:
    _, html, _ = await site.get(site.path("INC-1"))
    assert "<summary>What to do</summary>" in html
    assert "the CAI promptly and the CNIL within 72 hours" in html
    assert "Role: DPO" in html
    _, french, _ = await site.get(site.path("INC-2"))
    assert "<summary>Quoi faire</summary>" in french
    assert "à la CAI avec diligence et à la CNIL sous 72 heures" in french
    assert "Rôle\u00a0: DPO" in french


async def test_the_search_finds_the_words_the_reader_is_shown_in_either_language(
    site: Site,
) -> None:
    for ref in ("INC-1", "INC-2"):
        site.service.notified(ref, "qc", "CAI-2026-117", actor="alice")
    french, english = site.path("INC-2"), site.path("INC-1")
    # the French reader searches the French words the page shows (stored: "dpo → dana")
    for q in ("dana comme DPO", "réf. CAI-2026-117"):
        _, html, _ = await site.get(french, q=q)
        assert rows(html) and all(q.casefold() in r.casefold() for r in rows(html)), q
    _, html, _ = await site.get(french, q="dpo → dana")  # the stored text is found too
    assert len(rows(html)) == 1 and "dana comme dpo" in rows(html)[0]
    _, html, _ = await site.get(english, q="dana as dpo")
    assert any("dana as dpo" in r for r in rows(html))
    _, html, _ = await site.get(english, q="dana comme dpo")
    assert "No event matches these filters." in html
    # a filtered export keeps the same events as the page
    for path, q, lang in ((french, "comme dpo", "fr"), (english, "as dpo", "en")):
        url = path.replace("/timeline?", "/timeline.json?")
        status, body, _ = await site.get(url, q=q)
        assert status == 200, body
        kept = json.loads(body)["timeline"]
        assert [e["kind"] for e in kept] == ["role_assigned"], (lang, kept)
        status, body, _ = await site.get(url.replace(".json?", ".csv?"), q=q)
        assert status == 200 and q in body, lang
