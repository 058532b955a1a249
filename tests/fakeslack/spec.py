"""The Web API's methods and their required arguments: Slack's OpenAPI spec, else a table.

Which methods exist, and which arguments they require, come from Slack's OpenAPI spec (October
2020), kept in ``tests/slack_spec/`` with its licence, or the file named by
``INCIDENTBOT_SLACK_SPEC``; with ``spec="builtin"``, the built-in table of the methods the bot uses
stands in. Methods newer than the spec (the external file upload) are allowed explicitly.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from aiohttp import web

SPEC_ENV = "INCIDENTBOT_SLACK_SPEC"
SPEC_FILE = Path(__file__).resolve().parents[1] / "slack_spec" / "slack_web_openapi_v2.json"

BOT_USER, BOT_ID, TEAM_ID = "UBOT", "BBOT", "T1"
TEAM_URL = "https://t1.slack.com/"

# Methods newer than the October 2020 spec: name -> required arguments.
NEWER_METHODS: dict[str, tuple[str, ...]] = {
    "files.getUploadURLExternal": ("filename", "length"),
    "files.completeUploadExternal": ("files",),
    "apps.connections.open": (),
}

# Used when the spec file is missing: name -> (required arguments, errors the spec lists that a
# missing argument maps to). Same content as the spec for these methods (a test checks it).
BUILTIN_METHODS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "auth.test": ((), ()),
    "chat.delete": ((), ("channel_not_found", "message_not_found")),
    "chat.getPermalink": (("channel", "message_ts"), ("channel_not_found", "message_not_found")),
    "chat.postEphemeral": (("channel", "user"), ("channel_not_found",)),
    "chat.postMessage": (("channel",), ("channel_not_found",)),
    "chat.update": (("channel", "ts"), ("channel_not_found", "message_not_found")),
    "conversations.archive": ((), ("channel_not_found",)),
    "conversations.create": ((), ()),
    "conversations.history": ((), ("channel_not_found",)),
    "conversations.info": ((), ("channel_not_found",)),
    "conversations.invite": ((), ("channel_not_found", "user_not_found", "no_user")),
    "conversations.join": ((), ("channel_not_found",)),
    "conversations.list": ((), ()),
    "conversations.members": ((), ("channel_not_found",)),
    "conversations.replies": ((), ("channel_not_found", "thread_not_found")),
    "conversations.setTopic": ((), ("channel_not_found",)),
    "files.info": ((), ()),
    "pins.add": (("channel",), ("channel_not_found", "message_not_found", "no_item_specified")),
    "reactions.add": (
        ("channel", "name", "timestamp"),
        ("message_not_found", "no_item_specified", "invalid_name"),
    ),
    "users.info": ((), ("user_not_found",)),
    "views.open": (("trigger_id", "view"), ()),
    "views.publish": (("user_id", "view"), ()),
    "views.push": (("trigger_id", "view"), ()),
    "views.update": ((), ()),
}


@dataclass(frozen=True)
class MethodSpec:
    required: tuple[str, ...]
    errors: frozenset[str]


@functools.cache
def _read_spec(path: str) -> dict[str, MethodSpec]:
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    methods = {}
    for route, verbs in spec["paths"].items():
        params = [p for op in verbs.values() for p in op.get("parameters", [])]
        errors = {
            e
            for op in verbs.values()
            for e in op["responses"]
            .get("default", {})
            .get("schema", {})
            .get("properties", {})
            .get("error", {})
            .get("enum", [])
        }
        required = tuple(p["name"] for p in params if p.get("required") and p["name"] != "token")
        methods[route.lstrip("/")] = MethodSpec(required, frozenset(errors))
    return methods


def load_methods(spec: Literal["auto", "builtin"] | Path) -> tuple[dict[str, MethodSpec], str]:
    """The known methods and where they came from (a file path, or ``"builtin"``)."""
    path: Path | None = None
    if isinstance(spec, Path):
        path = spec
    elif spec == "auto":
        env = os.environ.get(SPEC_ENV)
        if SPEC_FILE.is_file():
            path = SPEC_FILE
        elif env and Path(env).is_file():
            path = Path(env)
    if path is not None:
        methods, source = dict(_read_spec(str(path))), str(path)
    else:
        methods = {
            name: MethodSpec(required, frozenset(errors))
            for name, (required, errors) in BUILTIN_METHODS.items()
        }
        source = "builtin"
    for name, required in NEWER_METHODS.items():
        methods[name] = MethodSpec(required, frozenset())
    return methods, source


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    at: float


class SlackError(Exception):
    """A Slack error answer: ``{"ok": false, "error": error}`` plus the explaining messages."""

    def __init__(self, error: str, messages: tuple[str, ...] = (), status: int = 200) -> None:
        super().__init__(error)
        self.error, self.messages, self.status = error, messages, status

    def response(self) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages:
            body["errors"] = list(self.messages)
            body["response_metadata"] = {"messages": [f"[ERROR] {m}" for m in self.messages]}
        return web.json_response(body, status=self.status)
