"""ATS notices reach each recruiter in one DM per run, inside working hours, exactly once: in-process on SQLite and
PostgreSQL against the fake Slack over real HTTP, and once as `python -m jobs run notices`.

Notices are made the way processing an ATS delivery makes them (testkit.data.apply_ats runs apply_events).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks.ats_notices import MAX_NOTICES
from bot.config import Settings
from bot.ids import (
    ATS_NOTICE_DISMISS,
    ATS_NOTICE_KEEP,
    ATS_NOTICE_METADATA_TYPE,
    ATS_NOTICE_RATE,
    ATS_NOTICE_UNDO,
)
from jobs.ats_notices import NoticeReport, run_notices
from models import AtsNotice, Recruiter
from models.ats_events import Applied, Hired, Unrejected
from models.ats_intake import dismiss
from models.ats_queue import waiting_for_recruiter
from models.audit import Source
from models.opt_out import OptChange, opt_in, opt_out
from testkit.data import MONDAY, REC, apply_ats, ats_rejected, reject
from testkit.database import snapshot
from testkit.env import REPO
from testkit.fakeslack import TEAM_ID, FakeSlack, Reply, rate_limited
from testkit.processes import cli_env
from testkit.sweeps import DAY, HOUR, MINUTE, dm, slack_client

OTHER = "U0OTHER"
IN_HOURS = MONDAY + 2 * DAY  # Wednesday 7 January 2026, 10:00 UTC
NIGHT = IN_HOURS.replace(hour=3)
DATE = "<!date^{}^{{date_short_pretty}}|{:%Y-%m-%d}>"


def run(sessions: sessionmaker[Session], settings: Settings, fake: FakeSlack, now: datetime) -> NoticeReport:
    return run_notices(sessions=sessions, client=slack_client(fake), settings=settings, now=now)


def date_of(when: datetime) -> str:
    return DATE.format(int(when.timestamp()), when)


def texts(message: dict[str, Any]) -> list[str]:
    """The DM as a recruiter reads it: each block's text, and an actions block as its controls' labels."""
    shown = []
    for block in message["blocks"]:
        if block["type"] in ("header", "section"):
            shown.append(block["text"]["text"])
        elif block["type"] == "context":
            shown.append(block["elements"][0]["text"])
        else:
            labels = [(e.get("text") or e["placeholder"])["text"] for e in block["elements"]]
            shown.append(f"[{block['block_id']}] " + " | ".join(labels))
    return shown


def notices(sessions: sessionmaker[Session]) -> list[AtsNotice]:
    with sessions.begin() as session:
        found = list(session.scalars(select(AtsNotice).order_by(AtsNotice.id)))
        session.expunge_all()
        return found


def posts(fake: FakeSlack) -> int:
    return len(fake.calls_to("chat.postMessage"))


def test_each_recruiter_gets_one_dm_listing_their_notices_and_nothing_twice(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    for user in (REC, OTHER):
        fake_slack.set_user(user, tz="UTC")
    [asking] = apply_ats(sessions, ats_rejected())
    [withdrew] = apply_ats(
        sessions,
        ats_rejected(
            "Sam Okafor", "Data Engineer", candidate_id="c2", application_id="a2", reason=None, by_candidate=True
        ),
        source="lever",
    )
    [kept] = apply_ats(
        sessions,
        ats_rejected("Ada Byron", "SRE", candidate_id="c3", application_id="a3", stage_name="Final Round", reason=None),
        source="ashby",
        keep_without_asking=("final",),
    )
    reject(sessions, "Omar Haddad", "Backend Engineer", user=OTHER, email="omar@example.com")
    [hired] = apply_ats(sessions, Hired("c9", "a9", ("omar@example.com",), "Platform Lead"))
    [applied] = apply_ats(sessions, Applied("c9", "a10", ("omar@example.com",), None), source="lever")

    report = run(sessions, settings, fake_slack, IN_HOURS)

    assert (report.messages, report.notices, report.failed, report.deferred) == (2, 5, 0, 0)
    assert report.summary() == (
        "2 message(s), 5 ATS notice(s) sent, 0 waiting for working hours, 0 deferred, 0 failed, "
        "0 found already delivered"
    )
    [mine] = fake_slack.messages(dm(REC))
    assert texts(mine) == [
        "From your ATS: 3 updates",
        "From Greenhouse: you rejected *Priya Raman* for Staff Platform Engineer at Onsite (Hired another candidate). "
        "Keep them warm?",
        f"[ats_notice:{asking}] Keep warm | Not this one | Rate and keep…",
        "From Lever: they rejected us: *Sam Okafor* withdrew from Data Engineer at Onsite. Keep them warm?",
        f"[ats_notice:{withdrew}] Keep warm | Not this one | Rate and keep…",
        "From Ashby: you rejected *Ada Byron* for SRE at Final Round. Kept without asking (ATS_KEEP_WITHOUT_ASKING): "
        f"check-ins start on {date_of(MONDAY + 14 * DAY)}.",
        f"[ats_notice:{kept}] Undo",
    ]
    assert mine["text"] == "From your ATS: Priya Raman, Sam Okafor, Ada Byron"
    keep_block = mine["blocks"][2]
    assert [(e["action_id"], e.get("value"), e.get("style")) for e in keep_block["elements"][:2]] == [
        (ATS_NOTICE_KEEP, str(asking), "primary"),
        (ATS_NOTICE_DISMISS, str(asking), None),
    ]
    rate = keep_block["elements"][2]
    assert (rate["type"], rate["action_id"]) == ("static_select", ATS_NOTICE_RATE)
    assert [o["value"] for o in rate["options"]] == [f"{asking}:{n}" for n in (5, 4, 3, 2, 1)]
    assert [o["text"]["text"] for o in rate["options"]][:2] == ["★★★★★", "★★★★☆"]
    assert [(e["action_id"], e["value"]) for e in mine["blocks"][6]["elements"]] == [(ATS_NOTICE_UNDO, str(kept))]
    [theirs] = fake_slack.messages(dm(OTHER))
    assert texts(theirs) == [
        "From your ATS: 2 updates",
        ":tada: From Greenhouse: *Omar Haddad* was hired for Platform Lead: the check-ins worked, "
        "and they have stopped.",
        ":wave: From Lever: *Omar Haddad* applied again.",
    ]

    # Each DM carries its claim in metadata, and each notice records where it went.
    posted = {call.params["channel"]: call.params for call in fake_slack.calls_to("chat.postMessage")}
    assert {params["metadata"]["event_type"] for params in posted.values()} == {ATS_NOTICE_METADATA_TYPE}
    rows = {row.id: row for row in notices(sessions)}
    assert {(rows[i].channel, rows[i].ts) for i in (asking, withdrew, kept)} == {(dm(REC), mine["ts"])}
    assert {(rows[i].channel, rows[i].ts) for i in (hired, applied)} == {(dm(OTHER), theirs["ts"])}
    assert {(row.sent_at, row.claim_token, row.claim_expires_at) for row in rows.values()} == {(IN_HOURS, None, None)}
    with sessions.begin() as session:
        assert set(session.scalars(select(Recruiter.dm_channel).where(Recruiter.user_id.in_([REC, OTHER])))) == {
            dm(REC),
            dm(OTHER),
        }

    for later in (IN_HOURS + 5 * MINUTE, IN_HOURS + DAY):
        again = run(sessions, settings, fake_slack, later)
        assert (again.messages, again.notices) == (0, 0)
    assert posts(fake_slack) == 2


def test_outside_working_hours_notices_wait_for_the_recruiters_morning(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="Asia/Tokyo")  # 03:00 UTC is noon in Tokyo; 10:00 UTC is 19:00 there
    apply_ats(sessions, ats_rejected())

    evening = run(sessions, settings, fake_slack, IN_HOURS)
    assert (evening.messages, evening.waiting_for_working_hours) == (0, 1)
    assert evening.lines == [f"<@{REC}>: waiting for working hours (Asia/Tokyo)"]
    assert posts(fake_slack) == 0

    morning = run(sessions, settings, fake_slack, NIGHT + DAY)
    assert (morning.messages, morning.notices) == (1, 1)
    assert len(fake_slack.messages(dm(REC))) == 1


def test_only_assigned_undecided_notices_are_sent(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    # Nobody in Slack has the address the ATS named: the notice waits in the admins' queue.
    [queued] = apply_ats(sessions, ats_rejected("Nobody's", user="U0GONE"), users=())
    # Decided before the sweep: dismissed (from the admins' queue, say), and kept without asking then unrejected.
    [dismissed] = apply_ats(sessions, ats_rejected("Dee Dismissed", candidate_id="c2", application_id="a2"))
    with sessions.begin() as session:
        dismiss(session.get_one(AtsNotice, dismissed), user_id=REC, now=MONDAY)
    [withdrawn] = apply_ats(
        sessions, ats_rejected("Wes Withdrawn", candidate_id="c3", application_id="a3"), keep_without_asking=("final",)
    )
    apply_ats(sessions, Unrejected("c3", "a3"))
    [due] = apply_ats(sessions, ats_rejected("Priya Raman", candidate_id="c4", application_id="a4"))

    report = run(sessions, settings, fake_slack, IN_HOURS)

    assert (report.messages, report.notices) == (1, 1)
    [message] = fake_slack.messages(dm(REC))
    assert [block.get("block_id") for block in message["blocks"] if block["type"] == "actions"] == [f"ats_notice:{due}"]
    rows = {row.id: row for row in notices(sessions)}
    assert rows[queued].recruiter_id is None
    assert [rows[i].sent_at for i in (queued, dismissed, withdrawn)] == [None, None, None]
    assert (rows[dismissed].decision, rows[withdrawn].decision) == ("dismissed", "withdrawn")


def test_a_post_whose_answer_was_lost_is_found_in_the_dm_and_not_sent_twice(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    [notice_id] = apply_ats(sessions, ats_rejected())
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "internal_error"}, status=500, applied=True))

    first = run(sessions, settings, fake_slack, IN_HOURS)
    assert (first.messages, first.deferred) == (0, 1)
    [row] = notices(sessions)
    assert (row.sent_at, row.claim_token is not None, row.claim_expires_at) == (None, True, IN_HOURS)

    second = run(sessions, settings, fake_slack, IN_HOURS + 5 * MINUTE)
    assert (second.messages, second.recovered) == (0, 1)
    [message] = fake_slack.messages(dm(REC))  # found, not re-sent
    [row] = notices(sessions)
    assert (row.sent_at, row.ts, row.claim_token) == (IN_HOURS + 5 * MINUTE, message["ts"], None)
    assert posts(fake_slack) == 1
    assert run(sessions, settings, fake_slack, IN_HOURS + HOUR).messages == 0
    assert posts(fake_slack) == 1 and row.id == notice_id


def test_a_post_that_never_arrived_is_sent_again_once(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    apply_ats(sessions, ats_rejected())
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "internal_error"}, status=500))

    assert run(sessions, settings, fake_slack, IN_HOURS).deferred == 1
    assert fake_slack.messages(dm(REC)) == []
    retry = run(sessions, settings, fake_slack, IN_HOURS + 5 * MINUTE)
    assert (retry.messages, retry.notices) == (1, 1)
    assert run(sessions, settings, fake_slack, IN_HOURS + HOUR).messages == 0
    assert len(fake_slack.messages(dm(REC))) == 1


def test_a_rate_limit_waits_out_retry_after_then_sends_once(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    apply_ats(sessions, ats_rejected())
    fake_slack.script("chat.postMessage", rate_limited(1), rate_limited(1))  # the client retries once

    limited = run(sessions, settings, fake_slack, IN_HOURS)
    assert (limited.messages, limited.deferred) == (0, 1)
    [row] = notices(sessions)
    assert (row.retry_at, row.claim_token, row.delivery_error) == (IN_HOURS + timedelta(seconds=1), None, None)

    assert run(sessions, settings, fake_slack, IN_HOURS).messages == 0  # Retry-After has not passed
    assert posts(fake_slack) == 2
    later = run(sessions, settings, fake_slack, IN_HOURS + 5 * MINUTE)
    assert (later.messages, later.notices) == (1, 1)
    [row] = notices(sessions)
    assert (row.retry_at, row.sent_at) == (None, IN_HOURS + 5 * MINUTE)
    assert len(fake_slack.messages(dm(REC))) == 1


def test_a_permanent_refusal_is_recorded_and_not_retried(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    apply_ats(sessions, ats_rejected())
    fake_slack.script("chat.postMessage", Reply({"ok": False, "error": "user_disabled"}))

    assert run(sessions, settings, fake_slack, IN_HOURS).failed == 1
    [row] = notices(sessions)
    assert (row.delivery_error, row.sent_at, row.claim_token) == ("user_disabled", None, None)
    assert run(sessions, settings, fake_slack, IN_HOURS + DAY).messages == 0
    assert posts(fake_slack) == 1


def test_more_notices_than_fit_come_in_the_next_run(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    count = MAX_NOTICES + 2
    ids = apply_ats(
        sessions, *(ats_rejected(f"Candidate {n}", candidate_id=f"c{n}", application_id=f"a{n}") for n in range(count))
    )

    first = run(sessions, settings, fake_slack, IN_HOURS)
    assert (first.messages, first.notices) == (1, MAX_NOTICES)
    [message] = fake_slack.messages(dm(REC))
    assert texts(message)[0] == f"From your ATS: {count} updates"
    assert texts(message)[-1] == "2 more: they come in the next message."
    second = run(sessions, settings, fake_slack, IN_HOURS + 5 * MINUTE)
    assert (second.messages, second.notices) == (1, 2)
    later = fake_slack.messages(dm(REC))[1]
    assert [b["block_id"] for b in later["blocks"] if b["type"] == "actions"] == [f"ats_notice:{i}" for i in ids[-2:]]


def test_the_cli_runs_notices_once_and_a_dry_run_changes_nothing(
    database_url: str, engine: Engine, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    apply_ats(sessions, ats_rejected())
    before = snapshot(engine)

    def cli(*options: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "jobs", "run", "notices", "--now", IN_HOURS.isoformat(), *options]
        env = cli_env(database_url, fake_slack)
        return subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False)

    dry = cli("--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        f"<@{REC}>: would DM ATS notices: Priya Raman (rejected)",
        "dry run: 0 message(s), 0 ATS notice(s) sent, 0 waiting for working hours, 0 deferred, 0 failed, "
        "0 found already delivered",
    ]
    assert fake_slack.calls == [] and snapshot(engine) == before

    done = cli()
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"<@{REC}>: sent 1 ATS notice(s)",
        "1 message(s), 1 ATS notice(s) sent, 0 waiting for working hours, 0 deferred, 0 failed, "
        "0 found already delivered",
    ]
    assert len(fake_slack.messages(dm(REC))) == 1
    assert cli().stdout.splitlines()[-1].startswith("0 message(s), 0 ATS notice(s) sent")


def test_an_opted_out_candidate_gets_no_prompt_and_their_ats_rejection_records_nothing(
    engine: Engine, sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user(REC, tz="UTC")
    reject(sessions, "Priya Raman", email="priya@x.io")
    reject(sessions, "Bo Linked", email="bo@x.io")
    [bo_notice] = apply_ats(
        sessions, ats_rejected("Bo Linked", candidate_id="c-bo", application_id="a-bo", email="bo@x.io")
    )
    [other] = apply_ats(sessions, ats_rejected("Cy Else", candidate_id="c-cy", application_id="a-cy", email="cy@x.io"))
    for email in ("priya@x.io", "bo@x.io"):
        with sessions.begin() as session:
            done = opt_out(
                session, team_id=TEAM_ID, email=email, user_id=REC, is_admin=False, source=Source.COMMAND, now=MONDAY
            )
            assert done.change is OptChange.DONE
    before = snapshot(engine)

    # Rejected again in the ATS, with the same email, even with keep-without-asking on: no prompt, nothing recorded.
    assert apply_ats(sessions, ats_rejected(email="priya@x.io"), keep_without_asking=("final",)) == []
    assert snapshot(engine) == before

    # Bo's prompt arrived before he opted out: it waits, unsent, while Cy's goes out.
    run(sessions, settings, fake_slack, IN_HOURS)
    [message] = fake_slack.messages(dm(REC))
    assert "Cy Else" in message["text"] + str(message["blocks"]) and "Bo Linked" not in str(message)
    assert [(n.id, n.sent_at is not None) for n in notices(sessions)] == [(bo_notice, False), (other, True)]

    with sessions.begin() as session:
        opt_in(
            session,
            team_id=TEAM_ID,
            email="bo@x.io",
            user_id=REC,
            is_admin=False,
            source=Source.COMMAND,
            policy=settings.policy,
            now=IN_HOURS,
        )
    run(sessions, settings, fake_slack, IN_HOURS + HOUR)
    assert "Bo Linked" in str(fake_slack.messages(dm(REC))[-1])


def test_the_admins_queue_leaves_out_an_opted_out_candidates_rejection(sessions: sessionmaker[Session]) -> None:
    reject(sessions, "Dee Queued", email="dee@x.io")
    [dee] = apply_ats(sessions, ats_rejected("Dee Queued", candidate_id="c-dee", email="dee@x.io"), users=())
    [eve] = apply_ats(sessions, ats_rejected("Eve Queued", candidate_id="c-eve", application_id="a-eve"), users=())

    def queued() -> list[int]:
        with sessions.begin() as session:
            return [n.id for n in waiting_for_recruiter(session=session, team_id=TEAM_ID, limit=10).notices]

    assert queued() == [dee, eve]
    with sessions.begin() as session:
        opt_out(
            session, team_id=TEAM_ID, email="dee@x.io", user_id=REC, is_admin=False, source=Source.COMMAND, now=MONDAY
        )
    assert queued() == [eve]
