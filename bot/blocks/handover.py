"""Handover when a recruiter leaves: the line and picker admins see (DM and Home), what a handover answers, the new
owner's DM, and `/rejected handover`'s usage."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.common import Block, Message, escape, header, message, plain, section, truncate
from bot.ids import HANDOVER_PICK, handover_block_id
from models.handover import HandedOver, HandoverRefusal, Held, RefusedHandover, Returned

PICKER_LABEL = "Hand over to…"
FALLBACK_MAX = 3000  # a notification's text: the first departures are enough
DM_DEPARTURES_MAX = 40  # one admin's DM: with its closing line, within Slack's 50 blocks
# With the list at its fullest the Home still fits Slack's 100 blocks: see bot.blocks.home.
HOME_DEPARTURES_MAX = 3
DEPARTURES_HEADER = "Recruiters who left"
HANDOVER_ADMINS_ONLY = "Only Keepwarm admins can hand a recruiter's candidates over to someone else. Nothing changed."
HANDOVER_GONE = "That recruiter is not one of this workspace's. Nothing changed."
HANDOVER_CHOOSE = "Choose a person from the list to hand the candidates over to. Nothing changed."
COULD_NOT_HAND_OVER = "hand the candidates over"  # "Keepwarm could not …" when the database does not answer
HANDOVER_UNAVAILABLE = "Keepwarm's database did not answer, so nothing was handed over. Try again in a minute."
HANDOVER_USAGE = (
    "Usage: `/rejected handover @from @to [--tag T] [--role R]` moves the candidates @from keeps warm (all of them, "
    "those tagged T, or those rejected for a role whose title contains R) to @to. Admins only."
)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def departure_line(held: Held) -> str:
    """ "<@U…> left: 34 candidates, 5 check-ins due"; Slack shows the mention as their name, even once deactivated."""
    return f"<@{held.user_id}> left: {_plural(held.candidates, 'candidate')}, {_plural(held.due, 'check-in')} due"


def departure_section(held: Held) -> Block:
    """The line, with the picker beside it; the block names the recruiter who left (a users_select has no value)."""
    block = section(departure_line(held))
    block["block_id"] = handover_block_id(held.recruiter_id)
    block["accessory"] = {"type": "users_select", "action_id": HANDOVER_PICK, "placeholder": plain(PICKER_LABEL)}
    return block


def handed_line(from_user: str, to_user: str, by: str) -> str:
    return f":white_check_mark: <@{by}> handed what <@{from_user}> kept warm over to <@{to_user}>."


def returned_line(user_id: str) -> str:
    return f":leftwards_arrow_with_hook: <@{user_id}> is back and keeps their candidates: nothing to hand over."


def build_departure_dm(entries: Sequence[Held | tuple[str, str, str] | Returned]) -> Message:
    """An admin's DM about recruiters who left: each still held with its picker, each handed over saying to whom,
    each who came back saying so."""
    blocks: list[Block] = []
    lines: list[str] = []
    for entry in entries:
        if isinstance(entry, Held):
            blocks.append(departure_section(entry))
            lines.append(departure_line(entry))
        else:
            lines.append(returned_line(entry.user_id) if isinstance(entry, Returned) else handed_line(*entry))
            blocks.append(section(lines[-1]))
    blocks.append(
        section(
            "Until someone takes them over, their check-ins wait: nothing is sent, nothing is lost. "
            "They are also on your Home tab, and `/rejected handover @from @to` moves them too."
        )
    )
    return message(truncate("; ".join(lines), FALLBACK_MAX), blocks)


def home_departures(held: Sequence[Held]) -> list[Block]:
    """The admins' Home section: a header counting all who left, then the first few with their pickers."""
    if not held:
        return []
    shown = held[:HOME_DEPARTURES_MAX]
    count = f"{len(held)}" if len(held) <= len(shown) else f"{len(held)}, the first {len(shown)} below"
    return [header(f"{DEPARTURES_HEADER} ({count})"), *(departure_section(h) for h in shown)]


def moved_line(done: HandedOver) -> str:
    """What an admin is told: "Moved 12 candidates and 3 check-ins from @a to @b"."""
    line = (
        f"Moved {_plural(done.candidates, 'candidate')} and {_plural(done.checkins, 'check-in')} "
        f"from <@{done.from_user}> to <@{done.to_user}>"
    )
    if done.notices:
        line += f", and {_plural(done.notices, 'ATS notice')} waiting for them"
    return line + f". <@{done.to_user}> gets a DM saying what they now keep warm."


def build_inherited_dm(done: HandedOver) -> Message:
    """The new owner's one DM: "You now keep warm 34 candidates from Alex Kim; 5 check-ins are due"."""
    due = f"{_plural(done.due, 'check-in')} {'is' if done.due == 1 else 'are'} due"
    line = f"You now keep warm {_plural(done.candidates, 'candidate')} from <@{done.from_user}>; {due}"
    if done.notices:
        line += f", and {_plural(done.notices, 'ATS notice')} {'waits' if done.notices == 1 else 'wait'} for you"
    details = (
        "Due check-ins come in your next reminder DM (a few a day at most); the rest follow on their dates. "
        "They are on your Home tab and in `/rejected list`."
    )
    return message(line + ".", [section(line + "."), section(details)])


def refused_line(refused: RefusedHandover, *, from_user: str, to_user: str) -> str:
    """Why a handover moved nothing."""
    if refused.refusal is HandoverRefusal.SAME_PERSON:
        return f"<@{from_user}> already keeps them warm: choose someone else. Nothing changed."
    if refused.refusal is HandoverRefusal.DEPARTED:
        return f"<@{to_user}> has left the workspace too: choose someone still here. Nothing changed."
    if refused.refusal is HandoverRefusal.BUSY:
        return (
            f"A reminder or ATS notice for <@{from_user}> is being delivered right now. Nothing changed; "
            "try again in a minute."
        )
    if refused.handed_to is not None:
        return (
            f"Nothing left to hand over: <@{refused.handed_by}> already handed what <@{from_user}> kept warm to "
            f"<@{refused.handed_to}>. Nothing changed."
        )
    return f"<@{from_user}> keeps no candidates warm that match. Nothing changed."


def not_a_person(user_id: str, why: str) -> str:
    """The one chosen cannot take candidates over: a bot, someone deactivated, or not of this workspace."""
    return f"<@{user_id}> {why}, so they cannot take candidates over: choose a colleague. Nothing changed."


def slack_unsure(user_id: str) -> str:
    return f"Keepwarm could not check <@{user_id}> with Slack just now. Nothing changed; try again in a minute."


def build_handover_usage(problem: str | None = None) -> Message:
    """`/rejected handover` as typed could not be read: what was wrong (escaped: it may quote the text), and how."""
    text = f"{escape(problem)} {HANDOVER_USAGE}" if problem else HANDOVER_USAGE
    return message(text, [section(text)])
