"""Keepwarm's data model: recruiters, the candidates they turned down, and each rejection."""

from models.ats_delivery import Ats, AtsDelivery
from models.base import Base, UTCDateTime, utcnow
from models.candidate import ERASED_NAME, Candidate
from models.checkin import Checkin, CheckinStatus, ReminderSent, StopReason, Touchpoint
from models.match_terms import MatchTerm, MatchTermCount
from models.recruiter import Recruiter
from models.rejection import STAGES, Rejection
from models.role import Role, RoleAlert, RoleOutreach, RoleStatus

__all__ = [
    "ERASED_NAME",
    "STAGES",
    "Ats",
    "AtsDelivery",
    "Base",
    "Candidate",
    "Checkin",
    "CheckinStatus",
    "MatchTerm",
    "MatchTermCount",
    "Recruiter",
    "Rejection",
    "ReminderSent",
    "Role",
    "RoleAlert",
    "RoleOutreach",
    "RoleStatus",
    "StopReason",
    "Touchpoint",
    "UTCDateTime",
    "utcnow",
]
