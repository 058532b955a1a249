"""The fake Slack Web API, driven by the real slack_sdk clients the bot uses."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from fakeslack import BUILTIN_METHODS, SPEC_FILE, FakeSlack, load_methods
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=f"{fake.url}/api/")


async def refusal(call: Any) -> dict[str, Any]:
    """The error answer of an awaited client call that must fail, with its HTTP status."""
    with pytest.raises(SlackApiError) as caught:
        await call
    return {"status": caught.value.response.status_code, **caught.value.response.data}


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def button(action_id: str, text: str = "Go") -> dict[str, Any]:
    return {"type": "button", "text": plain(text), "action_id": action_id}


def options(n: int, width: int = 5) -> list[dict[str, Any]]:
    return [{"text": plain(f"{i:0{width}d}"), "value": str(i)} for i in range(n)]


def modal(blocks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": plain("Declare"), "blocks": blocks, **extra}


# ------------------------------------------------------------------------------- methods, args


@pytest.mark.asyncio
async def test_an_unknown_method_is_refused_with_404(fake: FakeSlack, client: AsyncWebClient):
    answer = await refusal(client.api_call("chat.postMessageTypo", json={"channel": "C1"}))
    assert (answer["status"], answer["error"]) == (404, "unknown_method")
    assert fake.calls_to("chat.postMessageTypo")[0].args == {"channel": "C1"}


@pytest.mark.asyncio
async def test_a_client_aimed_outside_api_is_told_why(fake: FakeSlack):
    client = AsyncWebClient(token="xoxb-test", base_url=f"{fake.url}/")
    answer = await refusal(client.auth_test())
    assert answer["status"] == 404
    assert "trailing slash" in answer["detail"]


@pytest.mark.asyncio
async def test_a_missing_channel_gets_slacks_own_error(client: AsyncWebClient):
    answer = await refusal(client.api_call("chat.postMessage", json={"text": "hello"}))
    assert answer["error"] == "channel_not_found"


@pytest.mark.asyncio
async def test_a_missing_argument_without_a_slack_error_is_named(client: AsyncWebClient):
    answer = await refusal(client.api_call("views.open", json={"view": modal([])}))
    assert answer["error"] == "invalid_arguments"
    assert answer["response_metadata"]["messages"] == ["[ERROR] missing required field: trigger_id"]


@pytest.mark.asyncio
async def test_the_token_may_come_as_a_form_field(fake: FakeSlack):
    client = AsyncWebClient(base_url=f"{fake.url}/api/")
    assert (await client.api_call("auth.test", data={"token": "xoxb-form"}))["user_id"] == "UBOT"
    answer = await refusal(client.api_call("auth.test"))
    assert answer["error"] == "not_authed"
    assert [c.token for c in fake.calls] == ["xoxb-form", None]


@pytest.mark.asyncio
async def test_auth_test_names_the_bot(client: AsyncWebClient):
    answer = await client.auth_test()
    assert (answer["user_id"], answer["bot_id"], answer["team_id"]) == ("UBOT", "BBOT", "T1")
    assert answer["url"].startswith("https://")


def test_the_spec_is_read_from_the_copy_in_tests():
    assert SPEC_FILE.is_file()
    assert FakeSlack().spec_source == str(SPEC_FILE)


def test_the_builtin_table_agrees_with_the_spec():
    spec, _ = load_methods(SPEC_FILE)
    for method, (required, errors) in BUILTIN_METHODS.items():
        assert spec[method].required == required, method
        assert set(errors) <= spec[method].errors, method
    assert FakeSlack(spec="builtin").spec_source == "builtin"


@pytest.mark.asyncio
async def test_the_builtin_table_still_refuses_unknown_methods_and_missing_args():
    async with FakeSlack(spec="builtin") as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=f"{fake.url}/api/")
        assert (await refusal(client.api_call("admin.apps.approve")))["status"] == 404
        answer = await refusal(client.api_call("chat.update", json={"channel": "C1"}))
        assert answer["error"] == "message_not_found"


# ------------------------------------------------------------------------------- Block Kit

Make = Callable[[int], list[dict[str, Any]]]
MESSAGE_LIMITS: list[tuple[str, int, Make, str]] = [
    ("blocks in a message", 50, lambda n: [{"type": "divider"}] * n, "/blocks"),
    (
        "section text",
        3000,
        lambda n: [{"type": "section", "text": mrkdwn("x" * n)}],
        "/blocks/0/text/text",
    ),
    (
        "header text",
        150,
        lambda n: [{"type": "header", "text": plain("x" * n)}],
        "/blocks/0/text/text",
    ),
    (
        "a field",
        2000,
        lambda n: [{"type": "section", "fields": [mrkdwn("x" * n)]}],
        "/blocks/0/fields/0/text",
    ),
    (
        "fields",
        10,
        lambda n: [{"type": "section", "fields": [mrkdwn("x")] * n}],
        "/blocks/0/fields",
    ),
    (
        "button text",
        75,
        lambda n: [{"type": "actions", "elements": [button("go", "x" * n)]}],
        "/blocks/0/elements/0/text/text",
    ),
    (
        "action_id",
        255,
        lambda n: [{"type": "actions", "elements": [button("a" * n)]}],
        "/blocks/0/elements/0/action_id",
    ),
    ("block_id", 255, lambda n: [{"type": "divider", "block_id": "b" * n}], "/blocks/0/block_id"),
    (
        "select options",
        100,
        lambda n: [
            {
                "type": "section",
                "text": mrkdwn("Playbook"),
                "accessory": {"type": "static_select", "action_id": "pick", "options": options(n)},
            }
        ],
        "/blocks/0/accessory/options",
    ),
    (
        "option text",
        75,
        lambda n: [
            {
                "type": "actions",
                "elements": [
                    {"type": "static_select", "action_id": "pick", "options": options(1, n)}
                ],
            }
        ],
        "/blocks/0/elements/0/options/0/text/text",
    ),
    (
        "context elements",
        10,
        lambda n: [{"type": "context", "elements": [mrkdwn("x")] * n}],
        "/blocks/0/elements",
    ),
    (
        "actions elements",
        25,
        lambda n: [{"type": "actions", "elements": [button(f"b{i}") for i in range(n)]}],
        "/blocks/0/elements",
    ),
    (
        "input label",
        2000,
        lambda n: [
            {
                "type": "input",
                "label": plain("x" * n),
                "element": {"type": "plain_text_input", "action_id": "title"},
            }
        ],
        "/blocks/0/label/text",
    ),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("limit", "make", "pointer"),
    [case[1:] for case in MESSAGE_LIMITS],
    ids=[case[0] for case in MESSAGE_LIMITS],
)
async def test_a_message_at_a_limit_passes_and_one_over_is_refused(
    fake: FakeSlack, client: AsyncWebClient, limit: int, make: Make, pointer: str
):
    await client.chat_postMessage(channel="C1", text="fallback", blocks=make(limit))
    answer = await refusal(client.chat_postMessage(channel="C1", text="x", blocks=make(limit + 1)))
    assert answer["error"] == "invalid_blocks"
    assert any(f"[json-pointer:{pointer}]" in m for m in answer["response_metadata"]["messages"])
    assert len(fake.messages["C1"]) == 1


BROKEN_BLOCKS: list[tuple[str, list[dict[str, Any]], str]] = [
    ("unknown block type", [{"type": "sectoin", "text": mrkdwn("x")}], "/blocks/0/type"),
    (
        "button without action_id",
        [{"type": "actions", "elements": [{"type": "button", "text": plain("Go")}]}],
        "/blocks/0/elements/0/action_id",
    ),
    (
        "duplicate action_id in a block",
        [{"type": "actions", "elements": [button("done"), button("done")]}],
        "/blocks/0/elements/1/action_id",
    ),
    ("empty section", [{"type": "section"}], "/blocks/0"),
    ("mrkdwn header", [{"type": "header", "text": mrkdwn("x")}], "/blocks/0/text/type"),
    (
        "initial option not among the options",
        [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "static_select",
                        "action_id": "pick",
                        "options": options(2),
                        "initial_option": options(3)[2],
                    }
                ],
            }
        ],
        "/blocks/0/elements/0/initial_option",
    ),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [case[1:] for case in BROKEN_BLOCKS],
    ids=[case[0] for case in BROKEN_BLOCKS],
)
async def test_broken_blocks_are_refused_where_they_break(
    client: AsyncWebClient, blocks: list[dict[str, Any]], pointer: str
):
    answer = await refusal(client.chat_postMessage(channel="C1", text="x", blocks=blocks))
    assert answer["error"] == "invalid_blocks"
    assert any(f"[json-pointer:{pointer}]" in m for m in answer["errors"])


@pytest.mark.asyncio
async def test_blocks_sent_as_a_json_string_in_a_form_are_decoded_and_checked(
    fake: FakeSlack, client: AsyncWebClient
):
    blocks = [{"type": "section", "text": mrkdwn("*INC-7*")}]
    data = {"channel": "C1", "text": "INC-7", "blocks": json.dumps(blocks)}
    await client.api_call("chat.postMessage", data=data)
    assert fake.messages["C1"][0]["blocks"] == blocks
    too_many = {"channel": "C1", "blocks": json.dumps([{"type": "divider"}] * 51)}
    answer = await refusal(client.api_call("chat.postMessage", data=too_many))
    assert answer["error"] == "invalid_blocks"


@pytest.mark.asyncio
async def test_message_text_over_40000_characters_is_too_long(client: AsyncWebClient):
    await client.chat_postMessage(channel="C1", text="x" * 40_000)
    answer = await refusal(client.chat_postMessage(channel="C1", text="x" * 40_001))
    assert answer["error"] == "msg_too_long"


ViewMake = Callable[[int], dict[str, Any]]
VIEW_LIMITS: list[tuple[str, int, ViewMake, str]] = [
    ("blocks in a modal", 100, lambda n: modal([{"type": "divider"}] * n), "/view/blocks"),
    ("modal title", 24, lambda n: modal([], title=plain("x" * n)), "/view/title/text"),
    ("submit", 24, lambda n: modal([], submit=plain("x" * n)), "/view/submit/text"),
    ("close", 24, lambda n: modal([], close=plain("x" * n)), "/view/close/text"),
    (
        "initial_value",
        3000,
        lambda n: modal(
            [
                {
                    "type": "input",
                    "label": plain("Title"),
                    "element": {
                        "type": "plain_text_input",
                        "action_id": "title",
                        "initial_value": "x" * n,
                    },
                }
            ],
            submit=plain("Declare"),
        ),
        "/view/blocks/0/element/initial_value",
    ),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("limit", "make", "pointer"),
    [case[1:] for case in VIEW_LIMITS],
    ids=[case[0] for case in VIEW_LIMITS],
)
async def test_a_modal_at_a_limit_opens_and_one_over_is_refused(
    fake: FakeSlack, client: AsyncWebClient, limit: int, make: ViewMake, pointer: str
):
    await client.views_open(trigger_id="t1", view=make(limit))
    answer = await refusal(client.views_open(trigger_id="t2", view=make(limit + 1)))
    assert answer["error"] == "invalid_arguments"
    assert any(f"[json-pointer:{pointer}]" in m for m in answer["response_metadata"]["messages"])
    assert len(fake.views) == 1


@pytest.mark.asyncio
async def test_a_modal_with_inputs_needs_a_submit_button(client: AsyncWebClient):
    element = {"type": "plain_text_input", "action_id": "title"}
    field = {"type": "input", "label": plain("Title"), "element": element}
    answer = await refusal(client.views_open(trigger_id="t1", view=modal([field])))
    assert (
        "[ERROR] must provide a submit button with input blocks [json-pointer:/view/submit]"
        in (answer["response_metadata"]["messages"])
    )


@pytest.mark.asyncio
async def test_the_home_tab_takes_100_blocks_not_101(fake: FakeSlack, client: AsyncWebClient):
    home = {"type": "home", "blocks": [{"type": "divider"}] * 100}
    await client.views_publish(user_id="U1", view=home)
    assert len(fake.home["U1"]["blocks"]) == 100
    home["blocks"] = [{"type": "divider"}] * 101
    answer = await refusal(client.views_publish(user_id="U1", view=home))
    assert answer["error"] == "invalid_arguments"
    assert len(fake.home["U1"]["blocks"]) == 100


# ------------------------------------------------------------------------------- state


@pytest.mark.asyncio
async def test_channel_names_follow_slacks_rules(fake: FakeSlack, client: AsyncWebClient):
    created = await client.conversations_create(name="inc-7_leak", is_private=True)
    cid = created["channel"]["id"]
    assert cid.startswith("C")
    assert fake.channels[cid]["is_private"] is True
    assert fake.channels[cid]["members"] == ["UBOT"]
    assert (await refusal(client.conversations_create(name="inc-7_leak")))["error"] == "name_taken"
    for name, error in [
        ("INC-8", "invalid_name_specials"),
        ("inc 8", "invalid_name_specials"),
        ("i" * 81, "invalid_name_maxlength"),
        ("--", "invalid_name_punctuation"),
        ("", "invalid_name_required"),
    ]:
        assert (await refusal(client.conversations_create(name=name)))["error"] == error, name
    assert len(fake.channels) == 1


@pytest.mark.asyncio
async def test_a_channel_is_invited_to_and_described(fake: FakeSlack, client: AsyncWebClient):
    cid = (await client.conversations_create(name="inc-9"))["channel"]["id"]
    await client.conversations_invite(channel=cid, users=["U1", "U2"])
    assert (await refusal(client.conversations_invite(channel=cid, users="U1")))["error"] == (
        "already_in_channel"
    )
    await client.conversations_setTopic(channel=cid, topic="INC-9 · high · CNIL due 14:00")
    info = await client.conversations_info(channel=cid)
    assert info["channel"]["topic"]["value"] == "INC-9 · high · CNIL due 14:00"
    assert (await client.conversations_members(channel=cid))["members"] == ["UBOT", "U1", "U2"]
    assert (await refusal(client.conversations_info(channel="#nowhere")))["error"] == (
        "channel_not_found"
    )


@pytest.mark.asyncio
async def test_strict_channels_refuse_channels_nobody_created():
    async with FakeSlack(strict_channels=True) as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=f"{fake.url}/api/")
        answer = await refusal(client.chat_postMessage(channel="C404", text="hello"))
        assert answer["error"] == "channel_not_found"
        cid = fake.add_channel("general")
        await client.chat_postMessage(channel="#general", text="hello")
        assert fake.messages[cid][0]["text"] == "hello"


@pytest.mark.asyncio
async def test_chat_update_edits_the_stored_message(fake: FakeSlack, client: AsyncWebClient):
    posted = await client.chat_postMessage(channel="C1", text="Step 3 open")
    reply = await client.chat_postMessage(channel="C1", text="noted", thread_ts=posted["ts"])
    await client.chat_update(channel="C1", ts=posted["ts"], text="Step 3 done")
    first, second = fake.messages["C1"]
    assert (first["text"], second["thread_ts"]) == ("Step 3 done", posted["ts"])
    assert "edited" in first
    history = await client.conversations_history(channel="C1")
    assert [m["text"] for m in history["messages"]] == ["Step 3 done"]
    replies = await client.conversations_replies(channel="C1", ts=posted["ts"])
    assert [m["ts"] for m in replies["messages"]] == [posted["ts"], reply["ts"]]
    answer = await refusal(client.chat_update(channel="C1", ts="1.000001", text="lost"))
    assert answer["error"] == "message_not_found"


@pytest.mark.asyncio
async def test_messages_can_be_pinned_reacted_to_and_linked(
    fake: FakeSlack, client: AsyncWebClient
):
    ts = (await client.chat_postMessage(channel="C1", text="card"))["ts"]
    await client.pins_add(channel="C1", timestamp=ts)
    await client.reactions_add(channel="C1", timestamp=ts, name="white_check_mark")
    assert fake.channels["C1"]["pins"] == [ts]
    assert fake.messages["C1"][0]["reactions"][0]["name"] == "white_check_mark"
    assert (await refusal(client.pins_add(channel="C1", timestamp=ts)))["error"] == "already_pinned"
    link = (await client.chat_getPermalink(channel="C1", message_ts=ts))["permalink"]
    assert link.endswith(f"/archives/C1/p{ts.replace('.', '')}")


@pytest.mark.asyncio
async def test_ephemerals_are_kept_apart_from_messages(fake: FakeSlack, client: AsyncWebClient):
    await client.chat_postEphemeral(channel="C1", user="U1", text="Unknown step `zz`.")
    assert fake.ephemerals[0]["user"] == "U1"
    assert fake.ephemerals[0]["text"] == "Unknown step `zz`."
    assert fake.messages["C1"] == []


@pytest.mark.asyncio
async def test_views_open_update_and_refuse_stale_hashes(fake: FakeSlack, client: AsyncWebClient):
    opened = await client.views_open(trigger_id="t1", view=modal([], callback_id="declare"))
    view = opened["view"]
    assert view["id"].startswith("V")
    updated = await client.views_update(
        view_id=view["id"], hash=view["hash"], view=modal([{"type": "divider"}])
    )
    assert fake.views[view["id"]]["blocks"] == [{"type": "divider"}]
    stale = client.views_update(view_id=view["id"], hash=view["hash"], view=modal([]))
    assert (await refusal(stale))["error"] == "hash_conflict"
    assert updated["view"]["hash"] != view["hash"]
    fake.expired_triggers.add("t-old")
    answer = await refusal(client.views_open(trigger_id="t-old", view=modal([])))
    assert answer["error"] == "expired_trigger_id"


@pytest.mark.asyncio
async def test_users_come_from_the_configured_table(fake: FakeSlack, client: AsyncWebClient):
    fake.users["U1"] = {
        "name": "alice",
        "tz": "Europe/Paris",
        "locale": "fr-FR",
        "real_name": "Alice",
    }
    user = (await client.users_info(user="U1", include_locale=True))["user"]
    assert (user["name"], user["tz"], user["locale"], user["real_name"]) == (
        "alice",
        "Europe/Paris",
        "fr-FR",
        "Alice",
    )
    assert user["tz_offset"] in (3600, 7200)
    assert "locale" not in (await client.users_info(user="U1"))["user"]
    assert (await refusal(client.users_info(user="U2")))["error"] == "user_not_found"


@pytest.mark.asyncio
async def test_files_upload_v2_round_trips_the_content(fake: FakeSlack, client: AsyncWebClient):
    content = "Notification à la CNIL\n".encode() + bytes(range(256))
    answer = await client.files_upload_v2(
        channel="C1",
        content=content,
        filename="inc-7-cnil.docx",
        title="INC-7 CNIL draft v2",
        initial_comment="Draft v2 for review",
    )
    stored = fake.files[answer["file"]["id"]]
    assert stored["content"] == content
    assert (stored["title"], stored["filename"]) == ("INC-7 CNIL draft v2", "inc-7-cnil.docx")
    assert (stored["channel_id"], stored["initial_comment"]) == ("C1", "Draft v2 for review")
    assert fake.messages["C1"][0]["files"][0]["id"] == answer["file"]["id"]
    assert [c.method for c in fake.calls] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


@pytest.mark.asyncio
async def test_completing_an_upload_that_never_happened_fails(client: AsyncWebClient):
    files: list[dict[str, str | None]] = [{"id": "F404", "title": "ghost"}]
    answer = await refusal(client.files_completeUploadExternal(files=files, channel_id="C1"))
    assert answer["error"] == "file_not_found"


@pytest.mark.asyncio
async def test_response_url_posts_are_recorded_and_checked(fake: FakeSlack):
    webhook = AsyncWebhookClient(url=fake.response_url("r1"))
    sent = await webhook.send(text="Step done", response_type="ephemeral")
    assert sent.status_code == 200
    assert fake.responses["r1"] == [{"text": "Step done", "response_type": "ephemeral"}]
    refused = await webhook.send(text="x", blocks=[{"type": "divider"}] * 51)
    assert refused.status_code == 400
    assert json.loads(refused.body)["error"] == "invalid_blocks"
    assert len(fake.responses["r1"]) == 1


# ------------------------------------------------------------------------------- failures


@pytest.mark.asyncio
async def test_a_429_reaches_the_client_with_retry_after(fake: FakeSlack, client: AsyncWebClient):
    fake.rate_limit_next("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel="C1", text="hello")
    response = caught.value.response
    assert (response.status_code, response["error"]) == (429, "ratelimited")
    assert response.headers["Retry-After"] == "7"
    assert len(fake.calls_to("chat.postMessage")) == 1  # the default client does not retry
    await client.chat_postMessage(channel="C1", text="hello")
    assert [m["text"] for m in fake.messages["C1"]] == ["hello"]


@pytest.mark.asyncio
async def test_fail_next_fails_that_method_only_count_times(
    fake: FakeSlack, client: AsyncWebClient
):
    fake.fail_next("conversations.create", error="restricted_action", status=200, count=2)
    await client.auth_test()
    for _ in range(2):
        answer = await refusal(client.conversations_create(name="inc-1"))
        assert (answer["status"], answer["error"]) == (200, "restricted_action")
    await client.conversations_create(name="inc-1")
    fake.fail_next("auth.test")
    assert (await refusal(client.auth_test()))["status"] == 500
    with pytest.raises(ValueError, match="chat.postMesage"):
        fake.fail_next("chat.postMesage")


@pytest.mark.asyncio
async def test_a_timeout_is_held_then_answered_without_doing_the_call(
    fake: FakeSlack, client: AsyncWebClient
):
    fake.set_failure_rate(1.0, seed=1, kinds=("timeout",))
    answer = await refusal(client.chat_postMessage(channel="C1", text="late"))
    assert (answer["status"], answer["error"]) == (504, "request_timeout")
    assert fake.messages.get("C1", []) == []
    fake.set_failure_rate(0)
    await client.chat_postMessage(channel="C1", text="late")
    assert [m["text"] for m in fake.messages["C1"]] == ["late"]


async def outcomes(seed: int, rate: float = 0.3) -> list[int]:
    async with FakeSlack(timeout_delay=0.001) as fake:
        fake.set_failure_rate(rate, seed=seed)
        client = AsyncWebClient(token="xoxb-test", base_url=f"{fake.url}/api/")
        statuses = []
        for _ in range(40):
            try:
                statuses.append((await client.auth_test()).status_code)
            except SlackApiError as e:
                statuses.append(e.response.status_code)
        return statuses


@pytest.mark.asyncio
async def test_the_failure_rate_is_deterministic_for_a_seed():
    first = await outcomes(seed=42)
    assert first == await outcomes(seed=42)
    assert first != await outcomes(seed=43)
    assert {200, 500, 429, 504} == set(first)
    assert 4 <= sum(s != 200 for s in first) <= 24
    assert set(await outcomes(seed=42, rate=0)) == {200}


@pytest.mark.asyncio
async def test_a_revoked_token_fails_every_call(fake: FakeSlack, client: AsyncWebClient):
    fake.revoke_token()
    assert (await refusal(client.auth_test()))["error"] == "invalid_auth"
    assert (await refusal(client.chat_postMessage(channel="C1", text="x")))["error"] == (
        "invalid_auth"
    )
    fake.restore_token()
    assert (await client.auth_test())["ok"] is True


def test_run_in_thread_serves_synchronous_callers():
    with FakeSlack.run_in_thread(timeout_delay=0.01) as fake:
        client = WebClient(token="xoxb-sync", base_url=f"{fake.url}/api/")
        client.chat_postMessage(channel="C1", text="from a subprocess's point of view")
        assert fake.messages["C1"][0]["text"] == "from a subprocess's point of view"
        assert fake.calls_to("chat.postMessage")[0].token == "xoxb-sync"
        url = fake.url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/api/auth.test", timeout=5)
