"""Keepwarm's data model: recruiters, the candidates they turned down, and each rejection."""

from models.base import Base, UTCDateTime, utcnow
from models.candidate import ERASED_NAME, Candidate
from models.checkin import ACTIVE, STOP_REASONS, STOPPED, Checkin, ReminderSent, Touchpoint
from models.recruiter import Recruiter
from models.rejection import STAGES, Rejection

__all__ = [
    "ACTIVE",
    "ERASED_NAME",
    "STAGES",
    "STOPPED",
    "STOP_REASONS",
    "Base",
    "Candidate",
    "Checkin",
    "Recruiter",
    "Rejection",
    "ReminderSent",
    "Touchpoint",
    "UTCDateTime",
    "utcnow",
]
