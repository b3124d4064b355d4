"""In-memory inputs for the Block Kit builders, built the way the app builds them: raw text through
`validate_rejection` and `validate_role`, then into models (no database). Realistic, hostile at the maximum lengths
the validator accepts, and maximally expanding under escaping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.blocks import (
    ats_notices,
    reminders,
)
from bot.blocks.digest import TOP_MATCHES, DigestEntry
from bot.blocks.reminders import MAX_ITEMS
from bot.fields import TAG_MAX, TAGS_MAX, URL_MAX, InputErrors
from bot.rejection_input import (
    EMAIL_MAX,
    LINKEDIN_MAX,
    NAME_MAX,
    NOTE_MAX,
    ROLE_MAX,
    parse_rejection_command,
    validate_rejection,
)
from bot.role_input import LOCATION_MAX, TEAM_MAX, TITLE_MAX, parse_role_command, validate_role
from models import AtsNotice, Candidate, Checkin, CheckinStatus, Decision, NoticeKind, Recruiter, Rejection
from models.ats_decisions import NoticeRefusal, RefusedNotice
from models.ats_intake import NAME_MAX as NOTICE_NAME_MAX
from models.ats_intake import ROLE_MAX as NOTICE_ROLE_MAX
from models.ats_intake import STAGE_NAME_MAX
from models.ats_queue import WaitingQueue
from models.matching import Match, is_matchable
from models.policy import Policy
from models.rejection import RejectionInput
from models.role import Role, RoleStatus
from models.roles import Finalist
from models.terms import query_terms, words

Json = dict[str, Any]

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
    if rejection.candidate.id is None:
        rejection.candidate.id = checkin_id  # as stored, so She agreed names its candidate
    return Checkin(
        id=checkin_id,
        team_id=TEAM_ID,
        candidate=rejection.candidate,
        recruiter=rejection.recruiter,
        rejection=rejection,
        step=step,
        due_at=due,
        status=CheckinStatus.ACTIVE,
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


# Stage names as the ATS sends them, cut to what the intake stores.
STAGE_REALISTIC = "Onsite Interview"
STAGE_WORST = exactly(HOSTILE, STAGE_NAME_MAX)
STAGE_EXPANDING = "&" * STAGE_NAME_MAX
ATS_SOURCES = ("greenhouse", "lever", "ashby")


def queued(
    raw: dict[str, str | None], count: int, *, stage_name: str = STAGE_REALISTIC, total: int | None = None
) -> WaitingQueue:
    """`count` ATS rejections waiting for a recruiter (of `total` in all), oldest first, in memory: from each ATS in
    turn; every other one names the candidate's address as its recruiter's (nobody in Slack has it), the rest no one."""
    clean = entry(raw)
    notices = [
        AtsNotice(
            id=n + 1,
            team_id=TEAM_ID,
            source=ATS_SOURCES[n % len(ATS_SOURCES)],
            kind=NoticeKind.REJECTED,
            ats_candidate_id=f"cand-{n}",
            application_id=f"app-{n}",
            name=clean.name,
            role_title=clean.role,
            stage_name=stage_name,
            recruiter_email=clean.email if n % 2 == 0 else None,
            rejected_at=AT + timedelta(hours=n),
        )
        for n in range(count)
    ]
    return WaitingQueue(notices, count if total is None else total)


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
        status=RoleStatus.OPEN,
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

# What the app puts in the stop modal: where the button was, so the submission can update that message.
STOP_METADATA = (
    '{"value": "1:0:1", "channel": "D0RECRUIT1", "ts": "1700000000.000100", '
    '"response_url": "https://hooks.slack.com/actions/T0KEEPWARM/1/abc"}'
)


# ---------------------------------------------------------------------------------------------------------------------
# ATS notices: in memory, with what models/ats_intake.py stores from an ATS event (its length limits; the reason is
# unbounded text, as the ATS sent it).
# ---------------------------------------------------------------------------------------------------------------------

NOTICE_REALISTIC: dict[str, str | None] = {
    "name": "Priya Raman",
    "role": "Staff Platform Engineer",
    "stage_name": "Onsite",
    "reason": "Hired another candidate",
    "email": "priya.raman@example.com",
    "linkedin": "https://www.linkedin.com/in/priya-raman",
}
NOTICE_WORST: dict[str, str | None] = {
    "name": exactly(HOSTILE, NOTICE_NAME_MAX),
    "role": exactly("R&D Lead <!here> 🚀 <@U123> ", NOTICE_ROLE_MAX),
    "stage_name": exactly("Onsite & <!channel> <@U123> ", STAGE_NAME_MAX),
    "reason": exactly(f"Reason: {HOSTILE}", 20_000),
    "email": entry(WORST).email,  # cleaned as processing cleans what the ATS sent
    "linkedin": entry(WORST).linkedin,
}
NOTICE_EXPANDING: dict[str, str | None] = {
    "name": "A" + "&" * (NOTICE_NAME_MAX - 1),
    "role": "R" + "&" * (NOTICE_ROLE_MAX - 1),
    "stage_name": "S" + "&" * (STAGE_NAME_MAX - 1),
    "reason": "&" * 20_000,
    "email": entry(EXPANDING).email,
    "linkedin": entry(EXPANDING).linkedin,
}
NOTICE_MINIMAL: dict[str, str | None] = {"name": "Li"}


def notice(
    raw: dict[str, str | None] = NOTICE_REALISTIC,
    *,
    notice_id: int = 1,
    kind: NoticeKind = NoticeKind.REJECTED,
    source: str = "greenhouse",
    stage: str | None = "final",
    by_candidate: bool = False,
    auto_kept: bool = False,
    decision: Decision | None = None,
    decided_by: str | None = None,
) -> AtsNotice:
    """A notice as processing an ATS event stores it, in memory; a decided one as a click or the ATS leaves it."""
    return AtsNotice(
        id=notice_id,
        team_id=TEAM_ID,
        source=source,
        kind=kind,
        ats_candidate_id=f"cand-{notice_id}",
        application_id=f"app-{notice_id}",
        name=raw["name"],
        email=raw.get("email"),
        linkedin_url=raw.get("linkedin"),
        role_title=raw.get("role"),
        stage=stage if kind == NoticeKind.REJECTED else None,
        stage_name=raw.get("stage_name"),
        reason=raw.get("reason"),
        rejected_by_candidate=by_candidate,
        rejected_at=AT,
        auto_kept=auto_kept,
        decision=decision,
        decided_by=decided_by,
        decided_at=None if decision is None else AT + timedelta(days=1),
    )


def notices_of_each_kind(raw: dict[str, str | None], *, first_id: int = 1) -> list[AtsNotice]:
    """One notice of each shape a DM shows: asking, asking after they rejected us, kept without asking (with and
    without check-ins), from each ATS, a hire and a new application."""
    return [
        notice(raw, notice_id=first_id, source="greenhouse"),
        notice(raw, notice_id=first_id + 1, source="lever", by_candidate=True),
        notice(raw, notice_id=first_id + 2, source="ashby", auto_kept=True, decision=Decision.KEPT),
        notice(raw, notice_id=first_id + 3, source="ashby", stage="interview", auto_kept=True, decision=Decision.KEPT),
        notice(raw, notice_id=first_id + 4, kind=NoticeKind.HIRED),
        notice(raw, notice_id=first_id + 5, kind=NoticeKind.APPLIED, source="lever"),
    ]


def many_notices(raw: dict[str, str | None], count: int) -> list[AtsNotice]:
    """`count` notices, cycling through every shape."""
    shapes = notices_of_each_kind(raw)
    return [
        notice(
            raw,
            notice_id=n + 1,
            kind=NoticeKind(shapes[n % 6].kind),
            source=shapes[n % 6].source,
            stage=shapes[n % 6].stage or "final",
            by_candidate=shapes[n % 6].rejected_by_candidate,
            auto_kept=shapes[n % 6].auto_kept,
            decision=None if shapes[n % 6].decision is None else Decision(shapes[n % 6].decision),
        )
        for n in range(count)
    ]


# When the check-ins of a rejection kept without asking start: the first check-in of a final-stage rejection.
FIRST_CHECKIN = POLICY.first_checkin(AT)


def first_checkins(notices: list[AtsNotice]) -> dict[int, datetime]:
    """Check-ins for the final-stage rejections kept without asking, none for the others (as the sweep finds)."""
    return {n.id: FIRST_CHECKIN for n in notices if n.auto_kept and n.stage == "final"}


def decided_notices(build: Any, raw: dict[str, str | None]) -> Json:
    """A full DM after every notice in it was decided, each way it can be, the way the app updates it."""
    shown = many_notices(raw, ats_notices.MAX_NOTICES)
    message = build(shown, first_checkins=first_checkins(shown), more=2)
    outcomes = [Decision.KEPT, Decision.DISMISSED, Decision.WITHDRAWN, Decision.UNDONE]
    blocks = message["blocks"]
    for n, item in enumerate(shown):
        if item.kind != NoticeKind.REJECTED:
            continue
        item.decision, item.decided_by = outcomes[n % 4], RECRUITER_IDS[n % 3]
        item.decided_at = SWEEP
        item.auto_kept = item.auto_kept and item.decision != Decision.KEPT
        block = ats_notices.decision_block(item, first_checkin=FIRST_CHECKIN if n % 8 == 0 else None)
        blocks = ats_notices.replace_notice_actions(blocks, item.id, block)
    return message | {"blocks": blocks}


def notice_answers(raw: dict[str, str | None]) -> dict[str, str]:
    """Every answer a click on a notice can get, by what happened, about a candidate named as in `raw`."""
    answers = {
        "gone or not theirs": ats_notices.NOTICE_NOT_FOUND,
        "database down": ats_notices.NOTICE_UNAVAILABLE,
    }
    decided = [
        ("kept without asking", Decision.KEPT, True),
        ("already kept", Decision.KEPT, False),
        ("dismissed", Decision.DISMISSED, False),
        ("undone", Decision.UNDONE, True),
        ("withdrawn", Decision.WITHDRAWN, False),
    ]
    for label, decision, auto in decided:
        item = notice(raw, auto_kept=auto, decision=decision, decided_by=RECRUITER_IDS[0])
        answers[label] = ats_notices.notice_refusal(RefusedNotice(NoticeRefusal.DECIDED, item))
    return answers


# ---------------------------------------------------------------------------------------------------------------------
# An import's report (jobs/import_candidates.py), worded as the command prints it: realistic, and hostile (values from
# the file are quoted in its problems and lines, whatever their length).
# ---------------------------------------------------------------------------------------------------------------------

IMPORT_SUMMARY = (
    "6 rejections recorded, for 5 new candidates and 0 already in Keepwarm; 0 rows skipped as already recorded; "
    "4 check-ins scheduled for 3 recruiters"
)
IMPORT_REFUSED = (
    "nothing was imported: 6 of 8 rows have problems; fix them and import the file again, or import only the valid "
    "rows (--skip-invalid)"
)
IMPORT_LINES = [
    "columns: name “Name”, email “Email”, role “Role”, stage “Stage”, rating “Rating”, recruiter “Recruiter”",
    "ignored columns: “Candidate ID”, “Source”",
    "check-ins for U0ANA (ana@acme.example): 1, the first due 2026-02-01, at most 1 due on one day",
    "check-ins for U0BOSS (--owner): 2, the first due 2026-01-13, at most 1 due on one day",
]
IMPORT_PROBLEMS = [
    "line 4 (row 3 in a spreadsheet): Email “bob@” is not a valid address; use the form name@example.com.",
    "line 8 (row 7 in a spreadsheet): recruiter “nobody@acme.example” is not in Slack (no active member has that "
    "email); fix it, or pass --owner U… to give these candidates to whoever runs the import.",
]


def import_lines(unit: str, count: int, length: int, *, more: int = 0) -> list[str]:
    """`count` lines quoting a value of `length` characters made of `unit`, then the count of the rest."""
    lines = [f"line {n + 2}: Email “{exactly(unit, length)}” is not a valid address." for n in range(count)]
    return lines + ([f"… and {more:,} more problems"] if more else [])
