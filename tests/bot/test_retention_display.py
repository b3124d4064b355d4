"""Consent where Keepwarm shows a candidate, end to end: `/rejected … consent=…` and `/rejected list` as signed slash
commands, the Home tab as app_home_opened publishes it, and a click on its Erase now; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.ids import RETENTION_ERASE
from models import Act, AuditEntry, Candidate
from testkit.data import reject
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp, candidates, open_home, run
from testkit.slack_http import everything, home_click_payload, interactive_body, post_signed

RECORDED = datetime(2026, 12, 1, 10, tzinfo=UTC)  # when the app records, and draws Home
REC, OTHER = "U0REC", "U0OTHER"


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"RETENTION_DAYS": "180", "CONSENT_RETENTION_DAYS": "730"}


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.recording.utcnow", lambda: RECORDED)
    monkeypatch.setattr("bot.home.utcnow", lambda: RECORDED)
    monkeypatch.setattr("bot.listeners.actions.retention_buttons.utcnow", lambda: RECORDED)


def short(when: datetime) -> str:
    return f"{when.day} {when:%b %Y}"


def test_a_consent_date_given_with_the_rejection_is_kept_and_shown(running: RunningApp) -> None:
    reply = everything(run(running, "Priya Raman email=priya@example.com role=Engineer stage=final consent=2026-11-02"))
    # The period counts from the latest of the rejection (1 Dec) and the consent (2 Nov): the rejection.
    assert f"Consent until {short(RECORDED + timedelta(days=730))}." in reply
    [priya] = candidates(running)
    agreed = datetime(2026, 11, 2, 12, tzinfo=UTC)
    assert (priya.consent_at, priya.consent_by, priya.consent_how) == (agreed, REC, "given with the rejection")
    with running.sessions() as session:
        logged = [
            (e.act, e.actor, e.source, e.detail)
            for e in session.query(AuditEntry).filter(AuditEntry.act == Act.CONSENTED).all()
        ]
    assert logged == [("consented", REC, "command", "given with the rejection, dated 2026-11-02")]

    reply = everything(run(running, "Sam Ode email=sam@example.com role=Engineer stage=final"))
    assert f"No consent: erased after {short(RECORDED + timedelta(days=180))}." in reply

    listed = everything(run(running, "list"))
    assert "*Priya Raman*: Engineer · finalist · " in listed
    assert f"consent until {short(RECORDED + timedelta(days=730))}" in listed
    assert f"no consent: erased after {short(RECORDED + timedelta(days=180))}" in listed


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01", "2031-01-01"])
def test_a_bad_consent_date_saves_nothing_and_says_why(running: RunningApp, value: str) -> None:
    reply = everything(run(running, f"Priya Raman role=Engineer stage=final consent={value}"))
    assert "Nothing was saved" in reply and "Consent" in reply
    assert candidates(running) == []


def test_home_warns_of_the_users_own_erasures_and_erase_now_works_from_there(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    soon = RECORDED - timedelta(days=170)  # erased in 10 days
    mine = reject(running.sessions, "Priya Raman", email="priya@example.com", stage="screen", at=soon)
    reject(running.sessions, "Omar Haddad", email="omar@example.com", stage="screen", at=soon, user=OTHER)
    opted = reject(running.sessions, "Lee Park", email="lee@example.com", stage="screen", at=soon)
    reject(running.sessions, "Ana Silva", email="ana@example.com", stage="screen", at=RECORDED - timedelta(days=100))
    with running.sessions.begin() as session:
        session.get_one(Candidate, opted.candidate_id).opted_out = True

    open_home(running)
    [publish] = fake_slack.wait_for("views.publish")
    view = publish.params["view"]
    texts = [b["text"]["text"] for b in view["blocks"] if b["type"] in ("header", "section")]
    at = texts.index("To be erased soon")
    expiry = soon + timedelta(days=180)
    assert texts[at + 1] == (
        f":hourglass_flowing_sand: *Priya Raman*'s data will be erased on {expiry.day} {expiry:%B} unless they agree "
        "to stay on file."
    )
    assert not any("Omar Haddad" in t or "Lee Park" in t or "Ana Silva" in t for t in texts[at : at + 3])
    [buttons] = [b for b in view["blocks"] if b.get("block_id") == f"retention:{mine.candidate_id}"]
    erase = next(e for e in buttons["elements"] if e["action_id"] == RETENTION_ERASE)

    payload = home_click_payload(
        view=view, action_id=RETENTION_ERASE, value=erase["value"], user_id=REC, block_id=buttons["block_id"]
    )
    reply = post_signed(running.events_url, interactive_body(payload))
    assert (reply.status, reply.body) == (200, "")
    [_, redrawn] = fake_slack.wait_for("views.publish", count=2)
    assert (
        redrawn.params["view"]["blocks"][1]["text"]["text"] == f":wastebasket: Erased by <@U0REC> on {short(RECORDED)}."
    )
    assert "Priya Raman" not in str(redrawn.params["view"])
    with running.sessions() as session:
        assert session.get_one(Candidate, mine.candidate_id).erased
        [entry] = session.query(AuditEntry).filter(AuditEntry.act == Act.ERASED).all()
        assert (entry.actor, entry.source, entry.subject) == (REC, "button", None)
