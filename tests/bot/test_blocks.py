"""Every Block Kit builder, with realistic and worst-case input, against slack_sdk's models and Slack's own limits.

The table of cases must name every public `build_*` function in `bot.blocks`, so a new builder cannot ship untested.
Data is built the way the app builds it: raw text goes through `validate_rejection`, then into in-memory models.
"""

from __future__ import annotations

import importlib
import inspect
import json
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
from bot.blocks import (
    checkin_modals,
    common,
    digest,
    home,
    rejection_modal,
    rejections,
    reminders,
    role_alerts,
    role_modal,
    roles,
)
from bot.blocks.common import escape, section, truncate
from bot.blocks.digest import TOP_MATCHES, DigestEntry
from bot.blocks.reminders import MAX_ITEMS, ButtonValue
from bot.fields import TAG_MAX, TAGS_MAX, URL_MAX
from bot.ids import (
    CHECKIN_DONE,
    CHECKIN_DRAFT,
    CHECKIN_SNOOZE_MONTH,
    CHECKIN_SNOOZE_WEEK,
    CHECKIN_STOP,
    DIGEST_REVEAL,
    FIELD_ACTION,
    REJECTION_MODAL,
    RETRY_DELIVERY,
    ROLE_MODAL,
    ROLE_REACH_OUT,
    STOP_MODAL,
    STOP_REASON_BLOCK,
    checkin_block_id,
)
from bot.rejection_input import (
    EMAIL_MAX,
    FIELDS,
    LINKEDIN_MAX,
    NAME_MAX,
    NOTE_MAX,
    ROLE_MAX,
    InputErrors,
    RejectionInput,
    parse_rejection_command,
    validate_rejection,
)
from bot.role_input import FIELDS as ROLE_FIELDS
from bot.role_input import LOCATION_MAX, TEAM_MAX, TITLE_MAX, parse_role_command, validate_role
from models import ACTIVE, STOP_REASONS, Candidate, Checkin, Recruiter, Rejection
from models.matching import Match, is_matchable
from models.policy import Policy
from models.role import OPEN, Role
from models.roles import Finalist
from models.terms import query_terms, words

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
OPTIONS_MAX = 100  # static_select
RADIO_OPTIONS_MAX = 10
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ACTIONS_ELEMENTS_MAX = 25
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


# The sweep that finds AT's check-ins due: 14 days after the rejection, an hour later.
SWEEP = POLICY.first_checkin(AT) + timedelta(hours=1)


def checkin(
    rejection: Rejection,
    *,
    checkin_id: int = 1,
    step: int = 0,
    due_at: datetime | None = None,
    error: str | None = None,
) -> Checkin:
    """The check-in stream a strong rejection starts, at `step`, in memory; `error` is a refused delivery."""
    due = due_at or POLICY.first_checkin(rejection.rejected_at)
    return Checkin(
        id=checkin_id,
        team_id=TEAM_ID,
        candidate=rejection.candidate,
        recruiter=rejection.recruiter,
        rejection=rejection,
        step=step,
        due_at=due,
        status=ACTIVE,
        delivery_error=error,
        delivery_failed_at=None if error is None else due,
    )


def many_checkins(
    raw: dict[str, str | None], count: int, *, error: str | None = None, first_id: int = 1
) -> list[Checkin]:
    """`count` check-ins at steps 0 to 3, the first half due by SWEEP and the rest due in the days after it."""
    return [
        checkin(
            rejection,
            checkin_id=first_id + n,
            step=n % 4,
            due_at=SWEEP + timedelta(days=n - count // 2),
            error=error,
        )
        for n, rejection in enumerate(many(raw, count))
    ]


def reminder(raw: dict[str, str | None] = REALISTIC, count: int = 1, *, more: int = 0) -> Json:
    """The DM a sweep sends for `count` due check-ins at their pre-send steps."""
    return reminders.build_reminder(many_checkins(raw, count), more=more, policy=POLICY, now=SWEEP)


def acted_on(outcome: Json, raw: dict[str, str | None] = REALISTIC, *, checkin_ids: tuple[int, ...] = (1,)) -> Json:
    """A full reminder after clicks: the given check-ins' buttons swapped for `outcome`, the way the app updates it."""
    message = reminder(raw, MAX_ITEMS, more=3)
    blocks = message["blocks"]
    for checkin_id in checkin_ids:
        blocks = reminders.replace_actions(blocks, checkin_id, outcome)
    return message | {"blocks": blocks}


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
# Roles: validated like `/role` input, then in-memory Role, Match, Finalist and DigestEntry objects (no database).
# ---------------------------------------------------------------------------------------------------------------------

DIGEST_CHANNEL = "C0DIGEST1"
NOW = AT + timedelta(days=120)  # when a role is opened, digested or reopened: months after the rejections
JOB_AD = "https://jobs.example.com/"
ROLE_REALISTIC: dict[str, str | None] = {
    "title": "Senior Backend Engineer",
    "tags": "python, postgres",
    "location": "Berlin",
    "url": JOB_AD + "backend-engineer",
    "team": "Platform",
}
ROLE_WORST: dict[str, str | None] = {
    "title": exactly("R&D *Lead* _ops_ ~x~ | <!channel> <@U123> <a|b> 🚀 ", TITLE_MAX),
    "tags": WORST["tags"],  # the same hostile skills as the worst candidates, so every one of them is shared
    "location": exactly("Zürich & <!here> 🏔 ", LOCATION_MAX),
    "url": JOB_AD + exactly("r&d-lead?team=platform&ref=slack/", URL_MAX - len(JOB_AD)),
    "team": exactly("Platform & <@U123> *_~ ", TEAM_MAX),
}
ROLE_EXPANDING: dict[str, str | None] = {
    "title": "R" + "&" * (TITLE_MAX - 1),
    "tags": EXPANDING["tags"],
    "location": "L" + "&" * (LOCATION_MAX - 1),
    "url": JOB_AD + "a" + "&" * (URL_MAX - len(JOB_AD) - 1),
    "team": "T" + "&" * (TEAM_MAX - 1),
}
ROLE_MINIMAL: dict[str, str | None] = {"title": "QA"}
SOURCES = ("slack", "greenhouse", "lever")
BOARD_URLS = {
    "greenhouse": "https://boards.greenhouse.io/acme/jobs/",
    "lever": "https://jobs.lever.co/acme/",
}
NAMES = ("Ann Lee", "Bo Chen", "Cy Diaz", "Dee Ekwueme", "Eli Fox", "Fay Gupta")


def open_role(
    raw: dict[str, str | None] = ROLE_REALISTIC,
    *,
    role_id: int = 12,
    source: str = "slack",
    board: str = "acme",
    digested_at: datetime | None = None,
    **changes: str | None,
) -> Role:
    """A role as the app stores it: validated input (or a board's job), then the in-memory model."""
    clean = validate_role(raw | changes)
    return Role(
        id=role_id,
        team_id=TEAM_ID,
        title=clean.title,
        tags=list(clean.tags),
        location=clean.location,
        url=clean.url,
        team_name=clean.team,
        source=source,
        external_id=None if source == "slack" else f"{board}:{4000000 + role_id}",
        status=OPEN,
        opened_by=RECRUITER_IDS[0] if source == "slack" else None,
        opened_at=NOW - timedelta(hours=role_id % 1000),
        digested_at=digested_at,
    )


def many_roles(raw: dict[str, str | None], count: int, *, board: str = "acme") -> list[Role]:
    """`count` roles with ids 1.., from Slack and both boards, half of them already in a digest."""
    found = []
    for n in range(count):
        source = SOURCES[n % 3]
        url = raw.get("url") if source == "slack" or raw.get("url") is None else f"{BOARD_URLS[source]}{4000000 + n}"
        digested = None if n % 2 else NOW - timedelta(days=n)
        found.append(open_role(raw, role_id=n + 1, source=source, board=board, digested_at=digested, url=url))
    return found


def past_candidates(raw: dict[str, str | None], count: int, *, named: bool = False) -> list[Rejection]:
    """`count` matchable rejections (finalists, or rated 4-5), newest first, owned by several recruiters."""
    stages = ("final", "interview", "screen")
    found = []
    for n in range(count):
        name = {"name": f"{NAMES[n % len(NAMES)]} {n}"} if named else {}
        rating = None if n % 3 == 0 and n % 2 == 0 else str(4 + n % 2)
        found.append(
            record(
                raw,
                at=AT - timedelta(days=40 * n),
                recruiter_id=RECRUITER_IDS[n % len(RECRUITER_IDS)],
                stage=stages[n % 3],
                rating=rating,
                **name,
            )
        )
    assert all(is_matchable(stage=r.stage, rating=r.rating) for r in found)
    return found


def matches(raw: dict[str, str | None], role: Role, count: int, *, named: bool = False) -> list[Match]:
    """Past candidates for `role` as models.matching reports them: shared tags decided by the real tokeniser."""
    wanted = set(query_terms(title=role.title, tags=role.tags))
    return [
        Match(
            candidate_id=role.id * 100 + n,
            name=rejection.candidate.name,
            rejection_id=role.id * 100 + n,
            role_title=rejection.role_title,
            stage=rejection.stage,
            rating=rejection.rating,
            rejected_at=rejection.rejected_at,
            owner_user_id=rejection.recruiter.user_id,
            score=10_000 - n,
            shared_tags=tuple(tag for tag in rejection.candidate.tags if set(words(tag)) & wanted),
            title_matched=bool(set(words(rejection.role_title)) & wanted),
            note_matched=False,
        )
        for n, rejection in enumerate(past_candidates(raw, count, named=named), start=1)
    ]


def finalists(raw: dict[str, str | None], count: int, *, first_id: int = 1) -> list[Finalist]:
    """Past finalists for the same job, newest first, as models.roles.role_finalists returns them."""
    found = []
    for n in range(count):
        owner = n % len(RECRUITER_IDS)
        rejection = record(raw, stage="final", at=AT - timedelta(days=30 * n), recruiter_id=RECRUITER_IDS[owner])
        found.append(
            Finalist(
                candidate_id=first_id + n,
                name=rejection.candidate.name,
                role_title=rejection.role_title,
                rejected_at=rejection.rejected_at,
                owner_recruiter_id=owner + 1,
                owner_user_id=rejection.recruiter.user_id,
            )
        )
    return found


def digest_entries(
    role_raw: dict[str, str | None],
    candidate_raw: dict[str, str | None],
    count: int,
    *,
    per_role: int = TOP_MATCHES,
    board: str = "acme",
) -> list[DigestEntry]:
    """`count` new roles, each with its top matches; every other one with more beyond those."""
    return [
        DigestEntry(
            role=role, matches=matches(candidate_raw, role, per_role), more=per_role == TOP_MATCHES and n % 2 == 1
        )
        for n, role in enumerate(many_roles(role_raw, count, board=board))
    ]


def reopened(
    role_raw: dict[str, str | None], candidate_raw: dict[str, str | None], count: int, per_role: int
) -> list[tuple[Role, list[Finalist]]]:
    """`count` reopened roles, each with `per_role` of this recruiter's finalists."""
    return [(role, finalists(candidate_raw, per_role, first_id=role.id * 100)) for role in many_roles(role_raw, count)]


def stored_url(role: Role) -> Role:
    """A job ad URL that input validation would refuse, as an older row or a board's feed might hold it."""
    role.url = JOB_AD + "x><!channel>|<@U123>&more"
    return role


def role_usage_errors(command: str) -> dict[str, str]:
    with pytest.raises(InputErrors) as raised:
        parse_role_command(command)
    return raised.value.errors


# Every field wrong, with hostile text echoed back, then far more unknown keys than fit in one section.
ROLE_MANY_ERRORS_COMMAND = (
    '"<!channel> & <@U123>" title=x url="javascript:<!here>|x" location="&&&" team="<@U123>" tags="'
    + "&" * (TAG_MAX + 1)
    + '" '
    + " ".join(f"k{'_' * n}=v" for n in range(200))
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
        initial = element.get("initial_value", "")
        assert len(initial) <= max_length, f"{where}: initial_value of {len(initial):,} is over max_length {max_length}"
    elif kind == "static_select":
        check_options(element, where, limit=OPTIONS_MAX, kinds=("plain_text",))
    elif kind == "radio_buttons":
        check_options(element, where, limit=RADIO_OPTIONS_MAX, kinds=("plain_text", "mrkdwn"))
    elif kind == "button":
        check_text(element.get("text"), f"{where} text", limit=BUTTON_TEXT_MAX, kinds=("plain_text",))
        value = element.get("value")
        assert isinstance(value, str) and 0 < len(value) <= BUTTON_VALUE_MAX, f"{where}: button value {value!r}"
        assert element.get("style", "primary") in ("primary", "danger"), f"{where}: button style {element['style']!r}"
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
_DATE = re.compile(r"!date\^\d+\^\{date_short_pretty\}\|\d{4}-\d{2}-\d{2}")
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
# The table: every public builder, with the inputs that stress it.
# ---------------------------------------------------------------------------------------------------------------------


# What the app puts in the stop modal: where the button was, so the submission can update that message.
STOP_METADATA = (
    '{"value": "1:0:1", "channel": "D0RECRUIT1", "ts": "1700000000.000100", '
    '"response_url": "https://hooks.slack.com/actions/T0KEEPWARM/1/abc"}'
)


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
    Case(rejections.build_already_recorded, "realistic", lambda b: b(record())),
    Case(rejections.build_already_recorded, "hostile at maximum lengths", lambda b: b(record(WORST))),
    Case(rejections.build_already_recorded, "every character escapes to five", lambda b: b(record(EXPANDING))),
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
    Case(home.build_home, "empty", lambda b: b(rejections=[])),
    Case(home.build_home_unavailable, "database down", lambda b: b()),
    Case(home.build_home, "realistic", lambda b: b(rejections=many(REALISTIC, 20))),
    Case(home.build_home, "200 hostile", lambda b: b(rejections=many(WORST, 200))),
    Case(home.build_home, "erased candidate", lambda b: b(rejections=[erased()])),
    Case(home.build_home, "every character escapes to five", lambda b: b(rejections=many(EXPANDING, 200))),
    Case(home.build_home, "nothing due or coming up", lambda b: b(rejections=[], checkins=[], now=SWEEP)),
    Case(
        home.build_home,
        "realistic check-ins",
        lambda b: b(rejections=many(REALISTIC, 5), checkins=many_checkins(REALISTIC, 6), policy=POLICY, now=SWEEP),
    ),
    Case(
        home.build_home,
        "100 hostile check-ins and failures, admin",
        lambda b: b(
            rejections=many(WORST, 200),
            checkins=many_checkins(WORST, 100),
            failures=many_checkins(WORST, 100, error="channel_not_found", first_id=101),
            policy=POLICY,
            now=SWEEP,
            is_admin=True,
        ),
    ),
    Case(
        home.build_home,
        "100 hostile check-ins, failures withheld from a recruiter",
        lambda b: b(
            rejections=many(WORST, 200),
            checkins=many_checkins(WORST, 100),
            failures=many_checkins(WORST, 100, error="channel_not_found", first_id=101),
            policy=POLICY,
            now=SWEEP,
        ),
    ),
    Case(
        home.build_home,
        "100 check-ins, every character escapes to five, admin",
        lambda b: b(
            rejections=many(EXPANDING, 200),
            checkins=many_checkins(EXPANDING, 100),
            failures=many_checkins(EXPANDING, 100, error="messages_tab_disabled", first_id=101),
            policy=POLICY,
            now=SWEEP,
            is_admin=True,
        ),
    ),
    Case(
        reminders.build_reminder,
        "one, realistic",
        lambda b: b(many_checkins(REALISTIC, 1), more=0, policy=POLICY, now=SWEEP),
    ),
    Case(reminders.build_reminder, "minimal", lambda b: b(many_checkins(MINIMAL, 1), more=0, policy=POLICY, now=SWEEP)),
    Case(
        reminders.build_reminder,
        "a later step, years on",
        lambda b: b([checkin(record(), step=5, due_at=AT + timedelta(days=900))], more=0, policy=POLICY, now=SWEEP),
    ),
    Case(
        reminders.build_reminder,
        "MAX_ITEMS hostile at maximum lengths, more waiting",
        lambda b: b(many_checkins(WORST, MAX_ITEMS), more=84, policy=POLICY, now=SWEEP),
    ),
    Case(
        reminders.build_reminder,
        "more check-ins given than fit",
        lambda b: b(many_checkins(REALISTIC, 40), more=0, policy=POLICY, now=SWEEP),
    ),
    Case(
        reminders.build_reminder,
        "MAX_ITEMS, every character escapes to five",
        lambda b: b(many_checkins(EXPANDING, MAX_ITEMS), more=84, policy=POLICY, now=SWEEP),
    ),
    Case(
        reminders.build_outcome,
        "reached out, in a full hostile reminder",
        lambda b: acted_on(
            b(":white_check_mark: Reached out", user_id=RECRUITER_IDS[0], when=SWEEP, next_due=SWEEP + POLICY.gap(1)),
            WORST,
        ),
    ),
    Case(
        reminders.build_outcome,
        "stopped, no next check-in",
        lambda b: acted_on(
            b(":no_entry_sign: Stopped (hired elsewhere)", user_id=RECRUITER_IDS[2], when=SWEEP, next_due=None)
        ),
    ),
    Case(
        reminders.build_outcome,
        "every check-in acted on",
        lambda b: acted_on(
            b(":zzz: Snoozed for a month", user_id=RECRUITER_IDS[1], when=SWEEP, next_due=SWEEP + timedelta(days=30)),
            WORST,
            checkin_ids=tuple(range(1, MAX_ITEMS + 1)),
        ),
    ),
    Case(checkin_modals.build_stop_modal, "realistic", lambda b: b(checkin(record()), STOP_METADATA)),
    Case(
        checkin_modals.build_stop_modal,
        "hostile at maximum lengths",
        lambda b: b(checkin(record(WORST)), STOP_METADATA),
    ),
    Case(
        checkin_modals.build_stop_modal,
        "every character escapes to five",
        lambda b: b(checkin(record(EXPANDING)), STOP_METADATA),
    ),
    Case(
        checkin_modals.build_stop_modal,
        "metadata at the limit",
        lambda b: b(checkin(record()), "m" * PRIVATE_METADATA_MAX),
    ),
    Case(checkin_modals.build_draft_modal, "first check-in", lambda b: b(checkin(record()), 0, SWEEP)),
    Case(
        checkin_modals.build_draft_modal,
        "a later check-in, hostile",
        lambda b: b(checkin(record(WORST), step=3), 3, SWEEP),
    ),
    Case(
        checkin_modals.build_draft_modal,
        "every character escapes to five",
        lambda b: b(checkin(record(EXPANDING)), 0, SWEEP),
    ),
    Case(
        roles.build_role_opened,
        "realistic matches",
        lambda b: b(open_role(), matches(REALISTIC, open_role(), 3), now=NOW, digest_channel=DIGEST_CHANNEL),
    ),
    Case(
        roles.build_role_opened,
        "no match, no digest channel",
        lambda b: b(open_role(ROLE_MINIMAL), [], now=NOW, digest_channel=None),
    ),
    Case(
        roles.build_role_opened,
        "5 hostile matches at maximum lengths",
        lambda b: b(
            open_role(ROLE_WORST), matches(WORST, open_role(ROLE_WORST), 5), now=NOW, digest_channel=DIGEST_CHANNEL
        ),
    ),
    Case(
        roles.build_role_opened,
        "every character escapes to five",
        lambda b: b(
            open_role(ROLE_EXPANDING, role_id=2**31 - 1),
            matches(EXPANDING, open_role(ROLE_EXPANDING), 5),
            now=NOW,
            digest_channel=None,
        ),
    ),
    Case(
        roles.build_role_opened,
        "a stored job ad with link-breaking characters",
        lambda b: b(stored_url(open_role()), matches(REALISTIC, open_role(), 1), now=NOW, digest_channel=None),
    ),
    Case(roles.build_role_usage, "help", lambda b: b()),
    Case(roles.build_role_usage, "one error", lambda b: b({"title": "Title is missing; start with the job title."})),
    Case(roles.build_role_usage, "hostile errors", lambda b: b(role_usage_errors(ROLE_MANY_ERRORS_COMMAND))),
    Case(
        roles.build_role_usage,
        "refused reopen",
        lambda b: b(
            {"id": "`/role reopen` takes one role number, not <!channel> & <@U123>."}, refused="Nothing was reopened"
        ),
    ),
    Case(roles.build_role_list, "empty", lambda b: b([], total=0)),
    Case(
        roles.build_role_list, "realistic, from Slack and boards", lambda b: b(many_roles(ROLE_REALISTIC, 6), total=6)
    ),
    Case(
        roles.build_role_list,
        "25 hostile of 200, hostile board",
        lambda b: b(many_roles(ROLE_WORST, 25, board="r&d<!channel>|<@U123>"), total=200),
    ),
    Case(
        roles.build_role_list,
        "25 of 200, every character escapes to five",
        lambda b: b(many_roles(ROLE_EXPANDING, 25, board="&" * 40), total=200),
    ),
    Case(roles.build_role_list, "minimal roles", lambda b: b(many_roles(ROLE_MINIMAL, 3), total=3)),
    Case(roles.build_role_closed, "closed now", lambda b: b(open_role(), changed=True)),
    Case(roles.build_role_closed, "already closed, hostile", lambda b: b(open_role(ROLE_WORST), changed=False)),
    Case(
        roles.build_role_closed,
        "board role, every character escapes to five",
        lambda b: b(open_role(ROLE_EXPANDING, source="greenhouse"), changed=True),
    ),
    Case(roles.build_role_not_found, "realistic", lambda b: b(12)),
    Case(roles.build_role_not_found, "largest id", lambda b: b(2**31 - 1)),
    Case(roles.build_already_open, "realistic", lambda b: b(open_role())),
    Case(roles.build_already_open, "hostile at maximum lengths", lambda b: b(open_role(ROLE_WORST))),
    Case(roles.build_already_open, "every character escapes to five", lambda b: b(open_role(ROLE_EXPANDING))),
    Case(
        roles.build_role_reopened,
        "no finalists, no digest channel",
        lambda b: b(open_role(), [], now=NOW, digest_channel=None),
    ),
    Case(
        roles.build_role_reopened,
        "realistic finalists",
        lambda b: b(open_role(), finalists(REALISTIC, 3), now=NOW, digest_channel=DIGEST_CHANNEL),
    ),
    Case(
        roles.build_role_reopened,
        "40 hostile finalists at maximum lengths",
        lambda b: b(open_role(ROLE_WORST), finalists(WORST, 40), now=NOW, digest_channel=DIGEST_CHANNEL),
    ),
    Case(
        roles.build_role_reopened,
        "40 finalists, every character escapes to five",
        lambda b: b(open_role(ROLE_EXPANDING), finalists(EXPANDING, 40), now=NOW, digest_channel=None),
    ),
    Case(role_modal.build_role_modal, "no metadata", lambda b: b()),
    Case(
        role_modal.build_role_modal,
        "response_url",
        lambda b: b('{"response_url": "https://hooks.slack.com/commands/T0KEEPWARM/123/abc"}'),
    ),
    Case(role_modal.build_role_modal, "metadata at the limit", lambda b: b("m" * PRIVATE_METADATA_MAX)),
    Case(
        digest.build_digest,
        "one realistic role, names shown",
        lambda b: b(digest_entries(ROLE_REALISTIC, REALISTIC, 1), show_names=True, now=NOW),
    ),
    Case(
        digest.build_digest,
        "one realistic role, names withheld",
        lambda b: b(digest_entries(ROLE_REALISTIC, REALISTIC, 1), show_names=False, now=NOW),
    ),
    Case(
        digest.build_digest,
        "roles nobody fits yet",
        lambda b: b(digest_entries(ROLE_MINIMAL, REALISTIC, 3, per_role=0), show_names=False, now=NOW),
    ),
    Case(
        digest.build_digest,
        "60 hostile roles with 5 matches each, names shown",
        lambda b: b(digest_entries(ROLE_WORST, WORST, 60), show_names=True, now=NOW),
    ),
    Case(
        digest.build_digest,
        "60 hostile roles with 5 matches each, names withheld",
        lambda b: b(digest_entries(ROLE_WORST, WORST, 60), show_names=False, now=NOW),
    ),
    Case(
        digest.build_digest,
        "60 roles, every character escapes to five, names shown",
        lambda b: b(digest_entries(ROLE_EXPANDING, EXPANDING, 60), show_names=True, now=NOW),
    ),
    Case(
        digest.build_digest,
        "60 roles, every character escapes to five, names withheld",
        lambda b: b(digest_entries(ROLE_EXPANDING, EXPANDING, 60), show_names=False, now=NOW),
    ),
    Case(
        digest.build_digest,
        "500 roles",
        lambda b: b(digest_entries(ROLE_REALISTIC, REALISTIC, 500, per_role=1), show_names=False, now=NOW),
    ),
    Case(digest.build_reveal, "nobody fits any more", lambda b: b(open_role(), [], now=NOW)),
    Case(digest.build_reveal, "realistic", lambda b: b(open_role(), matches(REALISTIC, open_role(), 5), now=NOW)),
    Case(
        digest.build_reveal,
        "hostile at maximum lengths",
        lambda b: b(open_role(ROLE_WORST), matches(WORST, open_role(ROLE_WORST), 5), now=NOW),
    ),
    Case(
        digest.build_reveal,
        "more matches given than are shown",
        lambda b: b(open_role(), matches(REALISTIC, open_role(), 60), now=NOW),
    ),
    Case(
        digest.build_reveal,
        "every character escapes to five",
        lambda b: b(open_role(ROLE_EXPANDING), matches(EXPANDING, open_role(ROLE_EXPANDING), 5), now=NOW),
    ),
    Case(
        role_alerts.build_role_alert,
        "one role, realistic",
        lambda b: b(reopened(ROLE_REALISTIC, REALISTIC, 1, 2), now=NOW),
    ),
    Case(role_alerts.build_role_alert, "minimal", lambda b: b(reopened(ROLE_MINIMAL, MINIMAL, 1, 1), now=NOW)),
    Case(
        role_alerts.build_role_alert,
        "4 hostile roles with 10 finalists each",
        lambda b: b(reopened(ROLE_WORST, WORST, 4, 10), now=NOW),
    ),
    Case(
        role_alerts.build_role_alert,
        "60 hostile roles with 15 finalists each",
        lambda b: b(reopened(ROLE_WORST, WORST, 60, 15), now=NOW),
    ),
    Case(
        role_alerts.build_role_alert,
        "60 roles with 15 finalists each, every character escapes to five",
        lambda b: b(reopened(ROLE_EXPANDING, EXPANDING, 60, 15), now=NOW),
    ),
]


# Modules of `bot.blocks` whose builders are tested elsewhere; every other module's builders need cases here.
COVERED_ELSEWHERE: set[str] = set()


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
    modules = (common, rejections, rejection_modal, home, reminders, checkin_modals, roles, role_modal, digest)
    assert {module.__name__ for module in (*modules, role_alerts)} <= {module.__name__ for module in builder_modules()}
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


def button(action_id: str) -> Json:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": "Go"}, "value": "1"}


def with_button(**changes: Any) -> Json:
    return valid_message([{"type": "actions", "elements": [button("a") | changes]}])


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
        pytest.param(valid_message([section("See <#C0ELSEWHERE>")]), "unexpected control", id="another channel"),
        pytest.param(
            valid_message([section("<https://jobs.example.com/42|**>")]), "job ad link without its title", id="no title"
        ),
        pytest.param(valid_message([section("<https://jobs.example.com/42|R&D>")]), "unescaped &", id="raw & in title"),
        pytest.param({"text": "<!here> it is", "blocks": [section("a")]}, "raw <!here>", id="raw mention in fallback"),
        pytest.param(valid_message([{"type": "image", "image_url": "https://x.io/a.png"}]), "no checks", id="unknown"),
        pytest.param(with_button(text={"type": "plain_text", "text": "x" * 76}), "76 characters", id="label of 76"),
        pytest.param(with_button(text={"type": "mrkdwn", "text": "*Done*"}), "text type 'mrkdwn'", id="mrkdwn label"),
        pytest.param(with_button(value="v" * 2001), "button value", id="value of 2001"),
        pytest.param(with_button(value=""), "button value", id="empty value"),
        pytest.param(with_button(style="warning"), "button style 'warning'", id="unknown style"),
        pytest.param(
            valid_message([{"type": "actions", "elements": [button(f"a{n}") for n in range(26)]}]),
            "26 elements",
            id="26 buttons",
        ),
        pytest.param(
            valid_message([{"type": "actions", "elements": [button("same"), button("same")]}]),
            "action_id repeated",
            id="repeated action_id",
        ),
        pytest.param(
            valid_message([{**section("a"), "accessory": {**button("r"), "value": ""}}]),
            "accessory: button value",
            id="accessory checked",
        ),
        pytest.param(
            reminders.build_reminder(many_checkins(REALISTIC, 17), more=0, policy=POLICY, now=SWEEP)
            | {"blocks": [section(f"{n}") for n in range(51)]},
            "51 blocks",
            id="a reminder of 51 blocks",
        ),
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


def with_radio(**changes: Any) -> Json:
    view = checkin_modals.build_stop_modal(checkin(record()), "m")
    blocks = [
        {**block, "element": block["element"] | changes} if block.get("block_id") == STOP_REASON_BLOCK else block
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
        pytest.param(
            with_element(modal_with(), "note", initial_value="n" * 3001),
            "initial_value of 3,001",
            id="initial value over max_length",
        ),
        pytest.param(
            with_radio(options=[{"text": {"type": "plain_text", "text": f"{n}"}, "value": f"{n}"} for n in range(11)]),
            "11 options",
            id="11 radio buttons",
        ),
        pytest.param(
            with_radio(options=[{"text": {"type": "plain_text", "text": "x" * 76}, "value": "x"}]),
            "76 characters",
            id="radio label of 76",
        ),
        pytest.param(
            with_radio(options=[{"text": {"type": "plain_text", "text": "A"}, "value": "a"}] * 2),
            "option values repeat",
            id="radio values repeat",
        ),
        pytest.param(
            {k: v for k, v in checkin_modals.build_stop_modal(checkin(record()), "m").items() if k != "submit"},
            "a modal with inputs needs a submit button",
            id="inputs without submit",
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


def test_home_shows_the_newest_rejections_and_points_to_the_rest() -> None:
    rows = many(REALISTIC, 200)
    view = home.build_home(rejections=rows)
    assert [block["type"] for block in view["blocks"]] == [
        "header",
        "section",
        "divider",
        "header",
        *["section"] * home.REJECTIONS_MAX,
        "context",
    ]
    assert home.REJECTIONS_MAX == 10
    shown = [block["text"]["text"] for block in view["blocks"][4:-1]]
    assert [re.search(r"<!date\^(\d+)\^", text).group(1) for text in shown] == [
        str(int(row.rejected_at.timestamp())) for row in rows[:10]
    ]
    assert view["blocks"][-1]["elements"][0]["text"] == "See more with `/rejected list`."
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


# ---------------------------------------------------------------------------------------------------------------------
# Check-ins: the reminder DM, what replaces its buttons, the Home tab's check-ins, and the two modals.
# ---------------------------------------------------------------------------------------------------------------------

LABELS = ["Done, I reached out", "Snooze 1 week", "Snooze 1 month", "Stop", "Draft a message"]
ACTION_IDS = [CHECKIN_DONE, CHECKIN_SNOOZE_WEEK, CHECKIN_SNOOZE_MONTH, CHECKIN_STOP, CHECKIN_DRAFT]
WHY = {
    0: "thank them, share the feedback you promised, and keep the door open",
    1: "the probation window: more than one new hire in five leaves, so the role may reopen",
    2: "a periodic check-in to stay on their radar",
}


def actions_blocks(blocks: list[Json]) -> list[Json]:
    return [block for block in blocks if block["type"] == "actions"]


def date_of(when: datetime) -> str:
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}}|{when:%Y-%m-%d}>"


def test_each_reminder_item_has_the_five_buttons_carrying_its_check_in_and_step() -> None:
    items = many_checkins(REALISTIC, 4)
    assert [item.step for item in items] == [0, 1, 2, 3]
    message = reminders.build_reminder(items, more=0, policy=POLICY, now=SWEEP)
    found = actions_blocks(message["blocks"])
    assert [block["block_id"] for block in found] == [checkin_block_id(n) for n in (1, 2, 3, 4)]
    assert checkin_block_id(4) == "checkin_actions:4"
    for block, item in zip(found, items, strict=True):
        assert [element["type"] for element in block["elements"]] == ["button"] * 5
        assert [element["text"] for element in block["elements"]] == [
            {"type": "plain_text", "text": label} for label in LABELS
        ]
        assert [element["action_id"] for element in block["elements"]] == ACTION_IDS
        # A current button expects the row as the sweep leaves it once the message is sent.
        step, due = POLICY.after_send(step=item.step, due_at=item.due_at, now=SWEEP)
        expected = f"{item.id}:{item.step}:{step}:{int(due.timestamp())}"
        assert [element["value"] for element in block["elements"]] == [expected] * 5
        assert [element.get("style") for element in block["elements"]] == ["primary", None, None, "danger", None]


@pytest.mark.parametrize(("count", "more"), [(1, 0), (2, 5), (MAX_ITEMS - 1, 0), (MAX_ITEMS, 0), (MAX_ITEMS, 84)])
def test_a_reminder_lists_each_check_in_in_three_blocks_within_50(count: int, more: int) -> None:
    assert MAX_ITEMS == 16
    message = reminders.build_reminder(many_checkins(WORST, count), more=more, policy=POLICY, now=SWEEP)
    footer = ["context"] if more else []
    assert [block["type"] for block in message["blocks"]] == [
        "header",
        *["section", "context", "actions"] * count,
        *footer,
    ]
    assert len(message["blocks"]) <= MESSAGE_BLOCKS_MAX


@pytest.mark.parametrize("count", [MAX_ITEMS + 1, 40, 100])
def test_a_reminder_given_more_than_fit_still_keeps_within_50_blocks(count: int) -> None:
    message = reminders.build_reminder(many_checkins(REALISTIC, count), more=7, policy=POLICY, now=SWEEP)
    assert len(message["blocks"]) == 1 + 3 * MAX_ITEMS + 1 == MESSAGE_BLOCKS_MAX
    assert len(actions_blocks(message["blocks"])) == MAX_ITEMS


def test_reminder_header_fallback_and_footer_count_everyone_due() -> None:
    ann = checkin(record(name="Ann Lee"), checkin_id=1)
    omar = checkin(record(name="Omar Haddad", role="Data Engineer"), checkin_id=2)
    message = reminders.build_reminder([ann, omar], more=3, policy=POLICY, now=SWEEP)
    assert message["text"] == "Time to reconnect with Ann Lee, Omar Haddad and 3 more"
    assert message["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Time to reconnect with 5 candidates"},
    }
    assert message["blocks"][-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "3 more due: open Keepwarm's *Home* tab to see them all."}],
    }
    alone = reminders.build_reminder([ann], more=0, policy=POLICY, now=SWEEP)
    assert alone["text"] == "Time to reconnect with Ann Lee"
    assert alone["blocks"][0]["text"]["text"] == "Time to reconnect with 1 candidate"
    assert alone["blocks"][-1]["type"] == "actions"


def test_reminder_item_shows_who_which_role_when_how_to_reach_them_and_the_note() -> None:
    message = reminders.build_reminder([checkin(record())], more=0, policy=POLICY, now=SWEEP)
    assert message["blocks"][1] == {
        "type": "section",
        "text": {
            "type": "mrkdwn",
            "text": "*Jane Doe*: Senior Backend Engineer · finalist · 5/5 · rejected 14 days ago\n"
            "<mailto:jane.doe@example.com|jane.doe@example.com> · <https://linkedin.com/in/jane-doe|LinkedIn> · "
            "`python` `postgres` `kubernetes`\n"
            "_Great system design round; promised written feedback by Friday._",
        },
    }


def test_reminder_escapes_what_recruiters_typed_in_blocks_and_fallback() -> None:
    rejection = record(
        MINIMAL,
        name="Zoë O'Brien & <@U123>",
        role="R&D Lead <!here>",
        stage="final",
        note="Ask about <!channel> & <https://evil.example|this>",
    )
    message = reminders.build_reminder([checkin(rejection)], more=0, policy=POLICY, now=SWEEP)
    assert message["text"] == "Time to reconnect with Zoë O'Brien &amp; &lt;@U123&gt;"
    assert message["blocks"][1]["text"]["text"] == (
        "*Zoë O'Brien &amp; &lt;@U123&gt;*: R&amp;D Lead &lt;!here&gt; · finalist · rejected 14 days ago\n"
        "_Ask about &lt;!channel&gt; &amp; &lt;https://evil.example|this&gt;_"
    )
    shown = json.dumps(message, ensure_ascii=False)
    for raw in ("<@U123>", "<!here>", "<!channel>", "<https://evil"):
        assert raw not in shown


def test_reminder_of_hostile_maximum_input_escapes_every_name_and_note() -> None:
    items = many_checkins(WORST, MAX_ITEMS)
    message = reminders.build_reminder(items, more=0, policy=POLICY, now=SWEEP)
    name = escape(items[0].candidate.name)
    assert message["text"] == truncate("Time to reconnect with " + ", ".join([name] * MAX_ITEMS), 3000)
    sections = [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]
    assert len(sections) == MAX_ITEMS
    assert all(text.startswith(f"*{name}*: ") for text in sections)
    shown = json.dumps(message, ensure_ascii=False)
    for raw in ("<@U123>", "<!here>", "<!channel>"):
        assert raw not in shown


@pytest.mark.parametrize(("step", "why"), [(0, WHY[0]), (1, WHY[1]), (2, WHY[2]), (7, WHY[2])])
def test_reminder_says_why_now_for_the_step_being_sent(step: int, why: str) -> None:
    message = reminders.build_reminder([checkin(record(), step=step)], more=0, policy=POLICY, now=SWEEP)
    assert message["blocks"][2] == {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Why now: {why}."}]}


def test_outcome_says_what_was_done_by_whom_and_what_comes_next() -> None:
    when = datetime(2025, 3, 28, 16, tzinfo=UTC)
    done = reminders.build_outcome(
        ":white_check_mark: Reached out", user_id="U0RECRUIT1", when=when, next_due=when + POLICY.gap(1)
    )
    assert done == {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": f":white_check_mark: Reached out by <@U0RECRUIT1> on {date_of(when)}. "
                f"Next check-in around {date_of(when + timedelta(days=76))}.",
            }
        ],
    }
    assert date_of(when + timedelta(days=76)).endswith("|2025-06-12>")
    stopped = reminders.build_outcome(":no_entry_sign: Stopped (other)", user_id="U0RECRUIT2", when=when, next_due=None)
    assert stopped["elements"][0]["text"] == f":no_entry_sign: Stopped (other) by <@U0RECRUIT2> on {date_of(when)}."


def test_replace_actions_swaps_only_that_check_ins_buttons() -> None:
    blocks = reminder(REALISTIC, 3)["blocks"]
    outcome = reminders.build_outcome("Reached out", user_id="U0RECRUIT1", when=SWEEP, next_due=None)
    after = reminders.replace_actions(blocks, 2, outcome)
    assert len(after) == len(blocks) == 10
    assert after[6] == outcome and blocks[6]["block_id"] == "checkin_actions:2"
    assert after[:6] == blocks[:6] and after[7:] == blocks[7:]
    assert [block["block_id"] for block in actions_blocks(after)] == ["checkin_actions:1", "checkin_actions:3"]
    assert reminders.replace_actions(blocks, 99, outcome) == blocks


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12:0:1:1768900000", (12, 0, 1, 1768900000)),
        ("1:5:5:0", (1, 5, 5, 0)),
        ("2147483647:0:1:1768900000", (2147483647, 0, 1, 1768900000)),
    ],
)
def test_button_values_round_trip(raw: str, value: tuple[int, int, int, int]) -> None:
    decoded = ButtonValue.decode(raw)
    assert decoded == ButtonValue(*value)
    assert decoded.encode() == raw


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "1:2",
        "1:2:3",
        "1:2:3:4:5",
        "-1:0:1:0",
        "2147483648:0:1:0",
        "²:0:1:0",
        "1:0:x",
        " 1:0:1",
        "1.0:0:1",
        "1::1",
        "999999999999:0:1",
        "1:0:" + "9" * 40,
    ],
)
def test_forged_button_values_decode_to_none(raw: str) -> None:
    assert ButtonValue.decode(raw) is None


def test_home_lists_due_check_ins_with_their_buttons_then_upcoming_ones() -> None:
    ann = checkin(record(name="Ann Lee"), checkin_id=1, step=0, due_at=SWEEP - timedelta(days=2))
    bo = checkin(record(name="Bo Chen", role="Data Engineer"), checkin_id=2, step=1, due_at=SWEEP)
    cy = checkin(record(name="Cy Diaz"), checkin_id=3, step=2, due_at=SWEEP + timedelta(days=9))
    view = home.build_home(rejections=[], checkins=[ann, bo, cy], policy=POLICY, now=SWEEP)
    blocks = view["blocks"]
    assert [block["type"] for block in blocks] == [
        "header",
        "section",
        "header",
        *["section", "context", "actions"] * 2,
        "header",
        "section",
        "context",
        "actions",
        "context",
        "divider",
        "header",
        "section",
    ]
    assert [block["text"]["text"] for block in blocks if block["type"] == "header"] == [
        "Keepwarm",
        "Due now (2)",
        "Coming up",
        "Your recent rejections",
    ]
    assert [blocks[n]["text"]["text"].split(":")[0] for n in (3, 6, 10)] == ["*Ann Lee*", "*Bo Chen*", "*Cy Diaz*"]
    found = actions_blocks(blocks)
    assert [block["block_id"] for block in found] == ["checkin_actions:1", "checkin_actions:2", "checkin_actions:3"]
    # A Home button acts on the check-in at the step it is at now.
    assert [block["elements"][0]["value"] for block in found] == [
        f"{c.id}:{c.step}:{c.step}:{int(c.due_at.timestamp())}" for c in (ann, bo, cy)
    ]
    assert all([element["text"]["text"] for element in block["elements"]] == LABELS for block in found)
    assert blocks[13]["elements"][0]["text"] == f"Due {date_of(SWEEP + timedelta(days=9))}"


def test_home_with_nothing_due_or_coming_up_says_so() -> None:
    view = home.build_home(rejections=[], checkins=[], now=SWEEP)
    texts = [block["text"]["text"] for block in view["blocks"] if "text" in block]
    assert texts[2:5] == ["Due now (0)", "Nothing is due. Well done.", "Coming up"]
    assert texts[5] == "No check-ins in the next weeks."
    assert actions_blocks(view["blocks"]) == []


def test_home_caps_due_and_upcoming_check_ins_and_counts_all_that_are_due() -> None:
    items = many_checkins(REALISTIC, 100)
    view = home.build_home(rejections=many(REALISTIC, 50), checkins=items, now=SWEEP)
    assert view["blocks"][2]["text"]["text"] == "Due now (51)"
    ids = [int(block["block_id"].split(":")[1]) for block in actions_blocks(view["blocks"])]
    assert ids == [*range(1, home.DUE_MAX + 1), *range(52, 52 + home.UPCOMING_MAX)]
    assert (home.DUE_MAX, home.UPCOMING_MAX) == (10, 8)
    assert len(view["blocks"]) <= VIEW_BLOCKS_MAX


@pytest.mark.parametrize("is_admin", [True, False])
def test_delivery_failures_and_retry_buttons_are_for_admins_only(is_admin: bool) -> None:
    failed = checkin(record(WORST), checkin_id=7, due_at=SWEEP, error="messages_tab_disabled")
    view = home.build_home(rejections=[], checkins=[failed], failures=[failed], now=SWEEP, is_admin=is_admin)
    retry = [block for block in view["blocks"] if "accessory" in block]
    headers = [block["text"]["text"] for block in view["blocks"] if block["type"] == "header"]
    if not is_admin:
        assert retry == []
        assert "Reminders Slack refused to deliver" not in headers
        assert "messages_tab_disabled" not in json.dumps(view)
        return
    assert headers[-1] == "Reminders Slack refused to deliver"
    [block] = retry
    assert block["text"]["text"] == (
        f"<@U0RECRUIT1> · {escape(failed.candidate.name)} · Slack said `messages_tab_disabled` ({date_of(SWEEP)})"
    )
    assert block["accessory"] == {
        "type": "button",
        "action_id": RETRY_DELIVERY,
        "text": {"type": "plain_text", "text": "Retry delivery"},
        "value": "7",
    }


def test_stop_modal_asks_why_with_the_known_reasons() -> None:
    item = checkin(record(WORST))
    view = checkin_modals.build_stop_modal(item, STOP_METADATA)
    assert (view["type"], view["callback_id"], view["private_metadata"]) == ("modal", STOP_MODAL, STOP_METADATA)
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == (
        "Stop check-ins",
        "Stop",
        "Cancel",
    )
    assert view["blocks"][0]["text"] == {
        "type": "mrkdwn",
        "text": f"No more check-ins for *{escape(item.candidate.name)}*. Why?",
    }
    reason = view["blocks"][1]
    assert (reason["type"], reason["block_id"]) == ("input", STOP_REASON_BLOCK)
    assert (reason["element"]["type"], reason["element"]["action_id"]) == ("radio_buttons", FIELD_ACTION)
    assert [(option["value"], option["text"]["text"]) for option in reason["element"]["options"]] == [
        ("hired_elsewhere", "Hired elsewhere"),
        ("not_interested", "Not interested"),
        ("other", "Other"),
    ]
    assert list(STOP_REASONS) == ["hired_elsewhere", "not_interested", "other"]
    assert "<@U123>" not in json.dumps(view) and "<!channel>" not in json.dumps(view)


DRAFT_CLOSE = (
    "I saw real talent in you during our process, and even though it did not work out that time, "
    "I would love to keep in touch. If a role comes up that fits you, may I reach out? "
    "And I am always happy to hear what you are working on.\n\nAll the best,"
)


def test_draft_for_the_first_check_in_gives_the_promised_feedback() -> None:
    assert checkin_modals.draft_text(checkin(record(), step=0), 0, SWEEP) == (
        "Hi Jane,\n\nThank you again for the time you gave us for the Senior Backend Engineer role. "
        "I promised you feedback, so here it is: [what the team liked, and what would make the difference next time]."
        f"\n\n{DRAFT_CLOSE}"
    )


@pytest.mark.parametrize(
    ("step", "days", "since"), [(1, 90, "3 months"), (2, 270, "9 months"), (5, 800, "2 years"), (3, 40, "40 days")]
)
def test_draft_for_a_later_check_in_asks_how_they_are(step: int, days: int, since: str) -> None:
    text = checkin_modals.draft_text(checkin(record(), step=step), step, AT + timedelta(days=days))
    assert text == (
        f"Hi Jane,\n\nIt has been {since} since we spoke about the Senior Backend Engineer role, "
        f"and I wanted to check in: how are things?\n\n{DRAFT_CLOSE}"
    )
    assert "feedback" not in text


def test_draft_uses_the_first_name_and_the_role_as_typed() -> None:
    item = checkin(record(WORST), step=0)
    text = checkin_modals.draft_text(item, 0, SWEEP)
    assert text.startswith("Hi Zoë,\n\n")
    assert f"for the {item.rejection.role_title} role" in text  # shown as plain text: not escaped, not mrkdwn


def test_draft_modal_shows_the_draft_as_plain_text_and_escapes_the_name() -> None:
    for raw, step in ((REALISTIC, 0), (WORST, 2), (EXPANDING, 0)):
        item = checkin(record(raw), step=step)
        view = checkin_modals.build_draft_modal(item, step, SWEEP)
        check_blocks(view["blocks"], limit=VIEW_BLOCKS_MAX, where="draft modal")
        for mrkdwn, where in mrkdwn_texts(view["blocks"]):
            check_escaped(mrkdwn, where)
        assert f"your note to *{escape(item.candidate.name)}*." in view["blocks"][0]["text"]["text"]
        draft = view["blocks"][1]["text"]
        assert draft == {"type": "plain_text", "text": truncate(checkin_modals.draft_text(item, step, SWEEP), 3000)}
        assert (view["title"]["text"], view["close"]["text"]) == ("Draft a message", "Done")


def test_draft_modal_has_no_input_so_slack_needs_no_submit_button() -> None:
    """Slack refuses a modal with an input block and no submit; the draft is read-only text instead."""
    view = checkin_modals.build_draft_modal(checkin(record()), 0, SWEEP)
    assert not any(block["type"] == "input" for block in view["blocks"])
    assert "submit" not in view


# ---------------------------------------------------------------------------------------------------------------------
# Roles: the `/role` replies, the modal, the channel digest with its reveal, and the reopen DM.
# ---------------------------------------------------------------------------------------------------------------------


def buttons(message: Json, action_id: str) -> list[Json]:
    return [
        block["accessory"] for block in message["blocks"] if block.get("accessory", {}).get("action_id") == action_id
    ]


def test_role_opened_lists_each_match_with_why_its_owner_and_a_reach_out_button() -> None:
    role = open_role()
    found = matches(REALISTIC, role, 3, named=True)
    message = roles.build_role_opened(role, found, now=NOW, digest_channel=DIGEST_CHANNEL)
    assert message["text"] == "Opened role #12: Senior Backend Engineer; 3 past candidates fit"
    assert message["blocks"][0]["text"]["text"] == (
        ":briefcase: Opened role #12 <https://jobs.example.com/backend-engineer|*Senior Backend Engineer*> · Berlin"
        " · Platform. Past candidates who fit, best first:"
    )
    lines = [block["text"]["text"] for block in message["blocks"][1:-1]]
    assert lines == [f"*{m.name}*: {m.reason(NOW)} · owner <@{m.owner_user_id}>" for m in found]
    assert "python, postgres; was finalist for Senior Backend Engineer" in lines[0]
    assert [button["value"] for button in buttons(message, ROLE_REACH_OUT)] == [f"12:{m.candidate_id}" for m in found]
    assert f"<#{DIGEST_CHANNEL}>" in message["blocks"][-1]["elements"][0]["text"]
    unset = roles.build_role_opened(role, [], now=NOW, digest_channel=None)
    assert "No past finalists or strongly rated candidates fit it yet." in unset["blocks"][0]["text"]["text"]
    assert "No digest channel is set up" in unset["blocks"][0]["text"]["text"]
    assert buttons(unset, ROLE_REACH_OUT) == []


def test_role_reopened_lists_at_most_30_finalists_and_names_each_owner_once() -> None:
    message = roles.build_role_reopened(open_role(ROLE_WORST), finalists(WORST, 40), now=NOW, digest_channel=None)
    shown = [block for block in message["blocks"] if block["type"] == "section"][1:]
    assert len(shown) == roles.FINALISTS_SHOWN == 30
    assert message["blocks"][-2]["elements"][0]["text"] == "and 10 more"
    owners = message["blocks"][-1]["elements"][0]["text"]
    assert owners.startswith("Their owners (<@U0RECRUIT1>, <@U0RECRUIT2>, <@W0RECRUIT3>) get a DM")
    assert message["text"].endswith("; 40 past finalists")
    assert len(message["blocks"]) <= MESSAGE_BLOCKS_MAX


def test_role_list_says_where_each_role_came_from_and_whether_a_digest_showed_it() -> None:
    listed = many_roles(ROLE_REALISTIC, 3)
    message = roles.build_role_list(listed, total=30)
    assert message["text"] == "Open roles: 30"
    assert message["blocks"][0]["text"]["text"] == "Open roles (30)"
    texts = [block["text"]["text"] for block in message["blocks"][1:4]]
    assert "opened in Slack by <@U0RECRUIT1>" in texts[0] and "in the digest of <!date^" in texts[0]
    assert "from Greenhouse (acme)" in texts[1] and "waiting for the next digest" in texts[1]
    assert "<https://boards.greenhouse.io/acme/jobs/4000001|*Senior Backend Engineer*>" in texts[1]
    assert "from Lever (acme)" in texts[2]
    assert message["blocks"][-1]["elements"][0]["text"] == "27 older open roles are not shown."


def test_role_modal_inputs_are_the_role_fields_with_the_validators_limits() -> None:
    view = role_modal.build_role_modal("meta")
    assert (view["callback_id"], view["private_metadata"]) == (ROLE_MODAL, "meta")
    assert [block["block_id"] for block in view["blocks"]] == list(ROLE_FIELDS)
    assert [block["block_id"] for block in view["blocks"] if not block["optional"]] == ["title"]
    elements = {block["block_id"]: block["element"] for block in view["blocks"]}
    assert (elements["title"]["max_length"], elements["location"]["max_length"]) == (TITLE_MAX, LOCATION_MAX)
    assert elements["team"]["max_length"] == TEAM_MAX
    assert elements["url"]["type"] == "url_text_input"
    assert {element["action_id"] for element in elements.values()} == {FIELD_ACTION}


def named_entries(count: int) -> list[DigestEntry]:
    """Roles with distinctly named candidates, the last one with nobody who fits."""
    listed = many_roles(ROLE_REALISTIC, count)
    entries = [DigestEntry(role, matches(REALISTIC, role, TOP_MATCHES, named=True), more=True) for role in listed]
    return [*entries[:-1], DigestEntry(listed[-1], [])]


def test_digest_without_names_shows_only_counts_owners_and_a_reveal_button_per_role() -> None:
    entries = named_entries(4)
    message = digest.build_digest(entries, show_names=False, now=NOW)
    shown = json.dumps(message, ensure_ascii=False)
    for match in (match for entry in entries for match in entry.matches):
        assert match.name not in shown and match.name.split()[0] not in shown
        assert match.reason(NOW) not in shown
    for private in ("jane.doe@example.com", "@example.com", "linkedin", "Great system design", "feedback"):
        assert private not in shown.lower()
    assert buttons(message, ROLE_REACH_OUT) == []
    reveal = buttons(message, DIGEST_REVEAL)
    assert [button["value"] for button in reveal] == [str(entry.role.id) for entry in entries[:-1]]
    assert {button["text"]["text"] for button in reveal} == {"Show names"}
    for entry, block in zip(entries[:-1], message["blocks"][1:4], strict=True):
        assert "5+ past candidate(s) fit · owners: <@U0RECRUIT1>, <@U0RECRUIT2>, <@W0RECRUIT3>" in block["text"]["text"]
        assert f"(#{entry.role.id})" in block["text"]["text"]
    assert message["blocks"][4] == section(
        "*<https://jobs.example.com/backend-engineer|Senior Backend Engineer>* (#4)\nBerlin · Platform · opened with"
        " /role\nNo past candidate fits yet."
    )
    assert "Show names" in message["blocks"][-1]["elements"][0]["text"]


def test_digest_with_names_shows_each_match_with_a_reach_out_button_and_still_no_contact_details() -> None:
    entries = named_entries(3)
    message = digest.build_digest(entries, show_names=True, now=NOW)
    shown = json.dumps(message, ensure_ascii=False)
    for entry in entries:
        for match in entry.matches:
            assert f"*{match.name}*: {match.reason(NOW)} · owner <@{match.owner_user_id}>" in shown
    assert [button["value"] for button in buttons(message, ROLE_REACH_OUT)] == [
        f"{entry.role.id}:{match.candidate_id}" for entry in entries for match in entry.matches
    ]
    assert buttons(message, DIGEST_REVEAL) == []
    for private in ("@example.com", "linkedin", "Great system design", "feedback"):
        assert private not in shown.lower()


@pytest.mark.parametrize("show_names", [True, False])
@pytest.mark.parametrize(("role_raw", "candidate_raw"), [(ROLE_WORST, WORST), (ROLE_EXPANDING, EXPANDING)])
def test_a_digest_of_60_roles_keeps_within_50_blocks_and_accounts_for_every_role(
    show_names: bool, role_raw: dict[str, str | None], candidate_raw: dict[str, str | None]
) -> None:
    entries = digest_entries(role_raw, candidate_raw, 60)
    message = digest.build_digest(entries, show_names=show_names, now=NOW)
    blocks = message["blocks"]
    assert len(blocks) <= MESSAGE_BLOCKS_MAX
    per_role = 1 + TOP_MATCHES if show_names else 1
    assert len(blocks) + per_role > MESSAGE_BLOCKS_MAX, "room was left for another role in full"
    action = ROLE_REACH_OUT if show_names else DIGEST_REVEAL
    full = list(dict.fromkeys(int(button["value"].split(":")[0]) for button in buttons(message, action)))
    compact = blocks[-2]["text"]["text"]
    assert compact.startswith(f"*{60 - len(full)} more new role(s)*")
    listed = [int(n) for n in re.findall(r" \(#(\d+)\): 5\+?$", compact, flags=re.MULTILINE)]
    left = re.search(r"… and (\d+) more: see `/role list`$", compact)
    assert full + listed == list(range(1, len(full) + len(listed) + 1))
    assert len(full) + len(listed) + (int(left.group(1)) if left else 0) == 60
    assert len(compact) <= TEXT_OBJECT_MAX


def test_reveal_shows_at_most_the_top_matches_only_to_whoever_asked() -> None:
    role = open_role()
    found = matches(REALISTIC, role, 8, named=True)
    message = digest.build_reveal(role, found, now=NOW)
    assert "only you can see this" in message["blocks"][0]["text"]["text"]
    assert [button["value"] for button in buttons(message, ROLE_REACH_OUT)] == [
        f"12:{match.candidate_id}" for match in found[:TOP_MATCHES]
    ]
    none_left = digest.build_reveal(role, [], now=NOW)
    assert "No past candidate fits" in none_left["text"] and buttons(none_left, ROLE_REACH_OUT) == []


def test_role_alert_keeps_within_50_blocks_with_many_roles_and_finalists() -> None:
    alerts = reopened(ROLE_WORST, WORST, 60, 15)
    message = role_alerts.build_role_alert(alerts, now=NOW)
    assert len(message["blocks"]) <= MESSAGE_BLOCKS_MAX
    shown = alerts[: role_alerts.ROLES_MAX]
    assert [button["value"] for button in buttons(message, ROLE_REACH_OUT)] == [
        f"{role.id}:{finalist.candidate_id}"
        for role, found in shown
        for finalist in found[: role_alerts.FINALISTS_PER_ROLE]
    ]
    contexts = [block["elements"][0]["text"] for block in message["blocks"] if block["type"] == "context"]
    assert contexts == [*["and 5 more"] * len(shown), "and 56 more reopened role(s): see `/role list`"]


def test_role_alert_names_the_roles_in_its_fallback_escaped() -> None:
    alerts = reopened(ROLE_REALISTIC, REALISTIC, 1, 2) + reopened(ROLE_MINIMAL, MINIMAL, 1, 1)
    message = role_alerts.build_role_alert(alerts, now=NOW)
    assert message["text"] == "Open again, and you have finalists for it: Senior Backend Engineer, QA"
    hostile = role_alerts.build_role_alert([(open_role(ROLE_WORST), finalists(WORST, 1))], now=NOW)
    assert hostile["text"] == "Open again, and you have finalists for it: " + escape(open_role(ROLE_WORST).title)


def test_the_owner_of_a_match_stays_named_whatever_the_reason_is() -> None:
    role = open_role(ROLE_EXPANDING)
    found = matches(EXPANDING, role, 1)
    for message in (
        roles.build_role_opened(role, found, now=NOW, digest_channel=None),
        digest.build_reveal(role, found, now=NOW),
    ):
        [block] = [block for block in message["blocks"] if "accessory" in block]
        assert block["text"]["text"].endswith(f"<@{found[0].owner_user_id}>")
