"""Keepwarm's data model: recruiters, the candidates they turned down, and each rejection."""

from models.ats_delivery import Ats, AtsDelivery
from models.base import Base, UTCDateTime, utcnow
from models.candidate import ERASED_NAME, Candidate
from models.checkin import ACTIVE, STOP_REASONS, STOPPED, Checkin, ReminderSent, Touchpoint
from models.match_terms import MatchTerm, MatchTermCount
from models.recruiter import Recruiter
from models.rejection import STAGES, Rejection
from models.role import CLOSED, OPEN, Role, RoleAlert, RoleOutreach

__all__ = [
    "ACTIVE",
    "CLOSED",
    "ERASED_NAME",
    "OPEN",
    "STAGES",
    "STOPPED",
    "STOP_REASONS",
    "Ats",
    "AtsDelivery",
    "Base",
    "Candidate",
    "Checkin",
    "MatchTerm",
    "MatchTermCount",
    "Recruiter",
    "Rejection",
    "ReminderSent",
    "Role",
    "RoleAlert",
    "RoleOutreach",
    "Touchpoint",
    "UTCDateTime",
    "utcnow",
]
