"""The admins' queue of ATS rejections nobody in Slack matched, on their Home tab, and what assigning one says."""

from __future__ import annotations

from bot.blocks.common import Block, escape, header, plain, section, slack_date
from bot.ids import ATS_QUEUE_ASSIGN, ats_queue_block_id
from models.ats_notice import AtsNotice, Decision
from models.ats_queue import AssignRefusal, RefusedAssignment, WaitingQueue

# With the queue at its fullest the Home still fits Slack's 100 blocks: see bot.blocks.home.
QUEUE_MAX = 8
QUEUE_HEADER = "ATS rejections waiting for a recruiter"
ATS_NAMES = {"greenhouse": "Greenhouse", "lever": "Lever", "ashby": "Ashby"}
ASSIGN_PLACEHOLDER = "Assign to…"
ASSIGN_ADMINS_ONLY = "Only Keepwarm admins can assign ATS rejections to a recruiter. Nothing changed."
ASSIGN_NOT_FOUND = (
    "That ATS rejection is no longer in the queue: the ATS may have deleted the candidate. Nothing changed."
)
ASSIGN_CHOOSE = "Choose a person from the list to assign the rejection to. Nothing changed."
SETTLED: dict[str, str] = {
    Decision.KEPT: "it was kept warm",
    Decision.DISMISSED: "it was dismissed (Not this one)",
    Decision.WITHDRAWN: "the ATS withdrew it (the candidate was unrejected)",
    Decision.UNDONE: "it was kept, then undone",
}


def queue_blocks(queue: WaitingQueue) -> list[Block]:
    """A header counting all that wait, then the oldest, each with a menu to pick its recruiter; nothing when none."""
    if not queue.notices:
        return []
    shown = queue.notices[:QUEUE_MAX]
    count = f"{queue.total}" if queue.total <= len(shown) else f"{queue.total}, the oldest {len(shown)} below"
    return [{"type": "divider"}, header(f"{QUEUE_HEADER} ({count})"), *(_waiting(notice) for notice in shown)]


def _waiting(notice: AtsNotice) -> Block:
    """Who, for which role, how far they got, from which ATS, and whom the ATS named."""
    role = escape(notice.role_title) if notice.role_title else "_role not given_"
    stage = escape(notice.stage_name) if notice.stage_name else "_stage not given_"
    named = (
        f"The ATS names {escape(notice.recruiter_email)} (not found in Slack)"
        if notice.recruiter_email
        else "The ATS names no recruiter"
    )
    if notice.rejected_at is not None:
        named += f" · rejected {slack_date(notice.rejected_at)}"
    block = section(f"*{escape(notice.name)}* · {role} · {stage} · {ats_name(notice.source)}\n{named}")
    block["block_id"] = ats_queue_block_id(notice.id)
    block["accessory"] = {
        "type": "users_select",
        "action_id": ATS_QUEUE_ASSIGN,
        "placeholder": plain(ASSIGN_PLACEHOLDER),
    }
    return block


def ats_name(source: str) -> str:
    return ATS_NAMES.get(source) or escape(source)


def assigned(notice: AtsNotice, user_id: str) -> str:
    """The line an admin sees on their Home once the rejection is theirs to hand on."""
    role = f"{escape(notice.role_title)}, " if notice.role_title else ""
    return (
        f":white_check_mark: *{escape(notice.name)}* ({role}{ats_name(notice.source)}) is now <@{user_id}>'s. "
        "Keepwarm will DM them about it with its next sweep, inside their working hours."
    )


def assign_refused(refused: RefusedAssignment) -> str:
    """Why choosing a recruiter changed nothing: gone, settled meanwhile, or assigned by someone first."""
    notice = refused.notice
    if refused.refusal is AssignRefusal.NOT_FOUND or notice is None:
        return ASSIGN_NOT_FOUND
    name = escape(notice.name)
    if refused.refusal is AssignRefusal.DECIDED:
        settled = SETTLED.get(notice.decision or "", "it was settled")
        return f"*{name}* needs no recruiter any more: {settled}. Nothing changed."
    recruiter = notice.recruiter
    to = f" to <@{recruiter.user_id}>" if recruiter is not None else ""
    return f"*{name}* was already assigned{to}. Nothing changed."


def not_a_recruiter(user_id: str) -> str:
    return (
        f"<@{user_id}> is not one of Keepwarm's recruiters, so they could not act on the rejection. "
        "Choose someone on the recruiting team. Nothing changed."
    )


def cannot_check(user_id: str) -> str:
    return (
        f"Keepwarm could not check whether <@{user_id}> is one of its recruiters: Slack did not answer. "
        "Nothing changed; try again in a minute."
    )
