"""A fake Slack Web API server for the tests and the benchmarks.

The real ``AsyncWebClient(token=..., base_url=f"{fake.url}/api/")`` talks to it over HTTP on
127.0.0.1 (mind the trailing slash: without it ``urljoin`` drops ``api``). It records every call,
keeps just enough workspace state for the bot (channels, messages, views, files), checks Block
Kit payloads against Slack's documented limits, and fails on demand with Slack's own error shapes:
``{"ok": false, "error": ...}``, HTTP 429 with ``Retry-After``, 500s and held responses.

Which methods exist, and which arguments they require, come from Slack's OpenAPI spec (October
2020), kept in ``tests/slack_spec/`` with its licence, or the file named by
``INCIDENTBOT_SLACK_SPEC``; with ``spec="builtin"``, a built-in table of the methods the bot uses stands
in. ``FakeSlack.spec_source`` says which. Methods newer than the spec (the external file upload)
are allowed explicitly.

Where the fake is stricter than Slack, it says so: every interactive element must carry an
``action_id`` (Slack would invent one; the bot's listeners route on it).

Use it from async code (``async with FakeSlack() as fake``) or, for a bot running as a
subprocess, from sync code (``with FakeSlack.run_in_thread() as fake``).
"""

from fakeslack.blockkit import message_errors, view_errors
from fakeslack.server import FakeSlack
from fakeslack.spec import (
    BOT_ID,
    BOT_USER,
    BUILTIN_METHODS,
    NEWER_METHODS,
    SPEC_ENV,
    SPEC_FILE,
    TEAM_ID,
    TEAM_URL,
    Call,
    SlackError,
    load_methods,
)

__all__ = [
    "BOT_ID", "BOT_USER", "BUILTIN_METHODS", "NEWER_METHODS", "SPEC_FILE", "SPEC_ENV", "TEAM_ID",
    "TEAM_URL", "Call", "FakeSlack", "SlackError", "load_methods", "message_errors", "view_errors",
]  # fmt: skip
