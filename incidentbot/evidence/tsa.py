"""RFC 3161 timestamp tokens: a timestamp authority signs "this hash existed at this time".

The message stamped for a chain head is the head's 64 hexadecimal characters in ASCII (so
``printf %s HEAD > head.txt; openssl ts -verify -in token.tsr -data head.txt -CAfile ca.pem``
checks it by hand); the token kept is the authority's whole DER ``TimeStampResp``.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from incidentbot.errors import IncidentbotError
from incidentbot.i18n import Message

CONTENT_TYPE = "application/timestamp-query"


class TimestampError(IncidentbotError):
    """The authority could not be reached or answered something that is not a valid token."""


def stamp(url: str, message: bytes, *, timeout: float = 10.0) -> bytes:
    """Ask the authority at ``url`` for a token over ``message``; the DER response."""
    request = (
        TimestampRequestBuilder()
        .data(message)
        .hash_algorithm(HashAlgorithm.SHA256)
        .cert_request(cert_request=True)
        .build()
    )
    if not url.startswith(("http://", "https://")):
        raise TimestampError(f"timestamp_url: {url} is not an http(s) address.")
    http = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
        url, data=request.as_bytes(), headers={"Content-Type": CONTENT_TYPE}, method="POST"
    )
    try:
        with urllib.request.urlopen(http, timeout=timeout) as answer:  # noqa: S310 (configured)
            body = answer.read()
    except (urllib.error.URLError, OSError) as exc:
        raise TimestampError(f"timestamp_url: cannot reach {url} ({exc}).") from exc
    try:
        response = decode_timestamp_response(body)
    except ValueError as exc:
        raise TimestampError(f"timestamp_url: {url} did not answer a timestamp ({exc}).") from exc
    if PKIStatus(response.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise TimestampError(
            f"timestamp_url: {url} refused the request ({response.status_string})."
        )
    if response.tst_info.message_imprint.message != hashlib.sha256(message).digest():
        raise TimestampError(f"timestamp_url: {url} stamped something else than what was asked.")
    if response.tst_info.nonce != request.nonce:
        raise TimestampError(f"timestamp_url: {url} answered another request (nonce).")
    return body


def check(token: bytes, message: bytes, ca: Path | None) -> tuple[datetime | None, Message | None]:
    """(the time the authority vouches for, None) or (None, what is wrong with the token).

    Without ``ca`` only the token's content is checked (it stamps ``message``); with it the
    authority's signature and certificate chain are checked too.
    """
    try:
        response = decode_timestamp_response(token)
    except ValueError as exc:
        return None, Message("tsa.unreadable", error=str(exc))
    if response.tst_info.message_imprint.message != hashlib.sha256(message).digest():
        return None, Message("tsa.other_hash")
    if ca is not None:
        try:
            roots = x509.load_pem_x509_certificates(ca.read_bytes())
            builder = VerifierBuilder()
            for root in roots:
                builder = builder.add_root_certificate(root)
            builder.build().verify_message(response, message)
        except (VerificationError, ValueError, OSError) as exc:
            return None, Message("tsa.signature", ca=ca, error=str(exc))
    return response.tst_info.gen_time, None
