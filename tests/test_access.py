"""Who may see and do what (issue 13), tried as a hostile member and as an outsider would,
through the shell, the web routes and signed Slack requests.

Configuration as in the issue: alice leads, dora is the data-protection officer, cora does
communications, ivan is a director; mallory is not listed (a member) and max is listed as a
plain member. eve is in no table and in no incident.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from incidentbot import config
from incidentbot.app import App, build_app
from incidentbot.shell import Shell
from incidentbot.web import links

PEOPLE = (
    '[people]\nalice = ["lead"]\ndora = ["dpo"]\ncora = ["comms"]\nmax = ["member"]\n'
    'ivan = ["director"]\n'
)
ASSESS = (
    "assess data=contact persons=800 records=800 identifiable=full "
    "confidentiality=unknown_recipient integrity=none availability=none malicious=yes "
    "encrypted=no backup=yes vulnerable=no"
)


def make_app(tmp_path: Path, clock: Any, toml: str | None) -> App:
    env = {"INCIDENTBOT_DB": str(tmp_path / "bot.db"), "INCIDENTBOT_PUBLIC_URL": "https://b.org"}
    if toml is not None:
        (tmp_path / "bot.toml").write_text(toml, encoding="utf-8")
        env["INCIDENTBOT_CONFIG"] = str(tmp_path / "bot.toml")
    return build_app(config.load(env), clock=clock)


class People:
    """One shell per person, over the same database, as ``incidentbot shell --as NAME``."""

    def __init__(self, app: App, tmp_path: Path) -> None:
        self.app, self.tmp_path = app, tmp_path
        self.shells: dict[str, tuple[Shell, io.StringIO]] = {}

    def __call__(self, who: str, line: str) -> tuple[bool, str]:
        if who not in self.shells:
            out = io.StringIO()
            shell = Shell(self.app.service, actor=who, lang="en", tz=UTC, out=out,
                          drafts_dir=self.tmp_path / "drafts", color=False)  # fmt: skip
            self.shells[who] = (shell, out)
        shell, out = self.shells[who]
        out.seek(0)
        out.truncate()
        ok = shell.run_line(line)
        return ok, out.getvalue()

    def events(self, ref: str, kind: str | None = None) -> list[Any]:
        return [e for e in self.app.store.events(ref) if kind is None or e.kind == kind]


@pytest.fixture
def people(tmp_path: Path, clock: Any) -> Iterator[People]:
    app = make_app(tmp_path, clock, PEOPLE)
    p = People(app, tmp_path)
    assert p("alice", 'declare Donor file leaked playbook=vendor-breach aware="2 hours ago" '
             "jurisdiction=fr")[0]  # fmt: skip
    for line in ("draft press", "draft regulator fr", ASSESS):
        assert p("alice", "INC-1 " + line)[0], line
    assert p("alice", "declare Mailboxes read by an admin playbook=generic-breach private=yes")[0]
    yield p
    app.close()


# -- a hostile member: 0 of 15 privileged actions succeed ---------------------------------

PRIVILEGED = [
    "assign dpo @mallory",
    "assign comms @mallory",
    "assign lead @mallory",
    "assign it @mallory",
    "approve press",
    "approve regulator-fr-fr-v1",
    'assess override=fr authority=no persons=no reason="we say so"',
    "skip preserve-logs no need",
    "severity low calmer now",
    "aware 5 hours ago",
    "close",
    "invite @eve",
    "private",
    "exclude @cora",
    "links revoke",
]


@pytest.mark.parametrize("who", ["mallory", "max"])
def test_a_member_succeeds_in_none_of_the_privileged_actions(people: People, who: str) -> None:
    deadlines = people("alice", "INC-1 deadlines")[1]
    before = people.app.store.incident("INC-1")
    accepted = []
    for line in PRIVILEGED:
        count = len(people.events("INC-1"))
        ok, out = people(who, "INC-1 " + line)
        if ok:
            accepted.append(line)
        # one sentence, and the refusal is in the timeline although the action is not
        assert out.startswith("✗ ") and out.count("\n") == 1, out
        refused = people.events("INC-1")[count:]
        assert [(e.kind, e.actor) for e in refused] == [("refused", who)], line
    assert accepted == []
    assert people.app.store.incident("INC-1") == before
    assert people("alice", "INC-1 deadlines")[1] == deadlines
    assert not people.events("INC-1", "draft_approved")
    assert not people.events("INC-1", "decision_override")


def test_the_refusal_of_assign_lead_survives_the_rollback(people: People) -> None:
    ok, out = people("mallory", "INC-1 assign lead @mallory")
    assert not ok and "Only lead or director may hand out roles in INC-1" in out
    (event,) = people.events("INC-1", "refused")
    assert event.actor == "mallory"
    assert event.data == {"action": "assign_role", "allowed": ["lead", "director"]}
    assert event.text.startswith("Only lead or director may hand out roles in INC-1")
    assert people.app.store.incident("INC-1").lead == "alice"


def test_the_refusal_is_worded_in_french_too(people: People) -> None:
    shell = Shell(people.app.service, actor="mallory", lang="fr", tz=UTC, out=io.StringIO(),
                  color=False)  # fmt: skip
    shell.run_line("INC-1 close")
    said = shell.out.getvalue()  # type: ignore[attr-defined]
    assert "Seul le rôle lead peut clore l'incident dans INC-1" in said


def test_nobody_raises_their_own_rights(people: People) -> None:
    # a member named dpo by the lead may act as one, but cannot make themselves comms
    assert people("alice", "INC-1 assign dpo @max")[0]
    assert people("max", "INC-1 severity medium reassessed")[0]
    ok, out = people("max", "INC-1 assign comms @max")
    assert not ok and "Only lead or director may hand out roles" in out
    # a configured director hands out roles, to others and to himself
    assert people("ivan", "INC-1 assign comms @cora")[0]
    assert people("ivan", "INC-1 assign it @ivan")[0]
    ok, out = people("mallory", "INC-1 exclude @cora")
    assert "Only lead or dpo or director may exclude someone in INC-1; you are member." in out


def test_an_action_given_to_no_role_is_refused_to_all(tmp_path: Path, clock: Any) -> None:
    app = make_app(tmp_path, clock, '[people]\nalice = ["lead"]\n[roles]\nclose = []\n')
    p = People(app, tmp_path)
    assert p("alice", "declare Leak playbook=generic-breach")[0]
    ok, out = p("alice", "close")
    assert not ok and "Only — may close the incident in INC-1; you are lead." in out
    app.close()


def test_the_incident_lead_may_not_make_themselves_dpo(tmp_path: Path, clock: Any) -> None:
    app = make_app(tmp_path, clock, '[people]\ndora = ["dpo"]\n[roles]\napprove_notice = ["dpo"]\n')
    p = People(app, tmp_path)
    assert p("lena", "declare Leak playbook=generic-breach")[0]
    assert p("lena", "assign lead @leo")[0]
    ok, out = p("leo", "assign dpo @leo")
    assert not ok and "Nobody gives themselves a role" in out
    assert not p("lena", "assign dpo @dora")[0]  # the declarer named a lead: no rights left
    assert p("leo", "assign dpo @dora")[0]
    app.close()


# -- with no [people] table ------------------------------------------------------------------


def test_a_lone_user_runs_a_whole_incident_and_others_are_members(
    tmp_path: Path, clock: Any
) -> None:
    app = make_app(tmp_path, clock, None)
    p = People(app, tmp_path)
    assert p("solo", 'declare Lost laptop playbook=generic-breach aware="1 hour ago"')[0]
    for line in ("severity low laptop encrypted", "aware 3 hours ago", "draft press",
                 "approve press", "private", "links revoke"):  # fmt: skip
        assert p("solo", line)[0], line
    for line in ("INC-1 close", "INC-1 severity high", "INC-1 assign dpo @other"):
        ok, out = p("other", line)
        assert not ok
    # private now: the other person does not even learn it exists
    assert p("other", "INC-1 status")[1] == p("other", "INC-9 status")[1].replace("9", "1")
    app.close()


def test_with_no_people_table_the_declarer_keeps_a_leads_rights_after_naming_a_lead(
    tmp_path: Path, clock: Any
) -> None:
    app = make_app(tmp_path, clock, None)
    p = People(app, tmp_path)
    assert p("solo", "declare Lost laptop playbook=generic-breach lead=@leo")[0]
    assert app.store.incident("INC-1").lead == "leo"
    # neither the declarer nor the lead is refused what a lead may do; anyone else is
    assert p("solo", "INC-1 assign dpo @dora")[0]
    assert p("leo", "INC-1 severity low laptop encrypted")[0]
    for line in ("INC-1 severity high", "INC-1 assign comms @other", "INC-1 skip stop-the-leak no"):
        ok, out = p("other", line)
        assert not ok and "you are member" in out, line
    assert p("solo", "INC-1 severity medium reassessed")[0]
    assert p("solo", "INC-1 skip stop-the-leak nothing leaked")[0]
    # and takes the lead back: a role they hold already, so not a self-grant
    assert p("solo", "INC-1 assign lead @solo")[0]
    assert app.store.incident("INC-1").lead == "solo"
    app.close()


def test_the_self_grant_rule_lets_a_role_be_taken_only_by_who_holds_it(
    tmp_path: Path, clock: Any
) -> None:
    toml = '[people]\ndora = ["dpo"]\n'
    app = make_app(tmp_path, clock, toml)
    p = People(app, tmp_path)
    assert p("dora", "declare Leak playbook=generic-breach lead=@dora")[0]
    # the incident's lead, configured dpo, takes the incident's dpo role: she holds it already
    assert p("dora", "INC-1 assign dpo @dora")[0]
    assert app.store.incident("INC-1").roles.get("dpo") == "dora"
    # but not comms, which she does not hold: one sentence naming the role, and recorded
    ok, out = p("dora", "INC-1 assign comms @dora")
    assert not ok and "Nobody gives themselves a role" in out and "comms" in out
    (refusal,) = p.events("INC-1", "refused")
    assert refusal.actor == "dora" and refusal.data["action"] == "assign_role"
    assert "comms" in refusal.text
    app.close()


def test_a_role_cannot_be_given_to_someone_excluded(people: People) -> None:
    assert people("alice", "INC-1 exclude @mallory")[0]
    ok, out = people("alice", "INC-1 assign comms @mallory")
    assert not ok and "mallory" in out
    (refusal,) = people.events("INC-1", "refused")
    assert refusal.actor == "alice" and refusal.data["action"] == "assign_role"
    assert "mallory" in refusal.text
    assert "comms" not in people.app.store.incident("INC-1").roles


# -- an outsider and a private incident: 0 of 13 reads or writes succeed ----------------------

OUTSIDER_SHELL = [
    "INC-2 status",
    "INC-2 steps",
    "INC-2 deadlines",
    "INC-2 timeline",
    "INC-2 note we know",
    "INC-2 done assess-risk looked",
    "INC-2 fact cause a guess",
    "INC-2 draft press",
    "INC-2 " + ASSESS,
]


async def outsider_web(people: People, who: str) -> list[int]:
    """The statuses of the four routes; none shows the title unless it opens."""
    """Links issued to ``who`` (as the bot would have, had it been asked) for INC-2."""
    app = people.app
    url, _ = app.service.link_signer("INC-2", who)  # type: ignore[misc]
    token = parse_qs(urlsplit(url).query)["token"][0]
    draft_id = app.store.rows("drafts", "incident = ?", ["INC-2"])[0]["id"]
    paths = [
        f"/incidents/INC-2/timeline?token={token}",
        f"/incidents/INC-2/timeline.json?token={token}",
        f"/incidents/INC-2/timeline.csv?token={token}",
        f"/incidents/INC-2/drafts/{draft_id}.md?token={token}",
    ]
    async with TestClient(TestServer(app.web())) as client:
        statuses = []
        for path in paths:
            resp = await client.get(path)
            statuses.append(resp.status)
            assert resp.status == 200 or "Mailboxes" not in await resp.text()
    return statuses


@pytest.mark.asyncio
async def test_an_outsider_gets_not_found_for_every_read_and_write(people: People) -> None:
    assert people("alice", "INC-2 draft press")[0]
    unknown = people("eve", "INC-99 status")[1]
    successes = 0
    for line in OUTSIDER_SHELL:
        ok, out = people("eve", line)
        successes += ok
        assert out == unknown.replace("INC-99", "INC-2"), line
        assert "Mailboxes" not in out
    ok, out = people("eve", "register")
    successes += "INC-2" in out
    ok, out = people("eve", "list")
    successes += "INC-2" in out
    statuses = await outsider_web(people, "eve")
    successes += sum(s == 200 for s in statuses)
    assert statuses == [404, 404, 404, 404]
    assert successes == 0  # 9 shell commands + register + list + 4 web routes
    refused = people.events("INC-2", "access_refused")
    assert len(refused) >= len(OUTSIDER_SHELL) + len(statuses)
    assert {e.actor for e in refused} == {"eve"}
    # recorded in the campaign's record language, naming who tried what
    assert {e.text for e in refused} == {
        f"eve was refused {e.data['action']}: not a member of this incident." for e in refused
    }
    assert {e.data["action"] for e in refused} == {
        "switch", "open_timeline", "export", "read_draft"
    }  # fmt: skip
    assert not people.events("INC-2", "note")


@pytest.mark.asyncio
async def test_members_and_the_dpo_still_see_everything(people: People) -> None:
    assert people("alice", "INC-2 draft press")[0]
    assert people("alice", "INC-2 invite @bob")[0]
    for who in ("alice", "dora", "bob"):
        for line in ("INC-2 status", "INC-2 timeline", "register", "list"):
            ok, out = people(who, line)
            assert ok and "INC-2" in out, (who, line)
        assert await outsider_web(people, who) == [200, 200, 200, 200]
    assert people("bob", "INC-2 note seen from the inside")[0]


def test_a_private_incident_leaves_the_register_of_others(people: People) -> None:
    rows = people.app.service.register_rows(actor="eve")
    assert [r["ref"] for r in rows] == ["INC-1"]
    assert [r["ref"] for r in people.app.service.register_rows(actor="dora")] == ["INC-1", "INC-2"]


def test_private_and_back(people: People) -> None:
    assert people("alice", "INC-1 assign dpo @dora")[0]
    assert people("dora", "INC-1 private")[0]
    assert not people("eve", "INC-1 status")[0]
    ok, out = people("dora", "INC-1 private no")
    assert not ok and "Only lead may make the incident public again" in out
    assert people("alice", "INC-1 private no")[0]
    assert people("eve", "INC-1 status")[0]


# -- links ------------------------------------------------------------------------------------


@pytest_asyncio.fixture
async def web(people: People) -> Any:
    async with TestClient(TestServer(people.app.web())) as client:
        yield client


def link(people: People, ref: str, who: str) -> str:
    url, _ = people.app.service.link_signer(ref, who)  # type: ignore[misc]
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


@pytest.mark.asyncio
async def test_a_link_stops_working_for_someone_excluded(people: People, web: Any) -> None:
    assert people("alice", "INC-2 invite @bob")[0]
    path = link(people, "INC-2", "bob")
    assert (await web.get(path)).status == 200
    assert people("alice", "INC-2 exclude @bob")[0]
    resp = await web.get(path)
    assert resp.status == 404 and "Mailboxes" not in await resp.text()
    assert people("alice", "INC-2 invite @bob")[0]  # the lead may let them back in
    assert (await web.get(path)).status == 200


@pytest.mark.asyncio
async def test_links_revoke_invalidates_every_link(people: People, web: Any) -> None:
    before = [link(people, "INC-1", who) for who in ("alice", "dora", "mallory")]
    assert [(await web.get(p)).status for p in before] == [200, 200, 200]
    assert people("alice", "INC-1 links revoke")[0]
    for path in before:
        resp = await web.get(path)
        assert resp.status == 403 and "revoked" in await resp.text()
    between = link(people, "INC-1", "alice")
    assert (await web.get(between)).status == 200
    # revoked again: the links signed between the two revocations stop too
    assert people("alice", "INC-1 links revoke")[0]
    resp = await web.get(between)
    assert resp.status == 403 and "revoked" in await resp.text()
    assert (await web.get(link(people, "INC-1", "alice"))).status == 200
    assert (await web.get(link(people, "INC-1", "alice").replace("timeline?", "timeline.json?"))).status == 200  # fmt: skip


@pytest.mark.asyncio
async def test_the_list_page_opens_only_with_its_own_genuine_unexpired_link(
    people: People, web: Any, clock: Any
) -> None:
    own = link(people, "*", "alice")
    resp = await web.get(own)
    assert resp.status == 200 and "Donor file" in await resp.text()
    token = parse_qs(urlsplit(own).query)["token"][0]
    incident_token = parse_qs(urlsplit(link(people, "INC-1", "alice")).query)["token"][0]
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    for path in ("/incidents", "/incidents?token=", f"/incidents?token={incident_token}",
                 f"/incidents?token={altered}"):  # fmt: skip
        resp = await web.get(path)
        assert resp.status == 403 and "Donor file" not in await resp.text(), path
    clock.advance(hours=people.app.settings.link_ttl_hours, seconds=1)
    resp = await web.get(own)
    assert resp.status == 403 and "expired" in await resp.text()


def spellings(token: str) -> list[str]:
    """Other spellings a lenient decoder reads as the same token."""
    version, payload, mac = token.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(mac[-1])
    same_mac = [mac[:-1] + alphabet[last ^ bits] for bits in (1, 2, 3)]
    standard = base64.b64encode(base64.urlsafe_b64decode(mac + "=")).decode()
    return [
        *(f"{version}.{payload}.{m}" for m in same_mac),
        f"{version}.{payload}.{mac}=",
        f"{version}.{payload}=.{mac}" if len(payload) % 4 else f"{version}.{payload}==.{mac}",
        f"{version}.{payload}.{standard}",
        f"V1.{payload}.{mac}",
    ]


def test_a_token_has_one_spelling() -> None:
    from datetime import datetime, timedelta

    now = datetime(2026, 11, 20, tzinfo=UTC)
    key = b"k" * 32
    token = links.sign(ref="INC-1", actor="alice", secret=key, expires=now + timedelta(hours=1))
    assert links.verify(token, ref="INC-1", secret=key, now=now) == "alice"
    for other in spellings(token):
        if other == token:
            continue
        with pytest.raises(links.ForgedLink):
            links.verify(other, ref="INC-1", secret=key, now=now)


def test_a_link_names_its_person_and_its_generation() -> None:
    from datetime import datetime, timedelta

    now = datetime(2026, 11, 20, tzinfo=UTC)
    key = b"k" * 32
    token = links.sign(ref="INC-1", actor="bob", secret=key, expires=now + timedelta(hours=1),
                       generation=2)  # fmt: skip
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert payload[1] == "bob" and payload[3] == 2
    assert links.verify(token, ref="INC-1", secret=key, now=now, generation=2) == "bob"
    with pytest.raises(links.RevokedLink):
        links.verify(token, ref="INC-1", secret=key, now=now, generation=3)


# -- the insider case ---------------------------------------------------------------------------


def test_insider_access_starts_private_and_excluded_means_everything(people: People) -> None:
    ok, out = people("alice", "declare Admin read the mailboxes playbook=insider-access")
    assert ok
    incident = people.app.store.incident("INC-3")
    assert incident.private
    first = people.app.catalogue.playbooks["insider-access"].steps[0]
    assert "/incident exclude @person" in first.guidance["en"]
    assert "/incident exclure @personne" in first.guidance["fr"]
    # ivan is a director: he may hand out roles anywhere, until he is excluded here
    assert people("alice", "INC-3 invite @ivan")[0]
    assert people("ivan", "INC-3 status")[0]
    assert people("alice", "INC-3 exclude @ivan")[0]
    unknown = people("ivan", "INC-99 status")[1].replace("INC-99", "INC-3")
    for line in ("status", "timeline", "assign dpo @ivan", "invite @ivan", "note hi", "close"):
        ok, out = people("ivan", "INC-3 " + line)
        assert not ok and out == unknown, line
    assert "INC-3" not in people("ivan", "register")[1]
    assert "INC-3" not in people("ivan", "list")[1]
    ok, out = people("alice", "INC-3 assign dpo @ivan")
    assert not ok and "ivan is excluded" in out
    # even a public incident: exclusion shuts the person out of it
    assert people("alice", "INC-1 exclude @mallory")[0]
    assert not people("mallory", "INC-1 status")[0]
    # exclusion is not for the lead, nor by someone for themselves; refusals are recorded
    for who, user in (("alice", "alice"), ("dora", "alice"), ("dora", "dora")):
        ok, out = people(who, f"INC-1 exclude @{user}")
        assert not ok and "Neither the lead nor yourself can be excluded" in out
        assert people.events("INC-1")[-1].kind == "refused"
        assert people.events("INC-1")[-1].data["action"] == "exclude"
    assert people("dora", "INC-1 status")[0]
