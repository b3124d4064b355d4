"""ATS rejections applied through the real intake (models.ats_intake.apply_events), as the inbox applies a delivery
once Slack has been asked who its recruiter is: the way rejections reach the admins' queue, without the webhook.

tests/bot/test_ats_queue.py also sends one through the webhook and the inbox, to show the two agree.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.ats_events import Rejected, Unrejected
from models.ats_intake import apply_events
from models.ats_notice import AtsNotice
from models.ats_rules import AtsRules
from models.policy import Policy
from testkit.data import MONDAY
from testkit.fakeslack import TEAM_ID

_serial = itertools.count(1)


@dataclass(frozen=True)
class AtsRejection:
    """The notice a rejection became, and the ATS's ids for it (to send later events about it)."""

    notice_id: int
    team_id: str
    source: str
    candidate_id: str
    application_id: str


def ats_rejection(
    sessions: sessionmaker[Session],
    name: str = "Priya Raman",
    *,
    role: str = "Designer",
    stage_name: str | None = "Onsite",
    source: str = "greenhouse",
    recruiter_email: str | None = "gone.recruiter@example.com",
    found_user: str | None = None,
    team: str = TEAM_ID,
    at: datetime = MONDAY,
) -> AtsRejection:
    """One rejection from the ATS naming `recruiter_email` (or nobody), whom Slack knows as `found_user` (None: not
    found, so the rejection waits for an admin). A stage the default rules ignore (a screen) makes no notice."""
    serial = next(_serial)
    event = Rejected(
        candidate_id=f"cand-{serial}",
        application_id=f"app-{serial}",
        name=name,
        emails=(),
        linkedin=None,
        role=role,
        stage_name=stage_name,
        reason=None,
        by_candidate=False,
        recruiter_emails=() if recruiter_email is None else (recruiter_email,),
        at=at,
    )
    recruiters = {} if recruiter_email is None else {recruiter_email: found_user}
    with sessions.begin() as session:
        apply_events(
            session,
            team_id=team,
            source=source,
            events=[event],
            rules=AtsRules(),
            policy=Policy(),
            recruiters=recruiters,
            now=at,
        )
        notice_id = session.scalars(
            select(AtsNotice.id).where(AtsNotice.team_id == team, AtsNotice.application_id == event.application_id)
        ).one()
    return AtsRejection(notice_id, team, source, event.candidate_id, event.application_id)


def ats_unrejection(sessions: sessionmaker[Session], rejection: AtsRejection, *, at: datetime = MONDAY) -> None:
    """The ATS undoes the rejection: its notice is withdrawn, as the inbox would apply it."""
    with sessions.begin() as session:
        apply_events(
            session,
            team_id=rejection.team_id,
            source=rejection.source,
            events=[Unrejected(candidate_id=rejection.candidate_id, application_id=rejection.application_id)],
            rules=AtsRules(),
            policy=Policy(),
            recruiters={},
            now=at,
        )
