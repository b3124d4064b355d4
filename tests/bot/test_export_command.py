"""`/rejected export <email>` over signed HTTP, with the fake Slack over real HTTP, on SQLite and PostgreSQL: the
candidate's data reaches the asker's DM as a JSON file through files_upload_v2, and is logged once it has; nobody
else's data, and nothing for someone who may not, or for input that is not one email."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy import select

from models import Act, AuditEntry
from testkit.fakeslack import FakeSlack, Reply
from testkit.running import RunningApp, candidates, run
from testkit.slack_http import everything

ADMIN = "U0ADMIN"
UPLOADS = ("files.getUploadURLExternal", "file_upload", "files.completeUploadExternal")


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"ADMIN_USER_IDS": ADMIN}


def export(running: RunningApp, fake_slack: FakeSlack, text: str, **fields: Any) -> str:
    """Send `/rejected export …` and return the answer's text; failures come back through the fake's response_url."""
    return everything(run(running, f"export {text}", response_url=fake_slack.response_url("export"), **fields))


def delivered(fake_slack: FakeSlack, user: str) -> dict[str, Any]:
    """The one file uploaded to `user`'s DM, parsed."""
    file = fake_slack.wait_for_file(f"D{user}")
    assert file.name.endswith(".json")
    return json.loads(file.data)


def exported_entries(running: RunningApp, *, wait: bool = True) -> list[tuple[str, str, str, int | None]]:
    """The EXPORTED audit entries (team, actor, source, candidate); waits for the first when `wait`, since the entry
    is written on the export thread after the upload."""
    deadline = time.monotonic() + (5 if wait else 0)
    while True:
        with running.sessions() as session:
            rows = session.scalars(select(AuditEntry).where(AuditEntry.act == Act.EXPORTED)).all()
            found = [(e.team_id, e.actor, e.source, e.candidate_id) for e in rows]
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(0.05)


def record_neighbours(running: RunningApp) -> None:
    """Jane, recorded by U0REC; the same Jane in another team; Ada, by the same recruiter for the same role."""
    run(
        running,
        'Jane Doe email=jane@x.io linkedin=linkedin.com/in/janedoe role="Backend Engineer" stage=final rating=5 '
        'tags=python,go note="Great systems design"',
        user_id="U0REC",
    )
    run(running, 'Jane Doe email=jane@x.io role=Data stage=interview note="Second try"', user_id="U0REC")
    run(running, 'Jane Doe email=jane@x.io role=Backend stage=final note="Elsewhere"', team_id="T0ELSE")
    run(running, 'Ada Byron email=ada@x.io role="Backend Engineer" stage=final note="Ada note"', user_id="U0REC")


def test_the_owner_gets_everything_in_a_dm_field_by_field(running: RunningApp, fake_slack: FakeSlack) -> None:
    record_neighbours(running)
    answer = export(running, fake_slack, "<mailto:JANE@x.io|JANE@x.io>")
    assert "Sending the export as a DM" in answer and "jane@x.io" in answer

    data = delivered(fake_slack, "U0REC")
    [jane] = [c for c in candidates(running) if c.team_id == "T0TEST" and c.email == "jane@x.io"]
    candidate = data["candidate"]
    assert (data["team_id"], candidate["id"], candidate["name"], candidate["email"]) == (
        "T0TEST",
        jane.id,
        "Jane Doe",
        "jane@x.io",
    )
    assert (candidate["linkedin_url"], candidate["tags"]) == ("https://linkedin.com/in/janedoe", ["python", "go"])
    assert (candidate["opted_out"], candidate["consent_at"], candidate["erased"]) == (False, None, False)
    rejections = [
        (r["role_title"], r["stage"], r["rating"], r["note"], r["recruiter_user_id"]) for r in data["rejections"]
    ]
    assert rejections == [
        ("Backend Engineer", "final", 5, "Great systems design", "U0REC"),
        ("Data", "interview", None, "Second try", "U0REC"),
    ]
    [checkin] = data["checkins"]
    assert (checkin["candidate_id"], checkin["recruiter_user_id"], checkin["status"]) == (jane.id, "U0REC", "active")
    text = json.dumps(data)
    for other in ("Ada", "ada@x.io", "Elsewhere", "T0ELSE"):
        assert other not in text

    [upload_url] = fake_slack.calls_to("files.getUploadURLExternal")
    [uploaded] = fake_slack.calls_to("file_upload")
    assert int(upload_url.params["length"]) == len(uploaded.params["_bytes"])
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "DU0REC"  # the DM conversations.open gave, not a channel
    assert "jane@x.io" in complete.params["initial_comment"]
    assert exported_entries(running) == [("T0TEST", "U0REC", "command", jane.id)]


def test_the_answer_does_not_wait_for_the_upload(running: RunningApp, fake_slack: FakeSlack) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final")
    fake_slack.slow_down("files.completeUploadExternal", 5)
    assert "Sending the export as a DM" in export(running, fake_slack, "jane@x.io")
    assert exported_entries(running, wait=False) == []  # answered while Slack still had the upload
    fake_slack.wait_for("files.completeUploadExternal")
    deadline = time.monotonic() + 10
    while not exported_entries(running, wait=False) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [entry[1] for entry in exported_entries(running, wait=False)] == ["U0REC"]


def test_someone_who_did_not_record_them_gets_the_unknown_email_answer(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final", user_id="U0OTHER")
    refused = export(running, fake_slack, "jane@x.io")
    unknown = export(running, fake_slack, "nobody@x.io")
    assert refused == unknown.replace("nobody@x.io", "jane@x.io")
    assert "No candidate with email jane@x.io among the candidates you can export" in refused
    time.sleep(0.3)
    assert not [c for c in fake_slack.calls if c.method in UPLOADS]
    assert exported_entries(running, wait=False) == []


def test_an_admin_may_export_anyones_candidate(running: RunningApp, fake_slack: FakeSlack) -> None:
    run(running, 'Jane Doe email=jane@x.io role=Backend stage=final note="Hers"', user_id="U0OTHER")
    assert "Sending the export" in export(running, fake_slack, "jane@x.io", user_id=ADMIN)
    data = delivered(fake_slack, ADMIN)
    assert [r["note"] for r in data["rejections"]] == ["Hers"]
    assert [entry[1:3] for entry in exported_entries(running)] == [(ADMIN, "command")]


def test_a_forged_team_exports_only_that_teams_candidate(running: RunningApp, fake_slack: FakeSlack) -> None:
    """A signed request naming another team (or a team Keepwarm never saw) reads only that team's data."""
    run(running, 'Jane Doe email=jane@x.io role=Backend stage=final note="Ours"', user_id="U0REC")
    assert "No candidate" in export(running, fake_slack, "jane@x.io", team_id="T0FORGED")
    assert "No candidate" in export(running, fake_slack, "jane@x.io", team_id="T0FORGED", user_id=ADMIN)
    run(running, 'Jane Doe email=jane@x.io role=Backend stage=final note="Theirs"', team_id="T0ELSE", user_id="U0X")
    assert "No candidate" in export(running, fake_slack, "jane@x.io", team_id="T0ELSE")  # U0REC recorded ours only
    assert "Sending" in export(running, fake_slack, "jane@x.io", team_id="T0ELSE", user_id="U0X")
    data = delivered(fake_slack, "U0X")
    assert data["team_id"] == "T0ELSE" and [r["note"] for r in data["rejections"]] == ["Theirs"]
    assert "Ours" not in json.dumps(data)
    assert [entry[0] for entry in exported_entries(running)] == ["T0ELSE"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not-an-email",
        "a@b.c d@e.f",
        "<mailto:|>",
        "jane@x.io<script>",
        "x" * 10_000 + "@x.io",
        "jane@" + "x" * 300 + ".io",
        "'; DROP TABLE candidates; --@x.io",
    ],
)
def test_input_that_is_not_one_email_exports_nothing(running: RunningApp, fake_slack: FakeSlack, text: str) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final")
    answer = export(running, fake_slack, text)
    assert "Nothing was exported" in answer and "email" in answer.lower()
    time.sleep(0.3)
    assert not [c for c in fake_slack.calls if c.method in UPLOADS]
    assert exported_entries(running, wait=False) == []


def test_an_erased_candidate_has_nothing_to_export(running: RunningApp, fake_slack: FakeSlack) -> None:
    run(running, 'Jane Doe email=jane@x.io role=Backend stage=final note="Private"')
    run(running, "forget jane@x.io")
    answer = export(running, fake_slack, "jane@x.io")
    assert "No candidate with email jane@x.io" in answer and "erased" in answer
    time.sleep(0.3)
    assert not [c for c in fake_slack.calls if c.method in UPLOADS]
    assert exported_entries(running, wait=False) == []


@pytest.mark.parametrize(
    ("method", "reply", "said"),
    [
        (
            "files.completeUploadExternal",
            Reply({"ok": False, "error": "file_uploads_disabled"}),
            "file_uploads_disabled",
        ),
        ("files.getUploadURLExternal", Reply({"ok": False, "error": "ratelimited"}, status=429), "ratelimited"),
        ("file_upload", Reply("Internal Server Error", status=500), "the upload to Slack failed"),
        ("conversations.open", Reply({"ok": False, "error": "cannot_dm_bot"}), "cannot_dm_bot"),
    ],
)
def test_a_failed_upload_tells_the_asker_and_logs_nothing(
    running: RunningApp, fake_slack: FakeSlack, method: str, reply: Reply, said: str
) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final")
    fake_slack.script(method, reply)
    assert "Sending the export" in export(running, fake_slack, "jane@x.io")
    [told] = fake_slack.wait_for("response_url")
    assert told.params["response_type"] == "ephemeral"
    assert "Could not send the export of jane@x.io" in told.params["text"] and said in told.params["text"]
    assert "Nothing was logged as exported" in told.params["text"]
    assert fake_slack.shared_files("DU0REC") == []
    assert exported_entries(running, wait=False) == []


def test_help_names_export(running: RunningApp) -> None:
    assert "/rejected export jane@x.io" in everything(run(running, "help"))


def test_a_database_that_does_not_answer_is_said_and_nothing_is_sent(down: RunningApp, fake_slack: FakeSlack) -> None:
    answer = everything(run(down, "export jane@x.io"))
    assert "Could not read the candidate's data just now" in answer and "try again" in answer
    time.sleep(0.3)
    assert not [c for c in fake_slack.calls if c.method in UPLOADS]
