"""What an ATS delivery means to Keepwarm, whichever ATS sent it: the common shape every parser produces.

Ids are the ATS's own, as strings (Greenhouse's are numbers, Lever's and Ashby's UUIDs). Emails are lower-cased,
the candidate's first one first. The processing job applies these to the database (models/ats_intake.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Rejected:
    """An application was rejected (Greenhouse) or archived for a reason other than a hire (Lever, Ashby)."""

    candidate_id: str
    application_id: str
    name: str
    emails: tuple[str, ...]
    linkedin: str | None  # the first LinkedIn profile among the candidate's links, as given
    role: str  # the job's title
    stage_name: str | None  # the stage the application was in; None when the delivery does not say
    reason: str | None  # the ATS's rejection / archive reason, as its users named it
    by_candidate: bool  # the candidate withdrew ("They rejected us", RejectedByCandidate)
    recruiter_emails: tuple[str, ...]  # who to ask, in order of preference (e.g. recruiter, then credited_to)
    at: datetime  # when it was rejected, as the ATS says (aware UTC)
    # The stage it is in now when that says nothing of how far it got (Ashby's Archived stage): its history is read
    # past it when no stage change was received before.
    archived_stage_id: str | None = None


@dataclass(frozen=True)
class StageSeen:
    """An application moved to an active stage: remembered so a later archive knows how far it got."""

    candidate_id: str
    application_id: str
    stage_name: str


@dataclass(frozen=True)
class Unrejected:
    """A rejection was undone in the ATS."""

    candidate_id: str
    application_id: str


@dataclass(frozen=True)
class Hired:
    """The candidate was hired, for this or any role."""

    candidate_id: str
    application_id: str | None
    emails: tuple[str, ...]
    role: str | None


@dataclass(frozen=True)
class Applied:
    """The candidate applied again (a new application)."""

    candidate_id: str
    application_id: str
    emails: tuple[str, ...]
    role: str | None


@dataclass(frozen=True)
class Deleted:
    """The candidate was deleted in the ATS: Keepwarm erases them too."""

    candidate_id: str


@dataclass(frozen=True)
class Merged:
    """Two ATS candidates are one person now: `merged_id` was folded into `kept_id`."""

    kept_id: str
    merged_id: str


AtsEvent = Rejected | StageSeen | Unrejected | Hired | Applied | Deleted | Merged
