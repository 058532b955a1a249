"""Block Kit as Slack checks it: block and element types, lengths and counts, per surface.

Where the fake is stricter than Slack, it says so: every interactive element must carry an
``action_id`` (Slack would invent one; the bot's listeners route on it).
"""

from __future__ import annotations

from typing import Any

from fakeslack.spec import SlackError

# ---------------------------------------------------------------------------- Block Kit limits


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_BLOCK_TYPES = _names(
    "section header divider context actions input image rich_text file video markdown"
)
_INPUTS = _names(
    "plain_text_input number_input email_text_input url_text_input rich_text_input file_input"
    " datepicker timepicker datetimepicker checkboxes radio_buttons static_select"
    " multi_static_select external_select multi_external_select users_select multi_users_select"
    " conversations_select multi_conversations_select channels_select multi_channels_select"
)
_ACTIONS = (
    _INPUTS
    - {
        "plain_text_input",
        "number_input",
        "email_text_input",
        "url_text_input",
        "rich_text_input",
        "file_input",
    }
) | {"button", "overflow", "workflow_button"}
_INTERACTIVE = _INPUTS | _ACTIONS
_OPTION_LIMITS = {
    "static_select": 100,
    "multi_static_select": 100,
    "checkboxes": 10,
    "radio_buttons": 10,
    "overflow": 5,
}


class _Checker:
    """Collects Slack-style complaints, each ending with the JSON pointer of the bad value."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, ptr: str, message: str) -> None:
        self.errors.append(f"{message} [json-pointer:{ptr}]")

    def string(self, value: Any, ptr: str, limit: int, *, required: bool = False) -> None:
        if value is None:
            if required:
                self.fail(ptr, "must provide a string")
        elif not isinstance(value, str):
            self.fail(ptr, "must provide a string")
        elif len(value) > limit:
            self.fail(ptr, f"must be less than {limit + 1} characters")

    def text(
        self,
        obj: Any,
        ptr: str,
        limit: int,
        *,
        plain: bool = False,
        required: bool = True,
        minimum: int = 1,
    ) -> None:
        if obj is None:
            if required:
                self.fail(ptr, "must provide an object")
            return
        if not isinstance(obj, dict):
            self.fail(ptr, "must provide an object")
            return
        kinds = ("plain_text",) if plain else ("plain_text", "mrkdwn")
        if obj.get("type") not in kinds:
            self.fail(f"{ptr}/type", f"must be one of {', '.join(kinds)}")
        text = obj.get("text")
        if not isinstance(text, str):
            self.fail(f"{ptr}/text", "must provide a string")
        elif len(text) < minimum:
            self.fail(f"{ptr}/text", f"must be more than {minimum - 1} characters")
        elif len(text) > limit:
            self.fail(f"{ptr}/text", f"must be less than {limit + 1} characters")

    def items(self, value: Any, ptr: str, limit: int, *, minimum: int = 1) -> list[Any]:
        if not isinstance(value, list):
            self.fail(ptr, "must provide an array")
            return []
        if len(value) > limit:
            self.fail(ptr, f"no more than {limit} items allowed")
        elif len(value) < minimum:
            self.fail(ptr, f"must provide at least {minimum} items")
        return value

    def blocks(self, blocks: Any, ptr: str, limit: int) -> None:
        block_ids: set[str] = set()
        for i, block in enumerate(self.items(blocks, ptr, limit, minimum=0)):
            self.block(block, f"{ptr}/{i}", block_ids)

    def block(self, block: Any, ptr: str, block_ids: set[str]) -> None:
        if not isinstance(block, dict):
            self.fail(ptr, "must provide an object")
            return
        kind = block.get("type")
        if kind not in _BLOCK_TYPES:
            self.fail(f"{ptr}/type", f"unsupported block type: {kind}")
            return
        block_id = block.get("block_id")
        self.string(block_id, f"{ptr}/block_id", 255)
        if isinstance(block_id, str):
            if block_id in block_ids:
                self.fail(f"{ptr}/block_id", f"duplicate block_id: {block_id}")
            block_ids.add(block_id)
        if kind == "section":
            if "text" not in block and "fields" not in block:
                self.fail(ptr, "must provide at least one of [text, fields]")
            self.text(block.get("text"), f"{ptr}/text", 3000, required=False)
            if "fields" in block:
                for i, f in enumerate(self.items(block["fields"], f"{ptr}/fields", 10)):
                    self.text(f, f"{ptr}/fields/{i}", 2000)
            if "accessory" in block:
                self.elements([block["accessory"]], f"{ptr}/accessory", _INTERACTIVE | {"image"})
        elif kind == "header":
            self.text(block.get("text"), f"{ptr}/text", 150, plain=True)
        elif kind == "context":
            for i, el in enumerate(self.items(block.get("elements"), f"{ptr}/elements", 10)):
                if isinstance(el, dict) and el.get("type") == "image":
                    self.image(el, f"{ptr}/elements/{i}")
                else:
                    self.text(el, f"{ptr}/elements/{i}", 3000)
        elif kind == "actions":
            self.elements(block.get("elements"), f"{ptr}/elements", _ACTIONS, limit=25)
        elif kind == "input":
            self.text(block.get("label"), f"{ptr}/label", 2000, plain=True)
            self.text(block.get("hint"), f"{ptr}/hint", 2000, plain=True, required=False)
            if "element" not in block:
                self.fail(f"{ptr}/element", "must provide an object")
            else:
                self.elements([block["element"]], f"{ptr}/element", _INPUTS)
        elif kind == "image":
            self.image(block, ptr)
            self.text(block.get("title"), f"{ptr}/title", 2000, plain=True, required=False)
        elif kind == "rich_text":
            self.items(block.get("elements"), f"{ptr}/elements", 10_000, minimum=0)
        elif kind == "markdown":
            self.string(block.get("text"), f"{ptr}/text", 12_000, required=True)

    def image(self, el: dict[str, Any], ptr: str) -> None:
        if "slack_file" not in el:
            self.string(el.get("image_url"), f"{ptr}/image_url", 3000, required=True)
        self.string(el.get("alt_text"), f"{ptr}/alt_text", 2000, required=True)

    def elements(self, value: Any, ptr: str, allowed: frozenset[str], limit: int = 1) -> None:
        action_ids: set[str] = set()
        single = limit == 1
        for i, el in enumerate(self.items(value, ptr, limit)):
            at = ptr if single else f"{ptr}/{i}"
            if not isinstance(el, dict):
                self.fail(at, "must provide an object")
                continue
            kind = el.get("type")
            if kind not in allowed:
                self.fail(f"{at}/type", f"unsupported element type here: {kind}")
                continue
            if kind == "image":
                self.image(el, at)
                continue
            action_id = el.get("action_id")
            if action_id is None:
                self.fail(f"{at}/action_id", "must provide an action_id (the fake requires one)")
            self.string(action_id, f"{at}/action_id", 255)
            if isinstance(action_id, str):
                if action_id in action_ids:
                    self.fail(f"{at}/action_id", f"duplicate action_id: {action_id}")
                action_ids.add(action_id)
            self.element(el, at, kind)

    def element(self, el: dict[str, Any], ptr: str, kind: str) -> None:
        self.text(el.get("placeholder"), f"{ptr}/placeholder", 150, plain=True, required=False)
        if kind in ("button", "workflow_button"):
            self.text(el.get("text"), f"{ptr}/text", 75, plain=True)
            self.string(el.get("value"), f"{ptr}/value", 2000)
            self.string(el.get("url"), f"{ptr}/url", 3000)
            if el.get("style") not in (None, "primary", "danger"):
                self.fail(f"{ptr}/style", "must be one of primary, danger")
        elif kind == "plain_text_input":
            max_length = el.get("max_length", 3000)
            if not isinstance(max_length, int) or not 1 <= max_length <= 3000:
                self.fail(f"{ptr}/max_length", "must be a number from 1 to 3000")
                max_length = 3000
            self.string(el.get("initial_value"), f"{ptr}/initial_value", max_length)
        elif kind in _OPTION_LIMITS:
            self.options(el, ptr, kind)

    def options(self, el: dict[str, Any], ptr: str, kind: str) -> None:
        limit = _OPTION_LIMITS[kind]
        if "option_groups" in el and kind != "overflow":
            groups = self.items(el["option_groups"], f"{ptr}/option_groups", 100)
            options = []
            for g, group in enumerate(groups):
                at = f"{ptr}/option_groups/{g}"
                self.text(
                    group.get("label") if isinstance(group, dict) else None,
                    f"{at}/label",
                    75,
                    plain=True,
                )
                found = group.get("options") if isinstance(group, dict) else None
                options += [
                    (f"{at}/options/{i}", o)
                    for i, o in enumerate(self.items(found, f"{at}/options", 100))
                ]
        else:
            found = self.items(el.get("options"), f"{ptr}/options", limit)
            options = [(f"{ptr}/options/{i}", o) for i, o in enumerate(found)]
        plain = kind not in ("checkboxes", "radio_buttons")
        for at, option in options:
            if not isinstance(option, dict):
                self.fail(at, "must provide an object")
                continue
            self.text(option.get("text"), f"{at}/text", 75, plain=plain)
            self.string(option.get("value"), f"{at}/value", 150, required=kind != "overflow")
            self.text(option.get("description"), f"{at}/description", 75, required=False)
        values = {o.get("value") for _, o in options if isinstance(o, dict)}
        initial = el.get("initial_options", [])
        initial = ([el["initial_option"]] if "initial_option" in el else []) + (
            initial if isinstance(initial, list) else []
        )
        for option in initial:
            if not isinstance(option, dict) or option.get("value") not in values:
                self.fail(f"{ptr}/initial_option", "must match one of the provided options")


def message_errors(args: dict[str, Any]) -> SlackError | None:
    """Slack's answer to a message whose text or blocks break the rules, or None."""
    text = args.get("text")
    if isinstance(text, str) and len(text) > 40_000:
        return SlackError("msg_too_long")
    if "blocks" not in args or args["blocks"] in (None, ""):
        return None
    if not isinstance(args["blocks"], list):
        return SlackError(
            "invalid_blocks_format", ("must provide an array [json-pointer:/blocks]",)
        )
    checker = _Checker()
    checker.blocks(args["blocks"], "/blocks", 50)
    return SlackError("invalid_blocks", tuple(checker.errors)) if checker.errors else None


def view_errors(view: Any, *, kinds: tuple[str, ...] = ("modal", "home")) -> SlackError | None:
    """Slack's answer (``invalid_arguments``, as Slack does for views) to a bad view, or None."""
    checker = _Checker()
    if not isinstance(view, dict):
        checker.fail("/view", "must provide an object")
    else:
        if view.get("type") not in kinds:
            checker.fail("/view/type", f"must be one of {', '.join(kinds)}")
        checker.blocks(view.get("blocks"), "/view/blocks", 100)
        checker.string(view.get("callback_id"), "/view/callback_id", 255)
        checker.string(view.get("external_id"), "/view/external_id", 255)
        checker.string(view.get("private_metadata"), "/view/private_metadata", 3000)
        if view.get("type") == "modal":
            checker.text(view.get("title"), "/view/title", 24, plain=True)
            checker.text(view.get("submit"), "/view/submit", 24, plain=True, required=False)
            checker.text(view.get("close"), "/view/close", 24, plain=True, required=False)
            blocks = view.get("blocks")
            has_input = isinstance(blocks, list) and any(
                isinstance(b, dict) and b.get("type") == "input" for b in blocks
            )
            if has_input and "submit" not in view:
                checker.fail("/view/submit", "must provide a submit button with input blocks")
    return SlackError("invalid_arguments", tuple(checker.errors)) if checker.errors else None
