"""Keepwarm's data model: recruiters, the candidates they turned down, and each rejection."""

from models.ats_delivery import Ats, AtsDelivery
from models.ats_link import AtsStage, CandidateAtsId
from models.ats_notice import AtsNotice, Decision, NoticeKind
from models.audit import Act, AuditEntry
from models.base import Base, UTCDateTime, utcnow
from models.candidate import ERASED_NAME, Candidate
from models.checkin import Checkin, CheckinStatus, ReminderSent, StopReason, Touchpoint
from models.departure_notice import DepartureNotice
from models.match_terms import MatchTerm, MatchTermCount
from models.recruiter import Recruiter
from models.rejection import STAGES, Rejection
from models.retention_warning import RetentionWarning
from models.role import Role, RoleAlert, RoleOutreach, RoleStatus
from models.workspace import Workspace

__all__ = [
    "ERASED_NAME",
    "STAGES",
    "Act",
    "Ats",
    "AtsDelivery",
    "AtsNotice",
    "AtsStage",
    "AuditEntry",
    "Base",
    "Candidate",
    "CandidateAtsId",
    "Checkin",
    "CheckinStatus",
    "Decision",
    "DepartureNotice",
    "MatchTerm",
    "MatchTermCount",
    "NoticeKind",
    "Recruiter",
    "Rejection",
    "ReminderSent",
    "RetentionWarning",
    "Role",
    "RoleAlert",
    "RoleOutreach",
    "RoleStatus",
    "StopReason",
    "Touchpoint",
    "UTCDateTime",
    "Workspace",
    "utcnow",
]
