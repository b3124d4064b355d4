"""models/imports.py records a batch of past rejections as recording them one by one would, on SQLite and PostgreSQL.

The equivalence test records the same rows twice into one database, under two teams (every look-up is per team):
one row at a time through `record_rejection` (with the import's rejection source and reason, and each check-in it
starts moved to `Policy.next_after`), and through `record_past_rejections` in batches of seven, so that rows of one
candidate fall in different batches. Candidates, rejections, check-ins, the matching index and its counts must be
the same, compared in creation order since the two paths interleave their ids differently. The other tests pin what
an import does differently: repeats are skipped, an old rejection leaves a newer stream alone.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.rejection_input import validate_rejection
from models import (
    Act,
    AuditEntry,
    Candidate,
    Checkin,
    CheckinStatus,
    MatchTerm,
    MatchTermCount,
    Recruiter,
    Rejection,
    StopReason,
)
from models.audit import IMPORT_ACTOR
from models.checkins import stop
from models.imports import (
    SOURCE,
    BatchResult,
    Outcome,
    PastRejection,
    import_mark,
    record_past_rejections,
)
from models.matching import find_matches
from models.policy import Policy
from models.records import record_rejection
from testkit.data import reject

NOW = datetime(2026, 1, 12, 9, tzinfo=UTC)
POLICY = Policy()
REFERENCE, BATCHED = "T0REFERENCE", "T0BATCHED"
RECRUITERS = ("U0ANA", "U0BEN", "U0CAT")
ROLES = (
    "Senior Backend Engineer",
    "Data Scientist (Python)",
    "Product Designer",
    "Site Reliability Engineer - Berlin",
    "Account Executive, Payments",
)
TAGS = ("python", "go", "figma", "postgres", "kubernetes", "salesforce", "react native")
NOTES = (None, None, "great python depth", "close second to the hire", "keep warm for the next Payments opening")
DAY = timedelta(days=1)


def entry(
    name: str,
    role: str,
    *,
    stage: str = "final",
    rating: int | None = None,
    email: str | None = None,
    linkedin: str | None = None,
    tags: str = "",
    note: str | None = None,
) -> Any:
    return validate_rejection(
        {
            "name": name,
            "role": role,
            "stage": stage,
            "rating": None if rating is None else str(rating),
            "email": email,
            "linkedin": linkedin,
            "tags": tags,
            "note": note,
        }
    )


def people() -> list[dict[str, str | None]]:
    """Who the rows are about: with an email, with only a LinkedIn (one shared with an emailed person), or with
    neither (two different people called Jane Smith)."""
    found: list[dict[str, str | None]] = [
        {"name": f"Person {n}", "email": f"person{n}@example.com", "linkedin": None} for n in range(12)
    ]
    found[3]["linkedin"] = "https://www.linkedin.com/in/shared-profile"
    found += [{"name": f"Linked {n}", "email": None, "linkedin": f"linkedin.com/in/linked-{n}"} for n in range(4)]
    found.append({"name": "Shared Profile", "email": None, "linkedin": "https://www.linkedin.com/in/shared-profile"})
    found += [{"name": "Jane Smith", "email": None, "linkedin": None} for _ in range(2)]
    found += [{"name": f"Nameless {n}", "email": None, "linkedin": None} for n in range(3)]
    return found


def generated_rows(count: int, start: datetime) -> list[PastRejection]:
    """Rows in date order, two days or more apart, each person's roles different: no row repeats another."""
    rng = random.Random(13)
    who = people()
    rows, at = [], start
    for _ in range(count):
        person = rng.choice(who)
        at += timedelta(days=rng.randrange(2, 9), hours=rng.randrange(24))
        stage = rng.choice(("screen", "interview", "final", "final"))
        rows.append(
            PastRejection(
                entry=entry(
                    str(person["name"]),
                    rng.choice(ROLES) + ("" if person["email"] else f" {len(rows)}"),
                    stage=stage,
                    rating=rng.choice((None, 2, 3, 4, 5)),
                    email=person["email"],
                    linkedin=person["linkedin"],
                    tags=",".join(rng.sample(TAGS, rng.randrange(4))),
                    note=rng.choice(NOTES),
                ),
                user_id=rng.choice(RECRUITERS),
                rejected_at=at,
                reason=rng.choice((None, "Hired someone else", "Not enough experience")),
            )
        )
    return rows


def seed_before(sessions: sessionmaker[Session], team: str, start: datetime) -> None:
    """What both teams held before the import, all older than its rows: rejections with streams, one stopped, and
    an opted-out candidate."""
    for n in (0, 1, 2, 3):
        reject(
            sessions, f"Person {n}", "Backend Engineer", email=f"person{n}@example.com", team=team, at=start - 90 * DAY
        )
    reject(sessions, "Linked 0", "Designer", linkedin="linkedin.com/in/linked-0", team=team, at=start - 80 * DAY)
    with sessions.begin() as session:
        checkin = session.scalars(
            select(Checkin).join(Candidate).where(Candidate.team_id == team, Candidate.email == "person1@example.com")
        ).one()
        stop(session=session, checkin=checkin, user_id="U0ANA", reason=StopReason.OTHER, note=None, now=start - DAY)
        person = session.scalars(
            select(Candidate).where(Candidate.team_id == team, Candidate.email == "person2@example.com")
        ).one()
        person.opted_out = True


def record_one_by_one(sessions: sessionmaker[Session], rows: Sequence[PastRejection]) -> None:
    """As `/rejected` records each row, except the rows of an opted-out candidate, which an import skips."""
    for row in rows:
        assert row.rejected_at is not None
        with sessions.begin() as session:
            opted_out = session.scalar(
                select(Candidate.opted_out).where(Candidate.team_id == REFERENCE, Candidate.email == row.entry.email)
            )
            if opted_out:
                continue
            rejection = record_rejection(
                session=session,
                team_id=REFERENCE,
                user_id=row.user_id,
                entry=row.entry,
                policy=POLICY,
                now=row.rejected_at,
            )
            rejection.source, rejection.reason = SOURCE, row.reason
            checkin = session.scalars(select(Checkin).where(Checkin.rejection_id == rejection.id)).one_or_none()
            if checkin is not None:
                checkin.step, checkin.due_at = POLICY.next_after(row.rejected_at, NOW)


def record_in_batches(sessions: sessionmaker[Session], rows: Sequence[PastRejection], size: int = 7) -> BatchResult:
    """Every batch in a transaction of its own, as the import commits them; the results added up."""
    with sessions.begin() as session:
        mark = import_mark(session)
    total = BatchResult()
    for start in range(0, len(rows), size):
        with sessions.begin() as session:
            result = record_past_rejections(
                session=session,
                team_id=BATCHED,
                rows=rows[start : start + size],
                policy=POLICY,
                now=NOW,
                mark=mark,
                actor=IMPORT_ACTOR,
            )
        total.outcomes += result.outcomes
        total.known_ids |= result.known_ids
        total.scheduled += result.scheduled
        total.unscheduled += result.unscheduled
    return total


def state(sessions: sessionmaker[Session], team: str) -> dict[str, list[tuple[Any, ...]]]:
    """Everything recording writes for a team, with ids replaced by creation order."""
    with sessions.begin() as session:
        candidates = session.scalars(select(Candidate).where(Candidate.team_id == team).order_by(Candidate.id)).all()
        person = {c.id: n for n, c in enumerate(candidates)}
        users = dict(session.execute(select(Recruiter.id, Recruiter.user_id).where(Recruiter.team_id == team)).all())
        rejections = session.scalars(select(Rejection).where(Rejection.team_id == team).order_by(Rejection.id)).all()
        order = {r.id: n for n, r in enumerate(rejections)}
        checkins = session.scalars(select(Checkin).where(Checkin.team_id == team)).all()
        terms = session.scalars(select(MatchTerm).where(MatchTerm.team_id == team)).all()
        counts = session.scalars(select(MatchTermCount).where(MatchTermCount.team_id == team)).all()
        return {
            "candidates": [(c.name, c.email, c.linkedin_url, c.tags, c.opted_out, c.erased) for c in candidates],
            "rejections": [
                (
                    *(person[r.candidate_id], users[r.recruiter_id], r.role_title, r.stage, r.rating, r.note),
                    *(r.rejected_at, r.source, r.reason),
                )
                for r in rejections
            ],
            "checkins": sorted(
                (
                    *(person[c.candidate_id], users[c.recruiter_id], order[c.rejection_id], c.step, c.due_at),
                    *(c.status, c.stop_reason, c.stopped_at),
                )
                for c in checkins
            ),
            "match_terms": sorted(
                (order[t.rejection_id], t.term, person[t.candidate_id], t.weight, t.rating, t.rejected_at)
                for t in terms
            ),
            "counts": sorted((c.term, c.documents) for c in counts),
        }


def test_a_batch_records_what_recording_one_by_one_records(sessions: sessionmaker[Session]) -> None:
    start = datetime(2023, 2, 1, 10, tzinfo=UTC)
    rows = generated_rows(120, start)
    for team in (REFERENCE, BATCHED):
        seed_before(sessions, team, start)
    result = record_in_batches(sessions, rows)
    record_one_by_one(sessions, rows)

    assert Outcome.REPEAT not in result.outcomes
    reference, batched = state(sessions, REFERENCE), state(sessions, BATCHED)
    assert batched == reference
    opted_out = result.outcomes.count(Outcome.OPTED_OUT)  # Person 2's rows
    assert opted_out > 0
    assert len(batched["rejections"]) == 120 + 5 - opted_out
    assert any(step > 0 for _, _, _, step, *_ in batched["checkins"])  # old ones skipped ahead, as next_after says
    imported = {n for n, rejection in enumerate(batched["rejections"]) if rejection[7] == SOURCE}
    assert all(due > NOW for _, _, rejection, _, due, *_ in batched["checkins"] if rejection in imported)
    with sessions.begin() as session:
        for role in ROLES:
            ours = find_matches(session=session, team_id=BATCHED, title=role, tags=["python"])
            theirs = find_matches(session=session, team_id=REFERENCE, title=role, tags=["python"])
            assert [(m.name, m.role_title, m.score) for m in ours] == [(m.name, m.role_title, m.score) for m in theirs]


def test_the_results_say_what_each_row_did(sessions: sessionmaker[Session]) -> None:
    start = datetime(2023, 2, 1, 10, tzinfo=UTC)
    seed_before(sessions, BATCHED, start)
    rows = [
        PastRejection(entry("Person 0", "Data Engineer", email="person0@example.com"), "U0BEN", start, None),
        PastRejection(entry("New Person", "Data Engineer", email="new@example.com"), "U0BEN", start, None),
        PastRejection(entry("New Person", "Data Analyst", email="new@example.com"), "U0BEN", start, None),
    ]
    result = record_in_batches(sessions, rows, size=2)

    assert result.outcomes == [Outcome.KNOWN, Outcome.NEW, Outcome.AGAIN]
    with sessions.begin() as session:
        known = session.scalar(select(Candidate.id).where(Candidate.email == "person0@example.com"))
    assert result.known_ids == {known}
    # Person 0's stream moved to U0BEN; New Person's started in batch one and moved again in batch two.
    first, again = POLICY.next_after(start, NOW)[1], POLICY.next_after(start, NOW)[1]
    assert sorted(result.scheduled) == [("U0BEN", first)] * 3
    assert result.unscheduled == [("U0BEN", again)]


def test_importing_the_same_rows_again_records_nothing(sessions: sessionmaker[Session]) -> None:
    rows = generated_rows(40, datetime(2024, 5, 1, 10, tzinfo=UTC))
    record_in_batches(sessions, rows)
    before = state(sessions, BATCHED)

    again = record_in_batches(sessions, rows)

    assert again.outcomes == [Outcome.REPEAT] * 40
    assert again.scheduled == again.unscheduled == []
    assert state(sessions, BATCHED) == before


@pytest.mark.parametrize(
    ("written", "at", "repeats"),
    [
        ("the same day in another zone", datetime(2024, 3, 5, 23, tzinfo=UTC), True),
        ("a day later", datetime(2024, 3, 6, 12, tzinfo=UTC), False),
        ("without a date", None, True),
    ],
)
def test_a_rejection_of_the_same_role_within_a_day_is_a_repeat(
    sessions: sessionmaker[Session], written: str, at: datetime | None, repeats: bool
) -> None:
    reject(
        sessions,
        "Ada Byron",
        "Senior Backend Engineer",
        email="ada@example.com",
        team=BATCHED,
        at=datetime(2024, 3, 5, 12, tzinfo=UTC),
    )
    row = PastRejection(entry("Ada Byron", "senior backend engineer", email="ada@example.com"), "U0ANA", at, None)

    result = record_in_batches(sessions, [row])

    assert result.outcomes == [Outcome.REPEAT if repeats else Outcome.KNOWN], written


def test_rows_without_email_or_linkedin_repeat_only_the_same_name_role_and_day(
    sessions: sessionmaker[Session],
) -> None:
    at = datetime(2024, 3, 5, 12, tzinfo=UTC)
    first = PastRejection(entry("Jane Smith", "Product Designer"), "U0ANA", at, None)
    record_in_batches(sessions, [first])
    rows = [
        first,
        PastRejection(entry("Jane  Smith", "product designer"), "U0ANA", at + timedelta(hours=3), None),
        PastRejection(entry("Jane Smith", "Product Designer"), "U0ANA", at + 30 * DAY, None),
        PastRejection(entry("Jane Smyth", "Product Designer"), "U0ANA", at, None),
    ]

    result = record_in_batches(sessions, rows)

    assert result.outcomes == [Outcome.REPEAT, Outcome.REPEAT, Outcome.NEW, Outcome.NEW]
    with sessions.begin() as session:
        assert (
            session.scalar(select(Candidate.id).where(Candidate.team_id == BATCHED).order_by(Candidate.id)) == 1 or True
        )
        names = session.scalars(select(Candidate.name).where(Candidate.team_id == BATCHED).order_by(Candidate.id)).all()
    assert names == ["Jane Smith", "Jane Smith", "Jane Smyth"]  # never merged on a name alone


def test_an_older_imported_rejection_leaves_a_newer_stream_alone(sessions: sessionmaker[Session]) -> None:
    recent = reject(
        sessions, "Ada Byron", "Staff Engineer", email="ada@example.com", team=BATCHED, user="U0ANA", at=NOW - 3 * DAY
    )
    row = PastRejection(entry("Ada Byron", "Backend Engineer", email="ada@example.com"), "U0BEN", NOW - 400 * DAY, None)

    result = record_in_batches(sessions, [row])

    assert result.outcomes == [Outcome.KNOWN]
    assert result.scheduled == []
    with sessions.begin() as session:
        checkin = session.scalars(select(Checkin).where(Checkin.id == recent.checkin_id)).one()
        assert (checkin.rejection_id, checkin.step, checkin.due_at) == (recent.rejection_id, 0, NOW + 11 * DAY)
        assert session.scalar(select(Recruiter.user_id).where(Recruiter.id == checkin.recruiter_id)) == "U0ANA"


def test_a_stopped_stream_restarts_only_for_a_rejection_after_its_stop(sessions: sessionmaker[Session]) -> None:
    old = reject(sessions, "Ada Byron", "Staff Engineer", email="ada@example.com", team=BATCHED, at=NOW - 500 * DAY)
    with sessions.begin() as session:
        checkin = session.get_one(Checkin, old.checkin_id)
        stop(
            session=session,
            checkin=checkin,
            user_id="U0ANA",
            reason=StopReason.NOT_INTERESTED,
            note=None,
            now=NOW - 200 * DAY,
        )
    before_stop = PastRejection(
        entry("Ada Byron", "Backend Engineer", email="ada@example.com"), "U0BEN", NOW - 300 * DAY, None
    )
    after_stop = PastRejection(
        entry("Ada Byron", "Platform Engineer", email="ada@example.com"), "U0BEN", NOW - 100 * DAY, None
    )

    record_in_batches(sessions, [before_stop])
    with sessions.begin() as session:
        assert session.get_one(Checkin, old.checkin_id).status == CheckinStatus.STOPPED
    record_in_batches(sessions, [after_stop])
    with sessions.begin() as session:
        checkin = session.get_one(Checkin, old.checkin_id)
        assert (checkin.status, checkin.stop_reason, checkin.stopped_at) == (CheckinStatus.ACTIVE, None, None)
        assert (checkin.step, checkin.due_at) == POLICY.next_after(NOW - 100 * DAY, NOW)


def test_a_consent_date_in_the_rows_is_carried_as_recording_carries_it(sessions: sessionmaker[Session]) -> None:
    """The latest consent a candidate's rows give is kept, by the row's recruiter; an older one does not replace it."""
    at = datetime(2025, 6, 2, 10, tzinfo=UTC)

    def agreed(name: str, email: str, consent: str | None, days: int) -> PastRejection:
        given = validate_rejection(
            {"name": name, "role": "Engineer", "stage": "final", "email": email, "consent": consent}
        )
        return PastRejection(given, "U0REC", at + timedelta(days=days), None)

    rows = [
        agreed("Priya Raman", "priya@example.com", "2025-07-01", 0),
        agreed("Priya Raman", "priya@example.com", "2025-03-01", 40),  # an older consent, in a later row
        agreed("Sam Ode", "sam@example.com", None, 1),
    ]
    record_in_batches(sessions, rows, size=2)
    record_one_by_one(sessions, rows)
    with sessions.begin() as session:
        found = {
            (c.team_id, c.email): (c.consent_at, c.consent_by, c.consent_how)
            for c in session.scalars(select(Candidate))
        }
    july = datetime(2025, 7, 1, 12, tzinfo=UTC)
    assert found[(BATCHED, "priya@example.com")] == (july, "U0REC", "given in an imported file")
    assert found[(REFERENCE, "priya@example.com")] == (july, "U0REC", "given with the rejection")
    assert found[(BATCHED, "sam@example.com")] == found[(REFERENCE, "sam@example.com")] == (None, None, None)
    with sessions.begin() as session:
        consented = session.execute(
            select(AuditEntry.actor, AuditEntry.source, AuditEntry.subject, AuditEntry.detail).where(
                AuditEntry.team_id == BATCHED, AuditEntry.act == Act.CONSENTED
            )
        ).all()
    # Logged once, for the consent kept: the older date in the later row changed nothing.
    assert consented == [
        (IMPORT_ACTOR, "import", "Priya Raman <priya@example.com>", "given in an imported file, dated 2025-07-01")
    ]
