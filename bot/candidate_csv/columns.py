"""Which column holds what, read from the header by the names ATS exports and people give their columns.

Names are matched whole, ignoring case, spaces, underscores, hyphens and dots, and a leading "Candidate"
("Candidate Email" is "Email"). Where the names come from:

- Greenhouse: its bulk import template (First Name, Last Name, Email, Job, Notes, Social Media) and its reports'
  application fields (Job, Current Stage, Recruiter, Rejection Reason, Rejected On; a scorecard's Overall
  Recommendation);
- Lever: its candidate import template (Full Name, Email, Stage, Tags, Links, Owner) and archived opportunities
  (Posting, Archive Reason, Archived At);
- Ashby: candidate and application fields (Name, Email, LinkedIn URL, Job, Current Interview Stage, Archive Reason,
  Archived At, Recruiter, Status);
- an application's status, in exports of every application and not only the rejected ones: Greenhouse's Status
  (Active, Rejected, Hired), Ashby's (Active, Archived, Hired, Lead);
- sheets kept by hand: Name, Role, Position, Stage, Rating, Score, Skills, Tags, Notes, Comments, Date.

"Title" is not the role: in Greenhouse's template it is the candidate's own current job title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Field(StrEnum):
    """What a column can hold."""

    NAME = "name"
    FIRST_NAME = "first name"
    LAST_NAME = "last name"
    EMAIL = "email"
    LINKEDIN = "LinkedIn"
    LINKS = "links"  # several profile URLs, the LinkedIn one among them
    ROLE = "role"
    STAGE = "stage"
    RATING = "rating"
    TAGS = "tags"
    NOTE = "note"
    REASON = "rejection reason"
    RECRUITER = "recruiter"
    REJECTED_AT = "rejection date"
    CONSENT = "consent date"  # when they agreed to stay on file
    STATUS = "status"  # the application's: a hired or active one is no rejection


ALIASES: dict[Field, tuple[str, ...]] = {
    Field.NAME: ("name", "full name", "candidate", "applicant", "applicant name", "contact name"),
    Field.FIRST_NAME: ("first name", "firstname", "first", "given name", "forename"),
    Field.LAST_NAME: ("last name", "lastname", "last", "surname", "family name"),
    Field.EMAIL: ("email", "e mail", "email address", "e mail address", "emails", "email addresses", "primary email"),
    Field.LINKEDIN: ("linkedin", "linkedin url", "linkedin profile", "linkedin profile url", "linkedin link"),
    Field.LINKS: ("links", "social media", "profile links", "profiles", "urls"),
    Field.ROLE: (
        "role", "role title", "job", "job title", "job name", "position", "position title", "posting",
        "posting title", "opening", "applied for", "job applied for",
    ),
    Field.STAGE: (
        "stage", "current stage", "stage name", "last stage", "interview stage", "current interview stage",
        "pipeline stage", "milestone", "rejection stage", "stage rejected at",
    ),
    Field.RATING: (
        "rating", "overall rating", "score", "overall score", "recommendation", "overall recommendation",
        "scorecard", "scorecard rating",
    ),
    Field.TAGS: ("tags", "tag", "skills", "skill", "keywords"),
    Field.NOTE: ("note", "notes", "comment", "comments", "recruiter notes", "recruiter note"),
    Field.REASON: (
        "rejection reason", "rejection reasons", "reason", "reject reason", "reason for rejection", "archive reason",
        "archived reason", "disqualification reason",
    ),
    Field.RECRUITER: (
        "recruiter", "recruiter email", "recruiter slack id", "owner", "owner email", "opportunity owner",
        "rejected by",
    ),
    Field.REJECTED_AT: (
        "rejected at", "rejected on", "rejected", "rejection date", "date rejected", "rejected date", "archived at",
        "archived on", "archive date", "archived date", "date archived", "date",
    ),
    Field.CONSENT: (
        "consent", "consent date", "consented at", "consented on", "consent given", "date of consent",
        "gdpr consent", "gdpr consent date",
    ),
    Field.STATUS: ("status", "application status", "candidate status", "opportunity status"),
}  # fmt: skip
_FIELD_OF = {alias: field for field, aliases in ALIASES.items() for alias in aliases}
_SEPARATORS = re.compile(r"[\s_\-.]+")


class HeaderError(Exception):
    """The header lacks a column the import needs, or names one twice: nothing is read further. One sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Columns:
    """Each understood field's column (0-based), and the header cells not understood, which are ignored."""

    index: dict[Field, int]
    header: list[str]
    ignored: list[str]

    def value(self, values: Sequence[str], field: Field) -> str | None:
        """The row's value for `field`; None without such a column, or past the row's end (spreadsheets drop
        trailing empty cells)."""
        column = self.index.get(field)
        return values[column] if column is not None and column < len(values) else None

    def described(self) -> str:
        """Which header cell each field is read from, in the order of Field."""
        return ", ".join(f"{field} “{self.header[self.index[field]]}”" for field in Field if field in self.index)


def match_header(header: Sequence[str]) -> Columns:
    """Understand a header row; raises HeaderError when the name or role column is missing or a field is given twice."""
    index: dict[Field, int] = {}
    ignored: list[str] = []
    problems: list[str] = []
    for column, cell in enumerate(header):
        field = field_of(cell)
        if field is None:
            if cell.strip():
                ignored.append(cell.strip())
        elif field in index:
            first = index[field]
            problems.append(
                f"Columns {first + 1} (“{header[first].strip()}”) and {column + 1} (“{cell.strip()}”) both hold the "
                f"{field}: keep one, or rename the other."
            )
        else:
            index[field] = column
    found = ", ".join(f"“{cell.strip()}”" for cell in header if cell.strip()) or "none"
    if not {Field.NAME, Field.FIRST_NAME, Field.LAST_NAME} & index.keys():
        problems.append(
            "The header has no column for the candidate's name: call it “Name” (or use “First Name” and “Last "
            f"Name”). Columns found: {found}."
        )
    if Field.ROLE not in index:
        problems.append(
            "The header has no column for the role the candidate was rejected for: call it “Role” (or “Job”, “Job "
            f"Title”, “Position”). Columns found: {found}."
        )
    if problems:
        raise HeaderError(problems)
    return Columns(index=index, header=[cell.strip() for cell in header], ignored=ignored)


def field_of(cell: str) -> Field | None:
    """The field a header cell names, if any."""
    name = _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", cell).casefold()).strip()
    field = _FIELD_OF.get(name)
    if field is None and name.startswith("candidate "):
        field = _FIELD_OF.get(name.removeprefix("candidate "))
    return field
