"""Every Block Kit builder, with realistic and worst-case input, against slack_sdk's models and Slack's own limits.

The table of cases must name every public `build_*` function in `bot.blocks`, so a new builder cannot ship untested.
Data is built the way the app builds it: raw text goes through `validate_rejection`, then into in-memory models.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

import bot.blocks
from bot.blocks import common, home, rejection_modal, rejections
from bot.blocks.common import escape, section
from bot.ids import FIELD_ACTION, REJECTION_MODAL
from bot.rejection_input import (
    EMAIL_MAX,
    FIELDS,
    LINKEDIN_MAX,
    NAME_MAX,
    NOTE_MAX,
    ROLE_MAX,
    TAG_MAX,
    TAGS_MAX,
    InputErrors,
    RejectionInput,
    parse_rejection_command,
    validate_rejection,
)
from models import Candidate, Recruiter, Rejection
from models.policy import Policy

Json = dict[str, Any]

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
OPTIONS_MAX = 100
ID_MAX = 255  # block_id, action_id, callback_id
FALLBACK_MAX = 4000  # Slack advises keeping a message's top-level text under 4,000 characters

TEAM_ID = "T0KEEPWARM"
RECRUITER_IDS = ("U0RECRUIT1", "U0RECRUIT2", "W0RECRUIT3")
AT = datetime(2025, 3, 14, 15, 9, 26, tzinfo=UTC)
POLICY = Policy()

# ---------------------------------------------------------------------------------------------------------------------
# Input: realistic, hostile at the maximum lengths the validator accepts, and maximally expanding under escaping.
# ---------------------------------------------------------------------------------------------------------------------


def exactly(unit: str, length: int) -> str:
    """`unit` repeated to exactly `length` characters, ending on a letter so stripping keeps the length."""
    return (unit * (length // len(unit) + 1))[: length - 1] + "x"


HOSTILE = "Zoë 🦄 O'Brien & <@U123> <!channel> "
REALISTIC: dict[str, str | None] = {
    "name": "Jane Doe",
    "role": "Senior Backend Engineer",
    "stage": "final",
    "rating": "5",
    "email": "jane.doe@example.com",
    "linkedin": "linkedin.com/in/jane-doe",
    "tags": "python, postgres, kubernetes",
    "note": "Great system design round; promised written feedback by Friday.",
}
WORST: dict[str, str | None] = {
    "name": exactly(HOSTILE, NAME_MAX),
    "role": exactly("R&D Lead <!here> 🚀 <@U123> ", ROLE_MAX),
    "stage": "final",
    "rating": "5",
    "email": exactly("zoë.o'brien+r&d", EMAIL_MAX - len("@example.com")) + "@example.com",
    "linkedin": exactly("https://www.linkedin.com/in/zo%C3%AB-o-brien-", LINKEDIN_MAX),
    "tags": ",".join(exactly(f"{n:02} r&d <@U123> <!channel> 🦄 ", TAG_MAX) for n in range(TAGS_MAX)),
    "note": exactly(f"Feedback: {HOSTILE}\n", NOTE_MAX),
}
# Every character that can be one is an `&`, the character whose escape is longest: 5 characters for 1.
EXPANDING: dict[str, str | None] = {
    "name": "A" + "&" * (NAME_MAX - 1),
    "role": "R" + "&" * (ROLE_MAX - 1),
    "stage": "final",
    "rating": "5",
    "email": "a" + "&" * (EMAIL_MAX - len("a@example.com")) + "@example.com",
    "linkedin": "https://www.linkedin.com/in/a" + "&" * (LINKEDIN_MAX - len("https://www.linkedin.com/in/a")),
    "tags": ",".join(f"{n:02}" + "&" * (TAG_MAX - 2) for n in range(TAGS_MAX)),
    "note": "&" * NOTE_MAX,
}
MINIMAL: dict[str, str | None] = {"name": "Li", "role": "QA", "stage": "screen"}


def entry(raw: dict[str, str | None], **changes: str | None) -> RejectionInput:
    return validate_rejection(raw | changes)


def record(
    raw: dict[str, str | None] = REALISTIC,
    *,
    candidate: Candidate | None = None,
    opted_out: bool = False,
    at: datetime = AT,
    recruiter_id: str = RECRUITER_IDS[0],
    **changes: str | None,
) -> Rejection:
    """A rejection as the app would store it: validated input, then in-memory models (no database)."""
    clean = entry(raw, **changes)
    if candidate is None:
        candidate = Candidate(
            name=clean.name,
            email=clean.email,
            linkedin_url=clean.linkedin,
            tags=list(clean.tags),
            opted_out=opted_out,
            erased=False,
        )
    return Rejection(
        candidate=candidate,
        recruiter=Recruiter(team_id=TEAM_ID, user_id=recruiter_id),
        role_title=clean.role,
        stage=clean.stage,
        rating=clean.rating,
        note=clean.note,
        rejected_at=at,
    )


def erased() -> Rejection:
    """A candidate after `/rejected forget`: the shape erasure leaves behind."""
    candidate = Candidate(name="(erased)", email=None, linkedin_url=None, tags=[], opted_out=True, erased=True)
    return record(REALISTIC, candidate=candidate, note=None)


def many(raw: dict[str, str | None], count: int) -> list[Rejection]:
    """`count` rejections, newest first, by several recruiters, with a mix of stages and ratings."""
    stages = ("final", "interview", "screen")
    return [
        record(
            raw,
            at=AT - timedelta(days=n),
            recruiter_id=RECRUITER_IDS[n % len(RECRUITER_IDS)],
            stage=stages[n % 3],
            rating=str(n % 5 + 1) if n % 4 else None,
        )
        for n in range(count)
    ]


def usage_errors(command: str) -> dict[str, str]:
    with pytest.raises(InputErrors) as raised:
        parse_rejection_command(command)
    return raised.value.errors


# Every field wrong, with hostile text echoed back, then far more unknown keys than fit in one section.
MANY_ERRORS_COMMAND = (
    'name="<!channel>" email="<@U123>&co" linkedin="https://evil.example/<!here>" rating="5 & <!channel>" '
    'stage="<@U123> & final" tags="' + "&" * (TAG_MAX + 1) + '" ' + " ".join(f"k{'_' * n}=v" for n in range(200))
)

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
    elif kind == "static_select":
        options = element.get("options", [])
        assert 0 < len(options) <= OPTIONS_MAX, f"{where}: {len(options)} options"
        values = [option["value"] for option in options]
        assert len(values) == len(set(values)), f"{where}: option values repeat"
        for option in options:
            check_text(option["text"], f"{where} option", limit=OPTION_TEXT_MAX, kinds=("plain_text",))
            assert 0 < len(option["value"]) <= OPTION_VALUE_MAX, f"{where}: option value {option['value']!r}"
    elif kind not in ("email_text_input", "url_text_input"):
        raise AssertionError(f"{where}: no checks written for element type {kind!r}; add them")


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
_DATE = re.compile(r"!date\^\d+\^\{date_short_pretty\}\|\d{4}-\d{2}-\d{2}")
_LINKEDIN = re.compile(r"https://([a-z0-9-]+\.)*linkedin\.com/[^\s<>|]+")
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
# The table: every public builder, with the inputs that stress it.
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    builder: Callable[..., Json]
    label: str
    call: Callable[[Callable[..., Json]], Json]  # given the builder, build the message or view
    marks: tuple[pytest.MarkDecorator, ...] = ()

    def build(self) -> Json:
        return self.call(self.builder)


CASES = [
    Case(rejections.build_confirmation, "realistic", lambda b: b(record(), POLICY)),
    Case(rejections.build_confirmation, "minimal", lambda b: b(record(MINIMAL), POLICY)),
    Case(rejections.build_confirmation, "hostile at maximum lengths", lambda b: b(record(WORST), POLICY)),
    Case(rejections.build_confirmation, "opted out", lambda b: b(record(WORST, opted_out=True), POLICY)),
    Case(
        rejections.build_confirmation,
        "every character escapes to five",
        lambda b: b(record(EXPANDING), POLICY),
    ),
    Case(rejections.build_usage, "help", lambda b: b()),
    Case(
        rejections.build_usage, "one error", lambda b: b({"stage": "Stage is missing; use screen, interview or final."})
    ),
    Case(rejections.build_usage, "hostile errors", lambda b: b(usage_errors(MANY_ERRORS_COMMAND))),
    Case(
        rejections.build_usage,
        "refused erasure",
        lambda b: b(usage_errors("forget=<!channel>&x"), refused="Nothing was erased"),
    ),
    Case(rejections.build_list, "empty, own", lambda b: b([], whole_team=False)),
    Case(rejections.build_list, "empty, team", lambda b: b([], whole_team=True)),
    Case(rejections.build_list, "realistic, own", lambda b: b(many(REALISTIC, 10), whole_team=False)),
    Case(rejections.build_list, "hostile, own", lambda b: b(many(WORST, 10), whole_team=False)),
    Case(rejections.build_list, "hostile, team", lambda b: b(many(WORST, 10), whole_team=True)),
    Case(rejections.build_list, "erased candidate", lambda b: b([erased()], whole_team=True)),
    Case(rejections.build_list, "200 rows", lambda b: b(many(REALISTIC, 200), whole_team=True)),
    Case(
        rejections.build_list,
        "every character escapes to five",
        lambda b: b(many(EXPANDING, 10), whole_team=True),
    ),
    Case(rejections.build_forgotten, "one rejection", lambda b: b("jane.doe@example.com", 1)),
    Case(rejections.build_forgotten, "hostile address", lambda b: b(entry(WORST).email, 200)),
    Case(rejections.build_forgotten, "expanding address", lambda b: b(entry(EXPANDING).email, 0)),
    Case(rejections.build_not_found, "realistic", lambda b: b("jane.doe@example.com")),
    Case(rejections.build_not_found, "hostile address", lambda b: b(entry(WORST).email)),
    Case(rejections.build_not_found, "expanding address", lambda b: b(entry(EXPANDING).email)),
    Case(rejections.build_refusal, "always", lambda b: b()),
    Case(rejections.build_unavailable, "save", lambda b: b("save the rejection")),
    Case(rejections.build_unavailable, "list", lambda b: b("load your rejections")),
    Case(rejections.build_access_unknown, "always", lambda b: b()),
    Case(rejection_modal.build_rejection_modal, "no metadata", lambda b: b()),
    Case(
        rejection_modal.build_rejection_modal,
        "response_url",
        lambda b: b('{"response_url": "https://hooks.slack.com/commands/T0KEEPWARM/123/abc"}'),
    ),
    Case(rejection_modal.build_rejection_modal, "metadata at the limit", lambda b: b("m" * PRIVATE_METADATA_MAX)),
    Case(home.build_home, "empty", lambda b: b([])),
    Case(home.build_home, "realistic", lambda b: b(many(REALISTIC, 20))),
    Case(home.build_home, "200 hostile", lambda b: b(many(WORST, 200))),
    Case(home.build_home, "erased candidate", lambda b: b([erased()])),
    Case(home.build_home, "every character escapes to five", lambda b: b(many(EXPANDING, 200))),
]


# Modules of `bot.blocks` whose builders are tested elsewhere; every other module's builders need cases here.
COVERED_ELSEWHERE = {
    "bot.blocks.reminders",  # check-in reminders, written in parallel with these tests; not in this file's brief
}


def builder_modules() -> list[ModuleType]:
    """Every module of `bot.blocks` (less COVERED_ELSEWHERE), so a builder in a new module is found too."""
    names = [
        f"{bot.blocks.__name__}.{info.name}"
        for info in pkgutil.iter_modules(bot.blocks.__path__)
        if f"{bot.blocks.__name__}.{info.name}" not in COVERED_ELSEWHERE
    ]
    return [bot.blocks, *(importlib.import_module(name) for name in names)]


def public_builders() -> dict[str, Callable[..., Json]]:
    return {
        f"{module.__name__}.{name}": function
        for module in builder_modules()
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("build_") and function.__module__ == module.__name__
    }


def qualified(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__name__}"


def test_every_builder_has_cases() -> None:
    assert {module.__name__ for module in (common, rejections, rejection_modal, home)} <= {
        module.__name__ for module in builder_modules()
    }
    builders = public_builders()
    covered = {qualified(case.builder) for case in CASES}
    assert sorted(set(builders) - covered) == [], "builders without a case in CASES"
    assert sorted(covered - set(builders)) == [], "CASES names builders that are gone or private"
    assert len(builders) >= 10


def test_a_builder_without_a_case_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    def build_something_new() -> Json:
        return {"text": "New", "blocks": [section("New")]}

    build_something_new.__module__ = rejections.__name__
    monkeypatch.setattr(rejections, "build_something_new", build_something_new, raising=False)
    covered = {qualified(case.builder) for case in CASES}
    assert set(public_builders()) - covered == {"bot.blocks.rejections.build_something_new"}


@pytest.mark.parametrize(
    "case", [pytest.param(case, id=f"{case.builder.__name__}: {case.label}", marks=case.marks) for case in CASES]
)
def test_builder_output_is_valid_block_kit(case: Case) -> None:
    built = case.build()
    if "type" in built:
        check_view(built)
    else:
        check_message(built)


# ---------------------------------------------------------------------------------------------------------------------
# The checks themselves fail when a limit is broken.
# ---------------------------------------------------------------------------------------------------------------------


def valid_message(blocks: list[Json]) -> Json:
    return {"text": "Fallback", "blocks": blocks}


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        pytest.param(valid_message([section(f"Row {n}") for n in range(51)]), "51 blocks", id="51 blocks"),
        pytest.param(
            valid_message([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]),
            "3,001 characters",
            id="section of 3001",
        ),
        pytest.param(
            valid_message([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]),
            "151 characters",
            id="header of 151",
        ),
        pytest.param(
            valid_message([{"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}]),
            "11 elements",
            id="context of 11",
        ),
        pytest.param(
            valid_message([{**section("a"), "block_id": "same"}, {**section("b"), "block_id": "same"}]),
            "block_id repeated",
            id="repeated block_id",
        ),
        pytest.param({"text": " ", "blocks": [section("a")]}, "fallback text is empty", id="blank fallback"),
        pytest.param({"blocks": [section("a")]}, "message keys", id="no fallback"),
        pytest.param(valid_message([section("Hi <!channel>")]), "raw <!channel>", id="raw channel mention"),
        pytest.param(valid_message([section("By <@U123>")]), "raw <@U123>", id="raw user mention"),
        pytest.param(valid_message([section("R&D")]), "unescaped &", id="raw ampersand"),
        pytest.param(valid_message([section("R&am…")]), "unescaped &", id="entity cut by truncation"),
        pytest.param(valid_message([section("<mailto:a@b.io|a@b.i…")]), "unbalanced", id="link cut by truncation"),
        pytest.param(
            valid_message([section("<https://evil.example|LinkedIn>")]), "unexpected control", id="foreign link"
        ),
        pytest.param({"text": "<!here> it is", "blocks": [section("a")]}, "raw <!here>", id="raw mention in fallback"),
        pytest.param(valid_message([{"type": "image", "image_url": "https://x.io/a.png"}]), "no checks", id="unknown"),
        pytest.param(
            valid_message([{**section("a"), "fields_typo": []}]), "dropped or changed", id="field slack_sdk drops"
        ),
    ],
)
def test_message_check_rejects(broken: Json, problem: str) -> None:
    with pytest.raises(AssertionError, match=re.escape(problem)):
        check_message(broken)


def modal_with(**changes: Any) -> Json:
    return rejection_modal.build_rejection_modal() | changes


def with_element(view: Json, field: str, **changes: Any) -> Json:
    blocks = [
        {**block, "element": block["element"] | changes} if block["block_id"] == field else block
        for block in view["blocks"]
    ]
    return view | {"blocks": blocks}


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        pytest.param(modal_with(title={"type": "plain_text", "text": "x" * 25}), "modal title", id="title of 25"),
        pytest.param(modal_with(submit={"type": "plain_text", "text": "x" * 25}), "modal submit", id="submit of 25"),
        pytest.param(modal_with(close={"type": "plain_text", "text": "x" * 25}), "modal close", id="close of 25"),
        pytest.param(modal_with(private_metadata="m" * 3001), "private_metadata", id="metadata of 3001"),
        pytest.param(with_element(modal_with(), "note", max_length=3001), "max_length 3001", id="max_length 3001"),
        pytest.param(modal_with(blocks=[section(f"{n}") for n in range(101)]), "101 blocks", id="101 blocks"),
        pytest.param({"type": "home", "blocks": [section(f"{n}") for n in range(101)]}, "101 blocks", id="home of 101"),
        pytest.param({"type": "home", "blocks": [section("<!channel>")]}, "raw <!channel>", id="home mention"),
        pytest.param(
            modal_with(blocks=rejection_modal.build_rejection_modal()["blocks"] * 2), "block_id repeated", id="twice"
        ),
    ],
)
def test_view_check_rejects(broken: Json, problem: str) -> None:
    with pytest.raises(AssertionError, match=re.escape(problem)):
        check_view(broken)


def test_slack_sdk_validation_is_wired_in() -> None:
    """The same limits also fail in slack_sdk's own validators, not only in the checks written here."""
    with pytest.raises(AssertionError, match="slack_sdk rejects section"):
        sdk_block({"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}})
    with pytest.raises(AssertionError, match="slack_sdk rejects context"):
        sdk_block({"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11})
    with pytest.raises(AssertionError, match="slack_sdk rejects the modal"):
        sdk_view(modal_with(title={"type": "plain_text", "text": "x" * 25}))
    with pytest.raises(AssertionError, match="slack_sdk rejects the modal"):
        sdk_view(modal_with(private_metadata="m" * 3001))


# ---------------------------------------------------------------------------------------------------------------------
# The inputs are what they claim to be.
# ---------------------------------------------------------------------------------------------------------------------


def test_worst_case_input_is_accepted_at_every_maximum() -> None:
    for raw in (WORST, EXPANDING):
        clean = entry(raw)
        assert (len(clean.name), len(clean.role), len(clean.note or "")) == (NAME_MAX, ROLE_MAX, NOTE_MAX)
        assert len(clean.email or "") == EMAIL_MAX
        assert len(clean.linkedin or "") == LINKEDIN_MAX
        assert len(clean.tags) == TAGS_MAX
        assert {len(tag) for tag in clean.tags} == {TAG_MAX}
    for token in ("<!channel>", "<@U123>", "&", "🦄"):
        assert token in WORST["name"]


def test_in_memory_models_link_both_ways() -> None:
    first = record()
    second = record(candidate=first.candidate, role="Staff Engineer", at=AT + timedelta(days=30))
    assert first.candidate is second.candidate
    assert first.candidate.rejections == [first, second]
    assert second.recruiter.user_id == RECRUITER_IDS[0]
    assert first.candidate.tags == ["python", "postgres", "kubernetes"]


# ---------------------------------------------------------------------------------------------------------------------
# What the messages say.
# ---------------------------------------------------------------------------------------------------------------------


def all_text(message: Json) -> str:
    parts = [message.get("text", "")]
    for block in message["blocks"]:
        texts = [block.get("text"), *block.get("elements", [])]
        parts.extend(text["text"] for text in texts if isinstance(text, dict) and "text" in text)
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("stage", "rating"), [("final", None), ("final", "1"), ("screen", "4"), ("interview", "5"), ("screen", "5")]
)
def test_confirmation_of_a_strong_rejection_promises_a_check_in(stage: str, rating: str) -> None:
    rejection = record(WORST, stage=stage, rating=rating)
    message = rejections.build_confirmation(rejection, POLICY)
    name, role = escape(rejection.candidate.name), escape(rejection.role_title)
    assert name in message["text"] and role in message["text"]
    first = message["blocks"][0]["text"]["text"]
    assert name in first and role in first
    then = message["blocks"][1]["text"]["text"]
    due = int(POLICY.first_checkin(AT).timestamp())
    assert "remind you to check in" in then and f"<!date^{due}^" in then
    assert name in then
    assert "No check-ins" not in all_text(message)


@pytest.mark.parametrize(
    ("stage", "rating", "opted_out", "says"),
    [
        ("screen", None, False, "No check-ins are scheduled"),
        ("interview", "3", False, "No check-ins are scheduled"),
        ("final", "5", True, "opted out"),
        ("screen", "4", True, "opted out"),
    ],
)
def test_confirmation_of_a_weak_or_opted_out_rejection_promises_nothing(
    stage: str, rating: str | None, opted_out: bool, says: str
) -> None:
    rejection = record(REALISTIC, stage=stage, rating=rating, opted_out=opted_out)
    message = rejections.build_confirmation(rejection, POLICY)
    assert "Jane Doe" in message["text"] and "Senior Backend Engineer" in message["text"]
    first = message["blocks"][0]["text"]["text"]
    assert "Jane Doe" in first and "Senior Backend Engineer" in first
    assert says in message["blocks"][1]["text"]["text"]
    assert "remind" not in all_text(message) and "<!date^" not in all_text(message)


def test_confirmation_counts_earlier_rejections() -> None:
    first = record()
    assert "earlier rejection" not in all_text(rejections.build_confirmation(first, POLICY))
    second = record(candidate=first.candidate, at=AT + timedelta(days=40))
    assert "1 earlier rejection on record" in all_text(rejections.build_confirmation(second, POLICY))
    third = record(candidate=first.candidate, at=AT + timedelta(days=80))
    assert "2 earlier rejections on record" in all_text(rejections.build_confirmation(third, POLICY))


def test_confirmation_shows_contact_details_as_links() -> None:
    text = all_text(rejections.build_confirmation(record(), POLICY))
    assert "<mailto:jane.doe@example.com|jane.doe@example.com>" in text
    assert "<https://linkedin.com/in/jane-doe|LinkedIn>" in text
    assert "`python` `postgres` `kubernetes`" in text


@pytest.mark.parametrize("whole_team", [False, True])
def test_list_names_the_recruiter_only_for_the_whole_team(whole_team: bool) -> None:
    rows = many(WORST, 6)
    message = rejections.build_list(rows, whole_team=whole_team)
    sections = [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]
    assert len(sections) == len(rows)
    for row, text in zip(rows, sections, strict=True):
        assert escape(row.candidate.name) in text
        assert (f"<@{row.recruiter.user_id}>" in text) is whole_team
    assert ("<@" in all_text(message)) is whole_team
    assert ("team" in message["blocks"][0]["text"]["text"]) is whole_team


def test_list_keeps_the_newest_first() -> None:
    rows = many(REALISTIC, 3)
    texts = [block["text"]["text"] for block in rejections.build_list(rows, whole_team=False)["blocks"][1:]]
    assert [re.search(r"<!date\^(\d+)\^", text).group(1) for text in texts] == [
        str(int(row.rejected_at.timestamp())) for row in rows
    ]


def test_home_shows_as_many_rejections_as_fit_and_points_to_the_rest() -> None:
    view = home.build_home(many(REALISTIC, 200))
    assert len(view["blocks"]) == VIEW_BLOCKS_MAX
    assert "/rejected list" in view["blocks"][-1]["elements"][0]["text"]
    assert not any("<@" in text for text, _ in mrkdwn_texts(view["blocks"]))


def test_usage_leads_with_what_was_refused() -> None:
    message = rejections.build_usage(
        {"list": "Only Keepwarm admins can list the whole team's rejections."}, refused="Cannot list"
    )
    assert message["text"].startswith("Cannot list: ")
    assert message["blocks"][0]["text"]["text"].startswith(":warning: Cannot list:")
    assert rejections.build_usage()["text"] == "How to use /rejected"


# ---------------------------------------------------------------------------------------------------------------------
# The modal and what comes back from it.
# ---------------------------------------------------------------------------------------------------------------------

MODAL_ORDER = ("name", "role", "stage", "rating", "email", "linkedin", "tags", "note")  # as the form shows them


def test_modal_inputs_are_exactly_the_fields() -> None:
    view = rejection_modal.build_rejection_modal("meta")
    assert view["callback_id"] == REJECTION_MODAL
    assert view["private_metadata"] == "meta"
    ids = [block["block_id"] for block in view["blocks"] if block["type"] == "input"]
    assert ids == list(MODAL_ORDER)
    assert sorted(ids) == sorted(FIELDS)
    assert all(block["element"]["action_id"] == FIELD_ACTION for block in view["blocks"])
    required = {block["block_id"] for block in view["blocks"] if not block["optional"]}
    assert required == {"name", "role", "stage"}


def test_modal_limits_match_the_validator() -> None:
    elements = {block["block_id"]: block["element"] for block in rejection_modal.build_rejection_modal()["blocks"]}
    assert elements["name"]["max_length"] == NAME_MAX
    assert elements["role"]["max_length"] == ROLE_MAX
    assert elements["note"]["max_length"] == NOTE_MAX
    assert elements["note"]["multiline"] is True
    assert [option["value"] for option in elements["stage"]["options"]] == ["screen", "interview", "final"]
    assert sorted(option["value"] for option in elements["rating"]["options"]) == ["1", "2", "3", "4", "5"]


def option_of(view: Json, field: str, value: str) -> Json:
    """The option as Slack echoes it back: the modal's own option, with Slack's `emoji` flag added."""
    block = next(block for block in view["blocks"] if block["block_id"] == field)
    option = next(option for option in block["element"]["options"] if option["value"] == value)
    return {"text": option["text"] | {"emoji": True}, "value": option["value"]}


def submission(view: Json, rating: Json | None, tags: str | None) -> Json:
    """The `view` of a realistic view_submission payload for the rejection modal."""

    def text(kind: str, value: str | None) -> Json:
        return {FIELD_ACTION: {"type": kind, "value": value}}

    values = {
        "name": text("plain_text_input", "  Zoë O'Brien & <@U123>  "),
        "role": text("plain_text_input", "R&D Lead"),
        "stage": {FIELD_ACTION: {"type": "static_select", "selected_option": option_of(view, "stage", "final")}},
        "rating": {FIELD_ACTION: {"type": "static_select", "selected_option": rating}},
        "email": text("email_text_input", "Zoe@Example.com"),
        "linkedin": text("url_text_input", "https://www.linkedin.com/in/zoe-obrien/"),
        "tags": text("plain_text_input", tags),
        "note": text("plain_text_input", "Line one\nLine two <!channel>"),
    }
    return {
        **view,
        "id": "V0KEEPWARM",
        "team_id": TEAM_ID,
        "state": {"values": values},
        "hash": "1712345678.abcdef",
        "app_id": "A0KEEPWARM",
        "bot_id": "B0KEEPWARM",
    }


def test_submitted_values_round_trip_a_view_submission() -> None:
    view = rejection_modal.build_rejection_modal('{"response_url": "https://hooks.slack.com/commands/x"}')
    values = rejection_modal.submitted_values(submission(view, rating=None, tags=None))
    assert values == {
        "name": "  Zoë O'Brien & <@U123>  ",
        "role": "R&D Lead",
        "stage": "final",
        "rating": None,
        "email": "Zoe@Example.com",
        "linkedin": "https://www.linkedin.com/in/zoe-obrien/",
        "tags": None,
        "note": "Line one\nLine two <!channel>",
    }
    assert list(values) == list(MODAL_ORDER) and set(values) == set(FIELDS)
    assert validate_rejection(values) == RejectionInput(
        name="Zoë O'Brien & <@U123>",
        role="R&D Lead",
        stage="final",
        email="zoe@example.com",
        linkedin="https://www.linkedin.com/in/zoe-obrien",
        rating=None,
        tags=(),
        note="Line one\nLine two <!channel>",
    )
    chosen = rejection_modal.submitted_values(submission(view, rating=option_of(view, "rating", "4"), tags="a, b"))
    assert (chosen["rating"], chosen["tags"]) == ("4", "a, b")
    assert validate_rejection(chosen).rating == 4


# ---------------------------------------------------------------------------------------------------------------------
# Links: typed text can never end or split a Slack <url|label> link.
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"), [("linkedin", "linkedin.com/in/jane><!channel>"), ("email", "jane|doe@example.com")]
)
def test_link_breaking_characters_are_refused_at_input(field: str, value: str) -> None:
    with pytest.raises(InputErrors) as refused:
        record(**{field: value})
    assert field in refused.value.errors


def test_a_stored_url_with_link_breaking_characters_stays_one_link() -> None:
    rejection = record()
    rejection.candidate.linkedin_url = "https://linkedin.com/in/jane><!channel>"
    reply = rejections.build_confirmation(rejection, POLICY)
    check_message(reply)
    shown = str(reply["blocks"])
    assert "<!channel>" not in shown and "%3E%3C!channel%3E" in shown
