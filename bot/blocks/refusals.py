"""Why a click changed nothing, in the words of whoever clicked: the refusals models/ returns, and a database that
did not answer."""

from __future__ import annotations

from bot.blocks.checkin_modals import STOP_REASONS
from models.checkin import CheckinStatus
from models.checkins import CheckinRefusal, RefusedCheckin
from models.outreach import OutreachRefusal, RefusedOutreach

CHECKIN_NOT_FOUND = "That check-in no longer exists, or is not one of yours."
CHECKIN_BUSY = "Keepwarm is sending a reminder about this candidate right now; try again in a minute."
CHECKIN_UNAVAILABLE = (
    "Could not save that just now: Keepwarm's database is not answering. Nothing changed; try again in a minute."
)
OUTREACH_NOT_FOUND = "That role or candidate no longer exists in this workspace: nothing was logged."
OUTREACH_ERASED = "That candidate's details were erased: there is no one to reach out to, and nothing was logged."
OUTREACH_OPTED_OUT = "{name} asked not to be contacted again: nothing was logged."
OUTREACH_CLOSED = "{title} is closed: nothing was logged."


def checkin_refusal(refused: RefusedCheckin) -> str:
    """Why a check-in button no longer applies: gone, already handled (and what became of it), or being sent."""
    checkin = refused.checkin
    if refused.refusal is CheckinRefusal.BUSY:
        return CHECKIN_BUSY
    if refused.refusal is CheckinRefusal.NOT_FOUND or checkin is None:
        return CHECKIN_NOT_FOUND
    name = checkin.candidate.name
    if checkin.status == CheckinStatus.STOPPED:
        reason = STOP_REASONS.get(checkin.stop_reason or "", checkin.stop_reason)
        return f"Check-ins for {name} were stopped ({reason})."
    return f"This reminder was already handled; the next check-in with {name} is due {checkin.due_at:%d %b %Y}."


def outreach_refusal(refused: RefusedOutreach) -> str:
    """Why "I'll reach out" logged nothing."""
    match refused.refusal:
        case OutreachRefusal.ERASED:
            return OUTREACH_ERASED
        case OutreachRefusal.OPTED_OUT:
            return OUTREACH_OPTED_OUT.format(name=refused.candidate_name)
        case OutreachRefusal.ROLE_CLOSED:
            return OUTREACH_CLOSED.format(title=refused.role_title)
        case _:
            return OUTREACH_NOT_FOUND
