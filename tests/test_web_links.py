"""Signed links: what a forged, altered or expired token gets, and where the secret lives."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from incidentbot.config import Settings
from incidentbot.errors import ConfigError
from incidentbot.store import Store
from incidentbot.web import AccessLogger, links

NOW = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
KEY = b"k" * 32


def token(ref: str = "INC-7", actor: str = "alice", hours: float = 24) -> str:
    return links.sign(ref=ref, actor=actor, secret=KEY, expires=NOW + timedelta(hours=hours))


def test_a_genuine_token_names_the_person_it_was_issued_to() -> None:
    assert links.verify(token(actor="U012ABC"), ref="INC-7", secret=KEY, now=NOW) == "U012ABC"
    assert links.verify(token(), ref="inc-7", secret=KEY, now=NOW) == "alice"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "garbage",
        "v2" + token()[2:],
        token()[:-2],
        token() + "A",
        token().replace(".", "..", 1),
        "v1.%%%.%%%",
        "v1." + "A" * 3000 + ".B",
    ],
)
def test_anything_but_our_token_is_forged(bad: str) -> None:
    with pytest.raises(links.ForgedLink, match="not valid"):
        links.verify(bad, ref="INC-7", secret=KEY, now=NOW)


def test_every_single_character_change_is_caught() -> None:
    good = token()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for i, ch in enumerate(good):
        if ch == ".":
            continue
        other = alphabet[(alphabet.index(ch) + 1) % len(alphabet)] if ch in alphabet else "A"
        changed = good[:i] + other + good[i + 1 :]
        try:
            links.verify(changed, ref="INC-7", secret=KEY, now=NOW)
        except links.BadLink:
            continue
        # base64's last character can carry unused bits: the decoded bytes must still match
        assert links.read(changed, secret=KEY) == links.read(good, secret=KEY), i


def test_another_secret_does_not_verify() -> None:
    with pytest.raises(links.ForgedLink):
        links.verify(token(), ref="INC-7", secret=b"z" * 32, now=NOW)


def test_a_token_opens_only_its_own_incident() -> None:
    with pytest.raises(links.WrongIncidentLink, match="issued for INC-7, not for INC-8"):
        links.verify(token(), ref="INC-8", secret=KEY, now=NOW)
    with pytest.raises(links.WrongIncidentLink, match="list of incidents"):
        links.verify(token(), ref="*", secret=KEY, now=NOW)
    with pytest.raises(links.WrongIncidentLink):
        links.verify(token(ref="*"), ref="INC-7", secret=KEY, now=NOW)


def test_expiry_is_exclusive_and_named() -> None:
    t = token(hours=1)
    assert links.verify(t, ref="INC-7", secret=KEY, now=NOW + timedelta(minutes=59, seconds=59))
    with pytest.raises(links.ExpiredLink, match="expired on 2026-11-20 15:00 UTC"):
        links.verify(t, ref="INC-7", secret=KEY, now=NOW + timedelta(hours=1))


def test_signer_builds_the_public_url_and_lasts_the_configured_time() -> None:
    settings = Settings(public_url="https://bot.example.org", link_ttl_hours=2)
    signer = links.make_signer(settings, KEY, lambda: NOW)
    url, expires = signer("inc-3", "bob")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "bot.example.org",
        "/incidents/INC-3/timeline",
    )
    assert expires == NOW + timedelta(hours=2)
    tok = parse_qs(parts.query)["token"][0]
    assert links.verify(tok, ref="INC-3", secret=KEY, now=NOW) == "bob"
    url, _ = signer("*", "alice")
    assert urlsplit(url).path == "/incidents"


def test_generated_secret_is_kept_in_the_database(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")
    first = links.load_secret(store, None)
    assert len(first) == 32
    store.close()
    again = Store(tmp_path / "bot.db")
    assert links.load_secret(again, None) == first  # links survive a restart
    assert links.load_secret(Store(tmp_path / "other.db"), None) != first


def test_configured_secret_wins_and_must_be_long(tmp_path: Path) -> None:
    store = Store(tmp_path / "bot.db")
    configured = "x" * 40
    assert links.load_secret(store, configured) == configured.encode()
    with pytest.raises(ConfigError, match="link_secret is 6 characters long"):
        links.load_secret(store, "hunter")


def test_token_id_is_short_and_not_the_token() -> None:
    t = token()
    assert len(links.token_id(t)) == 16 and links.token_id(t) not in t
    assert links.token_id(t) != links.token_id(token(actor="bob"))


def test_access_log_never_shows_the_token(caplog: pytest.LogCaptureFixture) -> None:
    request = make_mocked_request("GET", "/incidents/INC-1/timeline?token=v1.secret.mac")
    logger = logging.getLogger("test.access")
    with caplog.at_level(logging.INFO, logger="test.access"):
        AccessLogger(logger, "").log(request, web.Response(status=200), 0.01)
    assert "/incidents/INC-1/timeline" in caplog.text
    assert "secret" not in caplog.text and "token" not in caplog.text


def test_a_token_longer_than_the_limit_is_refused_even_if_genuine() -> None:
    # the longest genuine token within the limit opens; a longer one is refused undecoded
    by_length = {len(token(actor="a" * n)): n for n in range(1400, 1600)}
    within = max(length for length in by_length if length <= links.MAX_TOKEN_CHARS)
    assert links.verify(token(actor="a" * by_length[within]), ref="INC-7", secret=KEY, now=NOW)
    over = min(length for length in by_length if length > links.MAX_TOKEN_CHARS)
    with pytest.raises(links.ForgedLink):
        links.verify(token(actor="a" * by_length[over]), ref="INC-7", secret=KEY, now=NOW)


@pytest.mark.parametrize(
    "shape",
    [
        ["INC-7", 12, 1795000000, 0],  # the person is not a name
        [7, "alice", 1795000000, 0],  # nor the incident
        ["INC-7", "alice", 1795000000.5, 0],  # the expiry not whole seconds
        ["INC-7", "alice", 1795000000, "0"],  # the generation not a number
    ],
)
def test_a_payload_of_another_shape_is_refused_even_with_a_genuine_mac(shape: list[object]) -> None:
    """Only ``sign`` writes payloads; one of another shape (an older format, a bug) that still
    carries a good MAC is refused like a forgery, never half-read."""
    import base64
    import hashlib
    import hmac
    import json

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    payload = b64(json.dumps(shape, separators=(",", ":")).encode())
    label = b"incidentbot timeline link v1\n"  # the documented MAC input: label, then payload
    mac = hmac.new(KEY, label + payload.encode(), hashlib.sha256).digest()
    with pytest.raises(links.ForgedLink):
        links.read(f"v1.{payload}.{b64(mac)}", secret=KEY)
    good = b64(json.dumps(["INC-7", "alice", 1795000000, 0], separators=(",", ":")).encode())
    good_mac = hmac.new(KEY, label + good.encode(), hashlib.sha256).digest()
    assert links.read(f"v1.{good}.{b64(good_mac)}", secret=KEY)[1] == "alice"
