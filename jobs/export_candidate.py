"""`python -m jobs export-candidate <email> [--team T…]`: everything Keepwarm holds about one candidate, as the JSON
`/rejected export` sends, to stdout: for whoever runs Keepwarm to answer a subject access request.

The data is read and the export logged (actor and source "cli") in one transaction that commits only once the JSON
has been written out, so the log never claims an export that did not happen.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TextIO

from sqlalchemy.orm import Session, sessionmaker

from models.audit import Act, log_act
from models.subject_access import candidate_export, find_exportable

CLI = "cli"


class CandidateUnknown(Exception):
    """No candidate of the team has that email; the message says so and why that may be."""


def export_candidate(*, sessions: sessionmaker[Session], team_id: str, email: str, now: datetime, out: TextIO) -> None:
    """Write the candidate's export to `out` and log it; raises CandidateUnknown, and leaves no entry when writing
    fails."""
    with sessions.begin() as session:
        candidate = find_exportable(session, team_id=team_id, email=email, user_id=CLI, is_admin=True)
        if candidate is None:
            raise CandidateUnknown(
                f"no candidate with email {email} in team {team_id} (an erased candidate's email is erased with the "
                "rest of their personal data, so there is nothing left to export)"
            )
        data = candidate_export(session, candidate=candidate, now=now)
        log_act(session, act=Act.EXPORTED, actor=CLI, source=CLI, candidate=candidate, at=now)
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
        out.flush()
