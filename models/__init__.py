"""Keepwarm's data model: recruiters, the candidates they turned down, and each rejection."""

from models.base import Base, UTCDateTime, utcnow
from models.candidate import ERASED_NAME, Candidate
from models.recruiter import Recruiter
from models.rejection import STAGES, Rejection

__all__ = ["ERASED_NAME", "STAGES", "Base", "Candidate", "Recruiter", "Rejection", "UTCDateTime", "utcnow"]
