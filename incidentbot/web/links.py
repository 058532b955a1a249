"""Signed, expiring links: the link is the credential, so there is no login system to run.

A token is ``v1.<payload>.<mac>``: ``payload`` is the URL-safe base64 of the compact JSON
``[ref, actor, expires, generation]`` (``expires`` in whole seconds since the epoch, UTC) and
``mac`` the URL-safe base64 of HMAC-SHA256 over a version label and that payload. The MAC covers
the incident, the person the link was issued to, the expiry and the incident's link generation,
so none of them can be changed without the secret; the comparison is constant-time
(:func:`hmac.compare_digest`). ``ref`` is ``"*"`` for the workspace-wide list page.

A link is not a pass: the page asks the service's gate at every open whether the person it
names may still see the incident (an excluded person's link stops working), and
``/incident links revoke`` moves the incident's generation on, so every link signed before no
longer opens. A token has one spelling: unpadded URL-safe base64 whose unused low bits are zero
(:func:`_unb64` re-encodes and compares), so a changed letter case, padding, the standard
alphabet or another spelling of the same MAC is refused as forged.

The secret is the configured ``link_secret``, else 32 random bytes generated once and kept in
the database's ``kv`` table, so that links survive a restart and every process that opens the
same database agrees on it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from incidentbot.errors import ConfigError, Refused
from incidentbot.i18n import Message

log = logging.getLogger(__name__)

VERSION = "v1"
WORKSPACE = "*"
KV_KEY = "link_secret"  # the kv row holding the generated secret (hex)
MIN_SECRET_CHARS = 32
MAX_TOKEN_CHARS = 2048
_LABEL = b"incidentbot timeline link v1\n"

Signer = Callable[[str, str], tuple[str, datetime]]


class BadLink(Refused):
    """A link that does not open the page; the web edge answers 403 with its sentence."""


class ForgedLink(BadLink):
    """Not a token this server signed: malformed, or its signature does not match."""

    def __init__(self) -> None:
        super().__init__(Message("links.forged"))


class WrongIncidentLink(BadLink):
    """A genuine token, but for another incident (or for one incident on the list page)."""

    def __init__(self, issued_for: str, asked: str) -> None:
        super().__init__(
            Message("links.wrong_incident", issued_for=_scope(issued_for), asked=_scope(asked))
        )


class RevokedLink(BadLink):
    """A genuine token signed before ``/incident links revoke``."""

    def __init__(self) -> None:
        super().__init__(Message("links.revoked"))


class ExpiredLink(BadLink):
    def __init__(self, expired_at: datetime) -> None:
        when = expired_at.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(Message("links.expired", when=when))
        self.expired_at = expired_at


def _scope(ref: str) -> Message | str:
    return Message("links.the_list") if ref == WORKSPACE else ref


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    """Decode ``text`` only if it is the one canonical spelling of its bytes: encoding them
    again must give ``text`` back, which rules out padding, other alphabets, stray characters
    and nonzero unused bits (four spellings of one 32-byte MAC would otherwise pass)."""
    raw = base64.urlsafe_b64decode(text + "==")
    if _b64(raw) != text:
        raise ValueError(text)
    return raw


def _mac(secret: bytes, payload: str) -> bytes:
    return hmac.new(secret, _LABEL + payload.encode("ascii"), hashlib.sha256).digest()


def sign(*, ref: str, actor: str, secret: bytes, expires: datetime, generation: int = 0) -> str:
    """A token opening ``ref`` (``"*"``: the list page) for ``actor`` until ``expires``, while
    the incident's link generation is ``generation``."""
    if expires.tzinfo is None:
        raise ValueError("expires must be timezone-aware")
    if not secret:
        raise ValueError("the link secret is empty")
    body = json.dumps([ref, actor, int(expires.timestamp()), generation], separators=(",", ":"))
    payload = _b64(body.encode("utf-8"))
    return f"{VERSION}.{payload}.{_b64(_mac(secret, payload))}"


def read(token: str, *, secret: bytes) -> tuple[str, str, datetime, int]:
    """``(ref, actor, expires, generation)`` of a token whose signature checks; else
    :class:`ForgedLink`."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise ForgedLink()
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        raise ForgedLink()
    _, payload, mac = parts
    try:
        given = _unb64(mac)
        expected = _mac(secret, payload)
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise ForgedLink() from None
    if not hmac.compare_digest(given, expected):
        raise ForgedLink()
    try:
        ref, actor, expires, generation = json.loads(_unb64(payload).decode("utf-8"))
        if not (
            isinstance(ref, str)
            and isinstance(actor, str)
            and type(expires) is int
            and type(generation) is int
        ):
            raise ValueError("unexpected payload shape")
        at = datetime.fromtimestamp(expires, UTC)
    except (ValueError, TypeError, binascii.Error, OverflowError, OSError):
        # signed by us but unreadable: only a changed format could do this; refuse it alike
        raise ForgedLink() from None
    return ref, actor, at, generation


def verify(token: str, *, ref: str, secret: bytes, now: datetime, generation: int = 0) -> str:
    """The actor a token was issued to, if it is genuine, unexpired, for ``ref`` and of the
    incident's current link ``generation``.

    Raises :class:`ForgedLink` (altered or never issued), :class:`WrongIncidentLink`,
    :class:`RevokedLink` or :class:`ExpiredLink`; the signature is checked before anything else
    is believed. Whether the person may still see the incident is the gate's question, asked
    by the route after this.
    """
    issued_for, actor, expires, signed_generation = read(token, secret=secret)
    if issued_for != ref.upper():
        raise WrongIncidentLink(issued_for, ref)
    if signed_generation != generation:
        raise RevokedLink()
    if now >= expires:
        raise ExpiredLink(expires)
    return actor


def token_id(token: str) -> str:
    """A short, non-reversible name for a token (for the timeline and logs; never the token)."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:16]


def url_for(public_url: str, ref: str, token: str) -> str:
    base = public_url.rstrip("/")
    if ref == WORKSPACE:
        return f"{base}/incidents?token={quote(token, safe='')}"
    return f"{base}/incidents/{quote(ref, safe='')}/timeline?token={quote(token, safe='')}"


def make_signer(
    settings: Any,
    secret: bytes,
    clock: Callable[[], datetime],
    generation: Callable[[str], int] = lambda _ref: 0,
) -> Signer:
    """``signer(ref, actor) -> (url, expires)`` for the service's ``link_signer``.

    ``ref`` ``"*"`` gives the workspace-wide list page ``/incidents``; any other ref its
    timeline page. Links last ``settings.link_ttl_hours`` from ``clock()`` and carry the
    incident's current link ``generation(ref)``.
    """
    ttl = timedelta(hours=float(settings.link_ttl_hours))

    def signer(ref: str, actor: str) -> tuple[str, datetime]:
        expires = (clock() + ttl).astimezone(UTC).replace(microsecond=0)
        ref = ref.upper()
        current = 0 if ref == WORKSPACE else generation(ref)
        token = sign(ref=ref, actor=actor, secret=secret, expires=expires, generation=current)
        return url_for(settings.public_url, ref.upper(), token), expires

    return signer


def load_secret(store: Any, configured: str | None) -> bytes:
    """The configured secret, else one generated once and kept in the ``kv`` table."""
    if configured is not None:
        if len(configured) < MIN_SECRET_CHARS:
            raise ConfigError(
                Message("links.short_secret", length=len(configured), min=MIN_SECRET_CHARS)
            )
        return configured.encode("utf-8")
    with store.transaction():
        store.conn.execute(
            "INSERT OR IGNORE INTO kv (key, value) VALUES (?, ?)",
            [KV_KEY, secrets.token_bytes(32).hex()],
        )
        row = store.conn.execute("SELECT value FROM kv WHERE key = ?", [KV_KEY]).fetchone()
    return bytes.fromhex(row[0])
