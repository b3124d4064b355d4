"""Recording past rejections many at a time, for an import: the rows recording them one by one would write, in a few
statements per batch instead of a few per rejection.

Recording row after row with `models.records.record_rejection` costs several round trips each: minutes for 100,000
rows. Here a batch loads, in one query each, the candidates its rows may be, their rejections and their check-in
streams, works out every row in memory in file order, then writes candidates, rejections, check-ins and the matching
index with one statement each (COPY on PostgreSQL: models/bulk.py). What it writes is what `record_rejection` writes
for the same rows in the same order (tests/models/test_imports.py compares the two), with three differences an
import needs:

- a row that repeats a rejection already recorded (the same candidate, the same role ignoring case, less than a day
  apart, or at any date when the row gives none) is skipped, so importing a file twice records it once;
- an old rejection does not take a candidate's check-in stream from a newer one: it (re)starts the stream only if it
  is at least as recent as the stream's rejection and more recent than the stream's stop;
- a check-in whose date has passed is due at the next point of the cadence still to come (`Policy.next_after`);
- a row for a candidate who opted out records nothing: they asked not to be contacted, and the import must not bring
  them back.

Each rejection recorded gets its audit entry (RECORDED, from the import), written with the rest in one statement.

Candidates are found as `/rejected` finds them: by email, else (for a row without one) by LinkedIn. A row with
neither is a new person unless it repeats a rejection of a candidate of exactly that name who has neither either:
two people called Jane Smith are never merged on a name alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection, bindparam, func, select, text, update
from sqlalchemy.orm import Session

from models.audit import Act, AuditEntry, Source, subject_of
from models.bulk import insert_rows, next_ids
from models.candidate import Candidate
from models.checkin import Checkin, CheckinStatus
from models.match_terms import DOCUMENTS, MatchTerm, MatchTermCount
from models.matching import is_matchable
from models.policy import Policy
from models.records import CONSENT_IN_IMPORT
from models.recruiter import Recruiter
from models.rejection import Rejection, RejectionInput
from models.terms import document_terms

SOURCE = "import"  # rejections.source of an imported rejection
ACTIVE = CheckinStatus.ACTIVE.value
# Every table an import writes, the largest first: what the planner's statistics must be refreshed for afterwards.
WRITTEN_TABLES = tuple(
    model.__table__ for model in (MatchTerm, Rejection, Candidate, Checkin, AuditEntry, MatchTermCount, Recruiter)
)
SAME_REJECTION = timedelta(days=1)  # two dates of one rejection, written in two zones or as a date and a time
_ON_CONFLICT = "ON CONFLICT (team_id, term) DO UPDATE SET documents = match_term_counts.documents + excluded.documents"
_ADD_COUNTS = text(
    f"INSERT INTO match_term_counts (team_id, term, documents) VALUES (:team_id, :term, :documents) {_ON_CONFLICT}"
)
_ADD_COUNTS_FROM_ARRAYS = text(
    "INSERT INTO match_term_counts (team_id, term, documents) SELECT :team_id, term, documents "
    "FROM unnest(CAST(:terms AS varchar[]), CAST(:documents AS integer[])) AS added(term, documents) "
    f"ORDER BY term {_ON_CONFLICT}"
)


@dataclass(frozen=True)
class PastRejection:
    """One row to record: the rejection, its recruiter's Slack id, when (None: the row does not say, so now), and the
    ATS's rejection reason."""

    entry: RejectionInput
    user_id: str
    rejected_at: datetime | None
    reason: str | None


class Outcome(StrEnum):
    """What became of a row."""

    NEW = "new"  # recorded for a candidate this row created
    KNOWN = "known"  # recorded for a candidate Keepwarm had before the import
    AGAIN = "again"  # recorded for a candidate an earlier row of this import created
    REPEAT = "repeat"  # already recorded: skipped
    OPTED_OUT = "opted out"  # a candidate who asked not to be contacted: skipped


@dataclass(frozen=True)
class ImportMark:
    """The highest ids when the import began: a candidate or rejection above them was written during it."""

    candidate_id: int
    rejection_id: int


@dataclass
class BatchResult:
    """What a batch did: each row's outcome, the earlier candidates it added to, and the check-ins it scheduled,
    with those it moved again that an earlier batch of the same import had scheduled (recruiter, due date)."""

    outcomes: list[Outcome] = field(default_factory=list)
    known_ids: set[int] = field(default_factory=set)
    scheduled: list[tuple[str, datetime]] = field(default_factory=list)
    unscheduled: list[tuple[str, datetime]] = field(default_factory=list)


def import_mark(session: Session) -> ImportMark:
    """Where the ids stand before the import writes anything."""
    return ImportMark(
        candidate_id=session.scalar(select(func.max(Candidate.id))) or 0,
        rejection_id=session.scalar(select(func.max(Rejection.id))) or 0,
    )


def record_past_rejections(
    *,
    session: Session,
    team_id: str,
    rows: Sequence[PastRejection],
    policy: Policy,
    now: datetime,
    mark: ImportMark,
    actor: str,
    index: bool = True,
) -> BatchResult:
    """Record one batch of rows in file order, in the caller's transaction, each rejection logged as recorded by
    `actor` (who ran the import). Without `index`, the matching index is left alone (a dry run: its counts are rows
    every recording updates, not to be locked for a whole file)."""
    batch = _Batch(session=session, team_id=team_id, rows=rows, policy=policy, now=now, mark=mark, actor=actor)
    result = BatchResult()
    for row in rows:
        result.outcomes.append(batch.record(row, result))
    batch.write(result, index=index)
    return result


@dataclass
class _Stream:
    """A candidate's check-in stream as the batch leaves it; `checkin_id` None until inserted."""

    checkin_id: int | None
    recruiter_id: int
    user_id: str
    rejection: _Rejection | int  # a rejection of this batch, or the id of a stored one
    rejected_at: datetime
    stopped_at: datetime | None
    step: int
    due_at: datetime
    by_this_import: bool  # scheduled by an earlier batch of this import, and not moved since
    moved: bool = False

    def yields_to(self, at: datetime) -> bool:
        """Whether a strong rejection at `at` takes the stream: as recent as its rejection, newer than its stop."""
        return at >= self.rejected_at and (self.stopped_at is None or at > self.stopped_at)


@dataclass
class _Person:
    """A candidate as the batch leaves it: a stored one (`id`) or one this batch creates."""

    id: int | None
    name: str
    email: str | None
    linkedin: str | None
    tags: list[str]
    opted_out: bool
    history: list[tuple[str, datetime]]  # (role case-folded, rejected at) of every rejection
    stream: _Stream | None = None
    changed: bool = False

    def repeats(self, role: str, at: datetime | None) -> bool:
        folded = role.casefold()
        return any(r == folded and (at is None or abs(a - at) < SAME_REJECTION) for r, a in self.history)


@dataclass
class _Rejection:
    person: _Person
    recruiter_id: int
    entry: RejectionInput
    rejected_at: datetime
    reason: str | None
    tags: tuple[str, ...]  # the candidate's tags once this rejection was recorded, as index_rejection reads them
    id: int | None = None


class _Batch:
    """The candidates a batch's rows may be, loaded up front, and what the rows do to them."""

    def __init__(
        self,
        *,
        session: Session,
        team_id: str,
        rows: Sequence[PastRejection],
        policy: Policy,
        now: datetime,
        mark: ImportMark,
        actor: str,
    ) -> None:
        self.session, self.team_id, self.policy, self.now, self.mark = session, team_id, policy, now, mark
        self.actor = actor
        self.recruiters = _recruiter_ids(session, team_id, {row.user_id for row in rows})
        self.people: list[_Person] = []  # stored ones by id, then new ones in creation order: `/rejected`'s id order
        self.by_email: dict[str, _Person] = {}
        self.rejections: list[_Rejection] = []
        self.consents: list[tuple[_Person, datetime, str]] = []  # a consent date a row gives, and its recruiter
        self._load(rows)

    def record(self, row: PastRejection, result: BatchResult) -> Outcome:
        entry = row.entry
        person = self._find(entry)
        nameless = entry.email is None and entry.linkedin is None
        if person is not None and person.opted_out:
            return Outcome.OPTED_OUT
        if nameless:
            if any(p.repeats(entry.role, row.rejected_at) for p in self._nameless(entry.name)):
                return Outcome.REPEAT
        elif person is not None and person.repeats(entry.role, row.rejected_at):
            return Outcome.REPEAT
        if person is None:
            outcome = Outcome.NEW
            person = _Person(None, entry.name, entry.email, entry.linkedin, list(entry.tags), False, [])
            self.people.append(person)
            if entry.email is not None:
                self.by_email[entry.email] = person
        else:  # as models.records._merge_candidate: the newest recording wins for name and LinkedIn
            person.name = entry.name
            if entry.linkedin is not None:
                person.linkedin = entry.linkedin
            person.tags = list(dict.fromkeys([*person.tags, *entry.tags]))
            person.changed = person.id is not None
            if person.id is not None and person.id <= self.mark.candidate_id:
                outcome = Outcome.KNOWN
                result.known_ids.add(person.id)
            else:
                outcome = Outcome.AGAIN
        at = row.rejected_at or self.now
        rejection = _Rejection(person, self.recruiters[row.user_id], entry, at, row.reason, tuple(person.tags))
        self.rejections.append(rejection)
        if entry.consent is not None:
            self.consents.append((person, entry.consent, row.user_id))
        person.history.append((entry.role.casefold(), at))
        if self.policy.is_strong(stage=entry.stage, rating=entry.rating) and not person.opted_out:
            self._take_stream(person, rejection, row.user_id, result)
        return outcome

    def write(self, result: BatchResult, *, index: bool) -> None:
        """Every row the batch's records add or change: one statement (or COPY) per table."""
        connection = self.session.connection()
        created = [p for p in self.people if p.id is None]
        for person, candidate_id in zip(created, next_ids(connection, Candidate.__table__, len(created)), strict=True):
            person.id = candidate_id
        insert_rows(
            connection,
            Candidate.__table__,
            [
                {"id": p.id, "team_id": self.team_id, "name": p.name, "email": p.email, "linkedin_url": p.linkedin}
                | {"tags": p.tags}
                for p in created
            ],
        )
        changed = [p for p in self.people if p.changed]
        if changed:
            connection.execute(
                update(Candidate)
                .where(Candidate.id == bindparam("candidate_id"))
                .values(name=bindparam("new_name"), linkedin_url=bindparam("new_linkedin"), tags=bindparam("new_tags")),
                [
                    {"candidate_id": p.id, "new_name": p.name, "new_linkedin": p.linkedin, "new_tags": p.tags}
                    for p in changed
                ],
            )
        self._write_consents(connection)
        ids = next_ids(connection, Rejection.__table__, len(self.rejections))
        for rejection, rejection_id in zip(self.rejections, ids, strict=True):
            rejection.id = rejection_id
        insert_rows(
            connection,
            Rejection.__table__,
            [
                {
                    "id": r.id,
                    "team_id": self.team_id,
                    "candidate_id": r.person.id,
                    "recruiter_id": r.recruiter_id,
                    "role_title": r.entry.role,
                    "stage": r.entry.stage,
                    "rating": r.entry.rating,
                    "note": r.entry.note,
                    "rejected_at": r.rejected_at,
                    "source": SOURCE,
                    "reason": r.reason,
                }
                for r in self.rejections
            ],
        )
        self._write_streams(result)
        self._write_audit()
        if index:
            self._write_index()

    def _write_consents(self, connection: Connection) -> None:
        """The consent dates rows give, each kept when it is the candidate's latest, as record_rejection keeps them,
        and logged (CONSENTED, from the import). Rare in a file: one read and one UPDATE of the few rows."""
        if not self.consents:
            return
        latest: dict[int, tuple[datetime, str]] = {}
        for person, at, user in self.consents:
            assert person.id is not None  # written above
            if person.id not in latest or at > latest[person.id][0]:
                latest[person.id] = (at, user)
        query = select(Candidate.id, Candidate.consent_at).where(Candidate.id.in_(list(latest)))
        held = {candidate_id: consent_at for candidate_id, consent_at in connection.execute(query)}
        taken = {i: (at, user) for i, (at, user) in latest.items() if held.get(i) is None or at > held[i]}
        if not taken:
            return
        connection.execute(
            update(Candidate)
            .where(Candidate.id == bindparam("candidate_id"))
            .values(
                consent_at=bindparam("new_consent_at"),
                consent_by=bindparam("new_consent_by"),
                consent_how=CONSENT_IN_IMPORT,
            ),
            [{"candidate_id": i, "new_consent_at": at, "new_consent_by": user} for i, (at, user) in taken.items()],
        )
        people = {p.id: p for p in self.people}
        insert_rows(
            connection,
            AuditEntry.__table__,
            [
                {
                    "team_id": self.team_id,
                    "at": self.now,
                    "act": Act.CONSENTED.value,
                    "actor": self.actor,
                    "source": Source.IMPORT.value,
                    "candidate_id": i,
                    "subject": subject_of(people[i].name, people[i].email),
                    "detail": f"{CONSENT_IN_IMPORT}, dated {at.date().isoformat()}",
                }
                for i, (at, _user) in taken.items()
            ],
        )

    def _write_audit(self) -> None:
        """One RECORDED entry per rejection, named as the candidate was once the batch's rows were recorded."""
        insert_rows(
            self.session.connection(),
            AuditEntry.__table__,
            [
                {
                    "team_id": self.team_id,
                    "at": self.now,
                    "act": Act.RECORDED.value,
                    "actor": self.actor,
                    "source": Source.IMPORT.value,
                    "candidate_id": r.person.id,
                    "subject": subject_of(r.person.name, r.person.email),
                    "detail": r.entry.role,
                }
                for r in self.rejections
            ],
        )

    def _load(self, rows: Sequence[PastRejection]) -> None:
        """The stored candidates the rows may be, with their rejections and check-in streams: three queries."""
        entries = [row.entry for row in rows]
        emails = sorted({e.email for e in entries if e.email is not None})
        linkedins = sorted({e.linkedin for e in entries if e.email is None and e.linkedin is not None})
        names = sorted({e.name for e in entries if e.email is None and e.linkedin is None})
        team = Candidate.team_id == self.team_id
        wanted = []
        if emails:
            wanted.append(select(Candidate).where(team, Candidate.email.in_(emails)))
        if linkedins:  # as records._find_candidate, never an erased one
            wanted.append(
                select(Candidate).where(team, Candidate.linkedin_url.in_(linkedins), Candidate.erased.is_(False))
            )
        if names:
            wanted.append(
                select(Candidate).where(
                    team,
                    Candidate.name.in_(names),
                    Candidate.email.is_(None),
                    Candidate.linkedin_url.is_(None),
                    Candidate.erased.is_(False),
                )
            )
        found: dict[int, _Person] = {}
        for query in wanted:
            for c in self.session.execute(query.with_only_columns(*_CANDIDATE_COLUMNS)):
                found[c.id] = _Person(c.id, c.name, c.email, c.linkedin_url, list(c.tags), c.opted_out, [])
        self.people = [found[key] for key in sorted(found)]
        self.by_email = {p.email: p for p in self.people if p.email is not None}
        if not found:
            return
        ids = sorted(found)
        for candidate_id, role, at in self.session.execute(
            select(Rejection.candidate_id, Rejection.role_title, Rejection.rejected_at).where(
                Rejection.candidate_id.in_(ids)
            )
        ):
            found[candidate_id].history.append((role.casefold(), at))
        streams = self.session.execute(
            select(
                Checkin.candidate_id,
                Checkin.id,
                Checkin.recruiter_id,
                Recruiter.user_id,
                Checkin.rejection_id,
                Rejection.rejected_at,
                Rejection.source,
                Checkin.status,
                Checkin.stopped_at,
                Checkin.step,
                Checkin.due_at,
            )
            .join(Rejection, Rejection.id == Checkin.rejection_id)
            .join(Recruiter, Recruiter.id == Checkin.recruiter_id)
            .where(Checkin.candidate_id.in_(ids))
        )
        for s in streams:
            stopped_at = s.stopped_at if s.status == CheckinStatus.STOPPED else None
            by_this_import = (
                s.rejection_id > self.mark.rejection_id and s.source == SOURCE and s.status == CheckinStatus.ACTIVE
            )
            found[s.candidate_id].stream = _Stream(
                s.id, s.recruiter_id, s.user_id, s.rejection_id, s.rejected_at, stopped_at, s.step, s.due_at,
                by_this_import,
            )  # fmt: skip

    def _find(self, entry: RejectionInput) -> _Person | None:
        """As records._find_candidate: by email, else by LinkedIn (the oldest candidate holding it)."""
        if entry.email is not None:
            return self.by_email.get(entry.email)
        if entry.linkedin is not None:
            return next((p for p in self.people if p.linkedin == entry.linkedin), None)
        return None

    def _nameless(self, name: str) -> Iterable[_Person]:
        return (p for p in self.people if p.email is None and p.linkedin is None and p.name == name)

    def _take_stream(self, person: _Person, rejection: _Rejection, user_id: str, result: BatchResult) -> None:
        """The stream restarts from this rejection, due at the next point of its cadence, unless it is too old."""
        stream = person.stream
        if stream is not None and not stream.yields_to(rejection.rejected_at):
            return
        step, due_at = self.policy.next_after(rejection.rejected_at, self.now)
        if stream is None:
            person.stream = _Stream(
                None, rejection.recruiter_id, user_id, rejection, rejection.rejected_at, None, step, due_at, False
            )
            person.stream.moved = True
            return
        if stream.by_this_import:
            result.unscheduled.append((stream.user_id, stream.due_at))
            stream.by_this_import = False
        stream.recruiter_id, stream.user_id, stream.rejection = rejection.recruiter_id, user_id, rejection
        stream.rejected_at, stream.stopped_at, stream.step, stream.due_at = rejection.rejected_at, None, step, due_at
        stream.moved = True

    def _write_streams(self, result: BatchResult) -> None:
        """Insert new streams and restart moved ones, setting the fields records._start_checkins sets."""
        new, restarted = [], []
        for person in self.people:
            stream = person.stream
            if stream is None or not stream.moved:
                continue
            rejection = stream.rejection
            values = {
                "recruiter_id": stream.recruiter_id,
                "rejection_id": rejection.id if isinstance(rejection, _Rejection) else rejection,
                "step": stream.step,
                "due_at": stream.due_at,
            }
            if stream.checkin_id is None:
                new.append({"team_id": self.team_id, "candidate_id": person.id, **values} | {"status": ACTIVE})
            else:
                restarted.append({"checkin_id": stream.checkin_id} | {f"new_{k}": v for k, v in values.items()})
            result.scheduled.append((stream.user_id, stream.due_at))
        connection = self.session.connection()
        insert_rows(connection, Checkin.__table__, new)
        if restarted:
            connection.execute(
                update(Checkin)
                .where(Checkin.id == bindparam("checkin_id"))
                .values(
                    status=CheckinStatus.ACTIVE,
                    stop_reason=None,
                    stopped_at=None,
                    retry_at=None,
                    delivery_error=None,
                    **_RESTARTED,
                ),
                restarted,
            )

    def _write_index(self) -> None:
        """models.matching.index_rejection for every rejection, its counts added up per term."""
        postings = []
        counts: Counter[str] = Counter()
        for r in self.rejections:
            if not is_matchable(stage=r.entry.stage, rating=r.entry.rating):
                continue
            terms = document_terms(title=r.entry.role, tags=r.tags, note=r.entry.note)
            if not terms:
                continue
            postings.extend(
                {
                    "rejection_id": r.id,
                    "term": term,
                    "team_id": self.team_id,
                    "candidate_id": r.person.id,
                    "weight": weight,
                    "rating": r.entry.rating or 0,
                    "rejected_at": r.rejected_at,
                }
                for term, weight in terms.items()
            )
            counts.update(terms.keys())
            counts[DOCUMENTS] += 1
        if not postings:
            return
        connection = self.session.connection()
        # In the ranked index's order: each term's leaf pages are then visited once a batch, not once a posting, which
        # halved the time to write the index (bench/import_candidates.py).
        postings.sort(key=lambda p: (p["term"], p["weight"], p["rating"], p["rejected_at"]))
        insert_rows(connection, MatchTerm.__table__, postings)
        # Sorted, so concurrent writers lock the same rows in the same order (as models.matching._count).
        terms = sorted(counts)
        if connection.dialect.name == "postgresql":  # one statement, not one round of the protocol per term
            connection.execute(
                _ADD_COUNTS_FROM_ARRAYS,
                {"team_id": self.team_id, "terms": terms, "documents": [counts[term] for term in terms]},
            )
        else:
            connection.execute(
                _ADD_COUNTS, [{"team_id": self.team_id, "term": term, "documents": counts[term]} for term in terms]
            )


_RESTARTED = {
    "recruiter_id": bindparam("new_recruiter_id"),
    "rejection_id": bindparam("new_rejection_id"),
    "step": bindparam("new_step"),
    "due_at": bindparam("new_due_at"),
}
_CANDIDATE_COLUMNS = (
    Candidate.id,
    Candidate.name,
    Candidate.email,
    Candidate.linkedin_url,
    Candidate.tags,
    Candidate.opted_out,
)


def _recruiter_ids(session: Session, team_id: str, user_ids: Iterable[str]) -> dict[str, int]:
    """Each Slack user's recruiter id, creating the missing ones as records.get_or_create_recruiter does."""
    wanted = sorted(set(user_ids))
    query = select(Recruiter.user_id, Recruiter.id).where(Recruiter.team_id == team_id, Recruiter.user_id.in_(wanted))
    found = dict(session.execute(query).tuples().all())
    missing = [user for user in wanted if user not in found]
    if missing:
        insert_rows(session.connection(), Recruiter.__table__, [{"team_id": team_id, "user_id": u} for u in missing])
        found = dict(session.execute(query).tuples().all())
    return found
