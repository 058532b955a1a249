#!/usr/bin/env python3
"""Check an incidentbot JSON export with nothing but Python's standard library.

    python3 verify_export.py EXPORT.json [--against EARLIER.json ...]

For an auditor who has an export and not the bot: it recomputes every event's hash in the
canonical form the event declares (docs/evidence.md, "The chain, byte for byte"), checks that
each event chains the previous hash, that the numbering has no gap, that the head matches,
that every draft's SHA-256 is the one its ``draft_created`` event recorded, that every
published head is an event of the chain, and (``--against``) that the export extends each
earlier export. Exit 0 with one line "OK: ...", or exit 1 with one line naming the first problem.

Form 2 is RFC 8785 (JSON Canonicalization Scheme), implemented below for the JSON values an
export holds (null, booleans, integers within +/-(2**53 - 1), finite floats, strings, arrays,
objects): numbers as ECMAScript's Number.prototype.toString writes them (5.0 -> 5,
1e21 -> 1e+21, 0.000001 -> 0.000001, 1e-7 -> 1e-7), strings with only the mandatory escapes,
object keys sorted by their UTF-16 code units. Timestamp tokens are RFC 3161 DER; check them
with ``openssl ts -verify`` (docs/evidence.md).
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
CHAINED_FIELDS = ("incident", "seq", "at", "actor", "kind", "phase", "text", "data", "link")
SAFE_INTEGER = 2**53 - 1
ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


class Problem(Exception):
    """The first thing that does not verify, as a sentence."""


# -- RFC 8785 ----------------------------------------------------------------------------------


def es_number(value: float | int) -> str:
    """A number as ECMAScript's Number::toString writes it (RFC 8785, section 3.2.2.3)."""
    if isinstance(value, int):
        if abs(value) > SAFE_INTEGER:
            raise Problem(f"the integer {value} is outside I-JSON's range")
        return str(value)
    if not math.isfinite(value):
        raise Problem(f"{value} is not a JSON number")
    if value == 0:
        return "0"  # also -0
    sign = "-" if value < 0 else ""
    # repr() is the shortest decimal that reads back as the same double, as ECMAScript asks
    _, digits, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    s = "".join(str(d) for d in digits)
    k = len(s)
    n = int(exponent) + k  # value = 0.s x 10^n
    if k <= n <= 21:
        text = s + "0" * (n - k)
    elif 0 < n <= 21:
        text = s[:n] + "." + s[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + s
    else:
        e = n - 1
        mantissa = s if k == 1 else s[0] + "." + s[1:]
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


def es_string(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch in ESCAPES:
            out.append(ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def jcs(value: Any) -> str:
    """RFC 8785 canonical JSON text of ``value``."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return es_number(value)
    if isinstance(value, str):
        return es_string(value)
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(es_string(k) + ":" + jcs(value[k]) for k in keys) + "}"
    raise Problem(f"{type(value).__name__} is not a JSON value")


# -- the chain ---------------------------------------------------------------------------------


def canonical(event: dict[str, Any], prev_hash: str) -> bytes:
    body = {name: event.get(name) for name in CHAINED_FIELDS}
    body["data"] = event.get("data") or {}
    form = int(event.get("form") or 1)
    if form == 1:
        legacy = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return (prev_hash + legacy).encode("utf-8")
    if form != 2:
        raise Problem(f"event #{event.get('seq')} uses an unknown chain form {form}")
    body["prev_hash"] = prev_hash
    body["v"] = 2
    return jcs(body).encode("utf-8")


def load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        data["incident"]["ref"], data["timeline"], data["chain"]["head"]  # noqa: B018
    except OSError as exc:
        raise Problem(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise Problem(f"{path}: is not a JSON export of incidentbot ({exc})") from exc
    return data


def check_chain(data: dict[str, Any]) -> str:
    """Walk the export's chain; its head hash."""
    ref = data["incident"]["ref"]
    prev, form = GENESIS, 1
    for expected, event in enumerate(data["timeline"], start=1):
        event = {"incident": ref, **event}
        seq = event["seq"]
        if seq != expected:
            raise Problem(f"{ref}: event #{expected} is missing (deleted)")
        if event["prev_hash"] != prev:
            raise Problem(f"{ref}: event #{seq} does not follow event #{expected - 1}")
        if int(event.get("form") or 1) < form:
            raise Problem(f"{ref}: event #{seq} was altered (written in an older chain form)")
        form = int(event.get("form") or 1)
        if hashlib.sha256(canonical(event, prev)).hexdigest() != event["hash"]:
            raise Problem(f"{ref}: event #{seq} was altered (its hash does not match its content)")
        prev = event["hash"]
    head = data["chain"]["head"] or ""
    if data["timeline"] and prev != head:
        raise Problem(f"{ref}: the export's head {head[:12]}... is not its last event's hash")
    if data["chain"].get("events", len(data["timeline"])) != len(data["timeline"]):
        raise Problem(f"{ref}: the export says {data['chain']['events']} events but holds fewer")
    return prev


def check_tables(data: dict[str, Any]) -> None:
    """Drafts and published heads against the events that recorded them."""
    ref = data["incident"]["ref"]
    events = data["timeline"]
    created = {}
    for e in events:
        if e["kind"] == "draft_created":
            d = e["data"]
            key = (d.get("kind"), d.get("jurisdiction"), d.get("language"), d.get("variant"))
            created[(*key, d.get("version"))] = e
    for draft in data.get("drafts", []):
        key = (draft["kind"], draft["jurisdiction"], draft["language"], draft.get("variant"))
        event = created.get((*key, draft["version"]))
        name = "-".join(str(p) for p in (*key, draft["version"]) if p is not None)
        if event is None:
            raise Problem(f"{ref}: draft {name}: no draft_created event records it")
        if event["data"].get("sha256") != draft["hash"]:
            raise Problem(f"{ref}: draft {name}: its SHA-256 differs from event #{event['seq']}'s")
        if "body" in draft:
            body_hash = hashlib.sha256(draft["body"].encode("utf-8")).hexdigest()
            if body_hash != draft["hash"]:
                raise Problem(f"{ref}: draft {name}: its text does not match its SHA-256")
    by_seq = {e["seq"]: e["hash"] for e in events}
    for anchor in data.get("anchors", []):
        if by_seq.get(anchor["seq"]) != anchor["hash"]:
            raise Problem(
                f"{ref}: the head published for event #{anchor['seq']} is not that event's hash"
            )


def check_against(data: dict[str, Any], earlier: dict[str, Any], name: str) -> None:
    ref = data["incident"]["ref"]
    if earlier["incident"]["ref"] != ref:
        raise Problem(f"{name} is an export of {earlier['incident']['ref']}, not of {ref}")
    check_chain(earlier)
    here = {e["seq"]: e["hash"] for e in data["timeline"]}
    for event in earlier["timeline"]:
        if here.get(event["seq"]) != event["hash"]:
            raise Problem(
                f"{ref}: event #{event['seq']} differs from {name}: this export does not "
                "extend that one"
            )


def main(argv: list[str]) -> int:
    args = list(argv)
    earlier: list[str] = []
    while "--against" in args:
        i = args.index("--against")
        if i + 1 >= len(args):
            print("--against needs the path of an earlier export", file=sys.stderr)
            return 2
        earlier.append(args.pop(i + 1))
        args.pop(i)
    if len(args) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        data = load(Path(args[0]))
        head = check_chain(data)
        check_tables(data)
        for path in earlier:
            check_against(data, load(Path(path)), Path(path).name)
    except Problem as exc:
        print(str(exc), file=sys.stderr)
        return 1
    tokens = sum(1 for a in data.get("anchors", []) if a.get("rfc3161"))
    extra = f", extends {len(earlier)} earlier export(s)" if earlier else ""
    stamped = f", {tokens} timestamp token(s) to check with openssl ts -verify" if tokens else ""
    print(
        f"OK: {data['incident']['ref']}, {len(data['timeline'])} events, head {head}"
        f"{extra}{stamped}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
