"""Slack's documented Block Kit limits, and the checks every built message and view must pass: slack_sdk's
models first, then every limit on its own, so none rests on one library version."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blocks.common import escape
from tests.bot.blocks.inputs import DIGEST_CHANNEL, RECRUITER_IDS, Json

# Slack's documented limits (https://docs.slack.dev/reference/block-kit/blocks and .../views).
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
TEXT_OBJECT_MAX = 3000  # section text, context element text
HEADER_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
VIEW_TITLE_MAX = 24  # also submit and close
PRIVATE_METADATA_MAX = 3000
INPUT_MAX_LENGTH = 3000  # plain_text_input max_length
LABEL_MAX = 2000  # also hint
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
OPTIONS_MAX = 100  # static_select
RADIO_OPTIONS_MAX = 10
CHECKBOX_OPTIONS_MAX = 10
OPTION_DESCRIPTION_MAX = 75
MAX_FILES_MAX = 10  # file_input
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ACTIONS_ELEMENTS_MAX = 25
ID_MAX = 255  # block_id, action_id, callback_id
FALLBACK_MAX = 4000  # Slack advises keeping a message's top-level text under 4,000 characters
# ---------------------------------------------------------------------------------------------------------------------
# Validation: slack_sdk's models first, then every limit checked independently so none rests on one library version.
# ---------------------------------------------------------------------------------------------------------------------


def json_objects(obj: JsonObject) -> Iterator[JsonObject]:
    """Every slack_sdk object nested in a parsed block or view (elements, options, text objects, ...)."""
    for attribute in sorted(obj.attributes):
        value = getattr(obj, attribute, None)
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, JsonObject):
                yield item
                yield from json_objects(item)


def sdk_block(block: Json) -> None:
    """Parse with slack_sdk, run its validators on the block and everything inside, and check nothing was lost."""
    parsed = Block.parse(block)
    assert parsed is not None, f"slack_sdk does not know block type {block.get('type')!r}"
    try:
        parsed.validate_json()
        for nested in json_objects(parsed):
            nested.validate_json()
        round_trip = parsed.to_dict()
    except SlackObjectFormationError as problem:
        raise AssertionError(f"slack_sdk rejects {block['type']} block: {problem}") from problem
    assert parsed.type == block["type"]
    assert parsed.block_id == block.get("block_id")
    assert round_trip == block, f"slack_sdk dropped or changed fields of a {block['type']} block"


def sdk_view(view: Json) -> None:
    try:
        parsed = View(**view)
        parsed.validate_json()
        round_trip = parsed.to_dict()
    except SlackObjectFormationError as problem:
        raise AssertionError(f"slack_sdk rejects the {view.get('type')} view: {problem}") from problem
    sent = {key: value for key, value in view.items() if value != ""}  # slack_sdk leaves out empty strings
    assert round_trip == sent, "slack_sdk dropped or changed fields of the view"


def check_text(
    obj: Any, where: str, *, limit: int = TEXT_OBJECT_MAX, kinds: tuple[str, ...] = ("plain_text", "mrkdwn")
) -> None:
    assert isinstance(obj, dict), f"{where}: not a text object"
    assert obj.get("type") in kinds, f"{where}: text type {obj.get('type')!r}, expected one of {kinds}"
    text = obj.get("text")
    assert isinstance(text, str), f"{where}: text is not a string"
    assert text.strip(), f"{where}: text is empty"
    assert len(text) <= limit, f"{where}: text is {len(text):,} characters; the limit is {limit:,}"


def check_element(element: Json, where: str) -> None:
    action_id = element.get("action_id")
    assert isinstance(action_id, str), f"{where}: no action_id"
    assert 0 < len(action_id) <= ID_MAX, f"{where}: action_id length {len(action_id)}"
    if "placeholder" in element:
        check_text(element["placeholder"], f"{where} placeholder", limit=150, kinds=("plain_text",))
    kind = element["type"]
    if kind == "plain_text_input":
        max_length = element.get("max_length", INPUT_MAX_LENGTH)
        min_length = element.get("min_length", 0)
        assert 0 < max_length <= INPUT_MAX_LENGTH, f"{where}: max_length {max_length} is over {INPUT_MAX_LENGTH}"
        assert 0 <= min_length <= max_length, f"{where}: min_length {min_length} with max_length {max_length}"
        initial = element.get("initial_value", "")
        assert len(initial) <= max_length, f"{where}: initial_value of {len(initial):,} is over max_length {max_length}"
    elif kind == "static_select":
        check_options(element, where, limit=OPTIONS_MAX, kinds=("plain_text",))
    elif kind == "radio_buttons":
        check_options(element, where, limit=RADIO_OPTIONS_MAX, kinds=("plain_text", "mrkdwn"))
    elif kind == "checkboxes":
        check_options(element, where, limit=CHECKBOX_OPTIONS_MAX, kinds=("plain_text", "mrkdwn"))
        for option in element["options"]:
            if "description" in option:
                check_text(option["description"], f"{where} option description", limit=OPTION_DESCRIPTION_MAX)
    elif kind == "file_input":
        filetypes = element.get("filetypes", [])
        assert all(isinstance(t, str) and t and "." not in t for t in filetypes), f"{where}: filetypes {filetypes!r}"
        assert 1 <= element.get("max_files", MAX_FILES_MAX) <= MAX_FILES_MAX, f"{where}: max_files"
        assert set(element) <= {"type", "action_id", "filetypes", "max_files"}, f"{where}: file_input fields"
    elif kind == "button":
        check_text(element.get("text"), f"{where} text", limit=BUTTON_TEXT_MAX, kinds=("plain_text",))
        value = element.get("value")
        assert isinstance(value, str) and 0 < len(value) <= BUTTON_VALUE_MAX, f"{where}: button value {value!r}"
        assert element.get("style", "primary") in ("primary", "danger"), f"{where}: button style {element['style']!r}"
    elif kind == "users_select":
        initial = element.get("initial_user")
        assert initial is None or initial in RECRUITER_IDS, f"{where}: initial_user {initial!r}"
        assert set(element) <= {"type", "action_id", "placeholder", "initial_user", "confirm", "focus_on_load"}, (
            f"{where}: users_select fields {sorted(element)}"
        )
    elif kind == "datepicker":
        initial = element.get("initial_date")
        assert initial is None or re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", initial), f"{where}: initial_date"
        assert set(element) <= {"type", "action_id", "placeholder", "initial_date", "confirm", "focus_on_load"}, (
            f"{where}: datepicker fields {sorted(element)}"
        )
    elif kind not in ("email_text_input", "url_text_input"):
        raise AssertionError(f"{where}: no checks written for element type {kind!r}; add them")


def check_options(element: Json, where: str, *, limit: int, kinds: tuple[str, ...]) -> None:
    options = element.get("options", [])
    assert 0 < len(options) <= limit, f"{where}: {len(options)} options; the limit is {limit}"
    values = [option["value"] for option in options]
    assert len(values) == len(set(values)), f"{where}: option values repeat"
    for option in options:
        check_text(option["text"], f"{where} option", limit=OPTION_TEXT_MAX, kinds=kinds)
        assert 0 < len(option["value"]) <= OPTION_VALUE_MAX, f"{where}: option value {option['value']!r}"


def check_blocks(blocks: Any, *, limit: int, where: str) -> None:
    assert isinstance(blocks, list), f"{where}: blocks is not a list"
    assert blocks, f"{where}: no blocks"
    assert len(blocks) <= limit, f"{where}: {len(blocks)} blocks; the limit is {limit}"
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    duplicates = sorted({block_id for block_id in block_ids if block_ids.count(block_id) > 1})
    assert not duplicates, f"{where}: block_id repeated: {duplicates}"
    for n, block in enumerate(blocks):
        here = f"{where} block {n} ({block.get('type')})"
        if "block_id" in block:
            assert 0 < len(block["block_id"]) <= ID_MAX, f"{here}: block_id length"
        kind = block.get("type")
        if kind == "section":
            check_text(block["text"], here)
            if "accessory" in block:
                check_element(block["accessory"], f"{here} accessory")
        elif kind == "actions":
            elements = block.get("elements", [])
            assert 0 < len(elements) <= ACTIONS_ELEMENTS_MAX, f"{here}: {len(elements)} elements; the limit is 25"
            action_ids = [element.get("action_id") for element in elements]
            assert len(action_ids) == len(set(action_ids)), f"{here}: action_id repeated"
            for element in elements:
                check_element(element, f"{here} element")
        elif kind == "header":
            check_text(block["text"], here, limit=HEADER_MAX, kinds=("plain_text",))
        elif kind == "context":
            elements = block.get("elements", [])
            assert 0 < len(elements) <= CONTEXT_ELEMENTS_MAX, f"{here}: {len(elements)} elements; the limit is 10"
            for element in elements:
                check_text(element, f"{here} element")
        elif kind == "input":
            check_text(block["label"], f"{here} label", limit=LABEL_MAX, kinds=("plain_text",))
            if "hint" in block:
                check_text(block["hint"], f"{here} hint", limit=LABEL_MAX, kinds=("plain_text",))
            check_element(block["element"], f"{here} element")
        elif kind != "divider":
            raise AssertionError(f"{here}: no checks written for block type {kind!r}; add them")
        sdk_block(block)


# Control sequences a builder may write itself; anything else between < and > came from somewhere it should not.
_CONTROL = re.compile(r"<([^<>]*)>")
# A date (reminders, roles), or a date and time (the audit log), each with its UTC fallback.
_DATE = re.compile(
    r"!date\^\d+\^(\{date_short_pretty\}\|\d{4}-\d{2}-\d{2}|\{date_short\} \{time\}\|\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC)"
)
_LINKEDIN = re.compile(r"https://([a-z0-9-]+\.)*linkedin\.com/[^\s<>|]+")
_JOB_AD = re.compile(r"https://(jobs\.example\.com|boards\.greenhouse\.io|jobs\.lever\.co)/[^\s<>|]+")
_BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


def check_escaped(text: str, where: str) -> None:
    """mrkdwn (or a fallback, which Slack also parses) holds no mention, link or entity made of user text."""
    for raw in ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<@u123>"):
        assert raw not in text, f"{where}: raw {raw} from user text"
    visible = []
    for control in _CONTROL.finditer(text):
        target, _, label = control.group(1).partition("|")
        if _DATE.fullmatch(control.group(1)):
            continue
        if target.startswith("@") and not label:
            assert target[1:] in RECRUITER_IDS, f"{where}: mention {control.group()} is not a recruiter's"
        elif target.startswith("mailto:"):
            assert re.fullmatch(r"[^\s|<>]+@[^\s|<>]+", target[7:]), f"{where}: bad mailto target in {control.group()}"
            assert label == escape(target[7:]), f"{where}: mailto label is not the escaped address: {control.group()}"
        elif _LINKEDIN.fullmatch(target):
            assert label == "LinkedIn", f"{where}: LinkedIn link labelled {label!r}"
        elif _JOB_AD.fullmatch(target):
            assert label.strip("*").strip(), f"{where}: job ad link without its title: {control.group()[:80]!r}"
        elif target == f"#{DIGEST_CHANNEL}" and not label:
            pass
        else:
            raise AssertionError(f"{where}: unexpected control sequence {control.group()[:80]!r}")
        visible.append(label)
    rest = _CONTROL.sub("", text)
    assert "<" not in rest and ">" not in rest, f"{where}: unbalanced < or > near {rest[rest.find('<') - 40 :][:80]!r}"
    for part in [rest, *visible]:
        bare = _BARE_AMPERSAND.search(part)
        assert bare is None, f"{where}: unescaped & near {part[max(bare.start() - 20, 0) :][:40]!r}"


def mrkdwn_texts(blocks: list[Json]) -> Iterator[tuple[str, str]]:
    for n, block in enumerate(blocks):
        texts = [block.get("text"), *block.get("fields", []), *block.get("elements", [])]
        for text in texts:
            if isinstance(text, dict) and text.get("type") == "mrkdwn":
                yield text["text"], f"block {n} ({block['type']})"


def check_message(message: Json) -> None:
    assert set(message) == {"text", "blocks"}, f"message keys {sorted(message)}"
    text = message["text"]
    assert isinstance(text, str), "fallback text is not a string"
    assert text.strip(), "fallback text is empty"
    assert len(text) <= FALLBACK_MAX, f"fallback text is {len(text):,} characters"
    check_escaped(text, "fallback text")
    check_blocks(message["blocks"], limit=MESSAGE_BLOCKS_MAX, where="message")
    for mrkdwn, where in mrkdwn_texts(message["blocks"]):
        check_escaped(mrkdwn, where)


def check_view(view: Json) -> None:
    kind = view.get("type")
    if kind == "modal":
        check_text(view.get("title"), "modal title", limit=VIEW_TITLE_MAX, kinds=("plain_text",))
        if any(block["type"] == "input" for block in view["blocks"]):
            assert "submit" in view, "a modal with inputs needs a submit button"
        for button in ("submit", "close"):
            if button in view:
                check_text(view[button], f"modal {button}", limit=VIEW_TITLE_MAX, kinds=("plain_text",))
        assert 0 < len(view.get("callback_id", "")) <= ID_MAX, "modal callback_id"
    else:
        assert kind == "home", f"view type {kind!r}"
        assert not {"submit", "close"} & set(view), "a Home tab has no submit or close"
    metadata = view.get("private_metadata", "")
    assert len(metadata) <= PRIVATE_METADATA_MAX, f"private_metadata is {len(metadata):,} characters"
    check_blocks(view.get("blocks"), limit=VIEW_BLOCKS_MAX, where=f"{kind} view")
    for mrkdwn, where in mrkdwn_texts(view["blocks"]):
        check_escaped(mrkdwn, where)
    sdk_view(view)


# ---------------------------------------------------------------------------------------------------------------------
# Reading what a builder made.
# ---------------------------------------------------------------------------------------------------------------------

LABELS = ["Done, I reached out", "She agreed", "Snooze 1 week", "Snooze 1 month", "Stop", "Draft a message"]


def actions_blocks(blocks: list[Json]) -> list[Json]:
    return [block for block in blocks if block["type"] == "actions"]


def date_of(when: datetime) -> str:
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}}|{when:%Y-%m-%d}>"


def buttons(message: Json, action_id: str) -> list[Json]:
    return [
        block["accessory"] for block in message["blocks"] if block.get("accessory", {}).get("action_id") == action_id
    ]
