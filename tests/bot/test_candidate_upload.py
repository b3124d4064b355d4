"""Importing past candidates from Slack, over signed HTTP on SQLite and PostgreSQL: the "Import past candidates"
shortcut and `/rejected import` open the form for admins only; a submitted form is acknowledged at once, the file is
downloaded from the fake Slack with the bot token, imported, and the result sent to the admin by DM."""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, select

from bot.blocks.candidate_import import IMPORT_ADMINS_ONLY, IMPORT_NOT_CSV, MINE_LABEL, build_import_modal
from bot.ids import (
    FIELD_ACTION,
    IMPORT_DRY_RUN,
    IMPORT_FILE_BLOCK,
    IMPORT_MINE,
    IMPORT_MODAL,
    IMPORT_OPTIONS_BLOCK,
    IMPORT_SHORTCUT,
    IMPORT_SKIP_INVALID,
)
from bot.slack_files import DownloadFailed, downloaded
from models import AuditEntry, Candidate, Recruiter, Rejection
from testkit.database import row_counts, snapshot
from testkit.env import BOT_TOKEN, REPO
from testkit.fakeslack import FakeSlack, Reply
from testkit.running import RunningApp, run
from testkit.slack_http import (
    SLACK_ACK_SECONDS,
    HttpReply,
    checkboxes_state,
    everything,
    file_input_state,
    interactive_body,
    post_signed,
    shortcut_payload,
    view_submission_payload,
)

ADMIN = "U0ADMIN"
DATA = REPO / "tests" / "data" / "imports"
RECRUITERS = {"U0ANA": "ana@acme.example", "U0BEN": "ben@acme.example", "U0DANA": "dana@acme.example"}
GREENHOUSE_SUMMARY = (
    "6 rejections recorded, for 5 new candidates and 0 already in Keepwarm; 0 rows skipped as already recorded; "
    "4 check-ins scheduled for 3 recruiters"
)
# tests/jobs/test_import_candidates.py's PROBLEMS for with_problems.csv, as the form names the command's options.
PROBLEM_LINES = [
    "line 4 (row 3 in a spreadsheet): Email “bob@” is not a valid address; use the form name@example.com.",
    "line 5 (row 4 in a spreadsheet): Role is missing; give the job title the candidate applied for.",
    "line 6 (row 5 in a spreadsheet): Rating “great” is not a rating; use a whole number from 1 to 5, or a "
    "scorecard's word: Strong Yes, Yes, Mixed, No, Strong No.",
    "line 7 (row 6 in a spreadsheet): Date “2031-01-01” is in the future; give the day the candidate was rejected.",
    "line 8 (row 7 in a spreadsheet): recruiter “nobody@acme.example” is not in Slack (no active member has that "
    f"email); fix it, or tick “{MINE_LABEL}” to give these candidates to whoever runs the import.",
    "line 9 (row 8 in a spreadsheet): The row has 9 values but the header has 8 columns;",
]
DM_SECONDS = 30.0


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"ADMIN_USER_IDS": ADMIN}


@pytest.fixture(autouse=True)
def recruiters(fake_slack: FakeSlack) -> None:
    for user, email in RECRUITERS.items():
        fake_slack.set_user(user, email=email)


def submit(app: RunningApp, file: dict[str, Any], *, options: tuple[str, ...] = (), user_id: str = ADMIN) -> HttpReply:
    """Submit the import form as Slack does: the uploaded file's object in the file_input's state, the options
    ticked as the form offered them."""
    offered = build_import_modal()["blocks"][2]["element"]["options"]
    values = {
        IMPORT_FILE_BLOCK: {FIELD_ACTION: file_input_state([file])},
        IMPORT_OPTIONS_BLOCK: {FIELD_ACTION: checkboxes_state(offered, list(options))},
    }
    payload = view_submission_payload(callback_id=IMPORT_MODAL, values=values, user_id=user_id)
    reply = post_signed(app.events_url, interactive_body(payload))
    assert reply.status == 200, reply.body
    return reply


def shortcut(app: RunningApp, user_id: str) -> HttpReply:
    """Use the "Import past candidates" shortcut."""
    return post_signed(app.events_url, interactive_body(shortcut_payload(callback_id=IMPORT_SHORTCUT, user_id=user_id)))


def upload(fake_slack: FakeSlack, fixture: str, **file: Any) -> dict[str, Any]:
    return fake_slack.add_file((DATA / fixture).read_bytes(), name=fixture, **file)


def dm(fake_slack: FakeSlack, user_id: str = ADMIN) -> dict[str, Any]:
    """The one DM the import sent `user_id`, once it has arrived: text and blocks."""
    [call] = fake_slack.wait_for("chat.postMessage", timeout=DM_SECONDS)
    assert call.params["channel"] == user_id
    return call.params


def code(message: dict[str, Any]) -> list[str]:
    """The report's lines as the DM shows them in code blocks, unescaped."""
    sections = [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]
    blocks = [text for text in sections if text.startswith("```")]
    text = "\n".join(block.strip("`") for block in blocks)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").splitlines()


def rejections_by_recruiter(app: RunningApp) -> list[tuple[str, str]]:
    """Each rejection's candidate and recruiter, by name."""
    with app.sessions() as session:
        query = select(Candidate.name, Recruiter.user_id).join(Rejection.candidate).join(Rejection.recruiter)
        return sorted(session.execute(query).tuples())


# --- Opening the form -----------------------------------------------------------------------------------------------


def test_the_shortcut_opens_the_import_form_for_an_admin(running: RunningApp, fake_slack: FakeSlack) -> None:
    reply = post_signed(
        running.events_url, interactive_body(shortcut_payload(callback_id=IMPORT_SHORTCUT, user_id=ADMIN))
    )

    assert (reply.status, reply.body) == (200, "")
    [opened] = fake_slack.wait_for("views.open")
    view = opened.params["view"]
    assert view == build_import_modal()
    blocks = {block.get("block_id"): block for block in view["blocks"]}
    assert blocks[IMPORT_FILE_BLOCK]["element"] == {
        "type": "file_input",
        "action_id": FIELD_ACTION,
        "filetypes": ["csv"],
        "max_files": 1,
    }
    options = blocks[IMPORT_OPTIONS_BLOCK]["element"]["options"]
    assert [option["value"] for option in options] == [IMPORT_SKIP_INVALID, IMPORT_DRY_RUN, IMPORT_MINE]
    assert blocks[IMPORT_OPTIONS_BLOCK]["optional"] is True


def test_rejected_import_opens_the_same_form(running: RunningApp, fake_slack: FakeSlack) -> None:
    assert run(running, "import", user_id=ADMIN) == {}
    [opened] = fake_slack.wait_for("views.open")
    assert opened.params["view"] == build_import_modal()


def test_when_the_form_cannot_open_rejected_import_says_so(running: RunningApp, fake_slack: FakeSlack) -> None:
    fake_slack.script("views.open", Reply({"ok": False, "error": "expired_trigger_id"}))
    assert run(running, "import", user_id=ADMIN, response_url=fake_slack.response_url("cmd")) == {}
    [answer] = fake_slack.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert "Could not open the import form just now" in answer.params["text"]


def test_rejected_import_takes_nothing_after_it(running: RunningApp, fake_slack: FakeSlack) -> None:
    assert "takes nothing after it" in everything(run(running, "import people.csv", user_id=ADMIN))
    assert fake_slack.calls_to("views.open") == []


def test_help_lists_import(running: RunningApp) -> None:
    assert "`/rejected import` (admins)" in everything(run(running, "help"))


def test_the_shortcut_tells_anyone_else_only_admins_import(running: RunningApp, fake_slack: FakeSlack) -> None:
    shortcut(running, "U0REC")

    [opened] = fake_slack.wait_for("views.open")
    view = opened.params["view"]
    assert "submit" not in view and all(block["type"] == "section" for block in view["blocks"])
    assert IMPORT_ADMINS_ONLY in view["blocks"][0]["text"]["text"]


def test_rejected_import_tells_a_recruiter_only_admins_import(running: RunningApp, fake_slack: FakeSlack) -> None:
    assert IMPORT_ADMINS_ONLY in everything(run(running, "import", user_id="U0REC"))
    assert fake_slack.calls_to("views.open") == []


def test_a_submission_from_someone_not_an_admin_downloads_and_writes_nothing(
    running: RunningApp, fake_slack: FakeSlack, engine: Engine
) -> None:
    file = upload(fake_slack, "greenhouse_candidates.csv", user="U0REC")

    answer = submit(running, file, user_id="U0REC").json()

    assert answer == {"response_action": "errors", "errors": {IMPORT_FILE_BLOCK: IMPORT_ADMINS_ONLY}}
    time.sleep(0.5)  # anything started in the background has had time to show
    assert fake_slack.calls_to("file_download") == [] and fake_slack.calls_to("chat.postMessage") == []
    assert set(row_counts(engine).values()) == {0}


def test_a_file_that_is_no_csv_is_refused_in_the_form(running: RunningApp, fake_slack: FakeSlack) -> None:
    file = {**fake_slack.add_file(b"PK\x03\x04", name="candidates.xlsx"), "filetype": "xlsx"}

    answer = submit(running, file).json()

    assert answer == {"response_action": "errors", "errors": {IMPORT_FILE_BLOCK: IMPORT_NOT_CSV}}
    assert fake_slack.calls_to("file_download") == []


# --- The import -----------------------------------------------------------------------------------------------------


def test_the_form_is_acknowledged_at_once_and_the_summary_comes_by_dm(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    fake_slack.slow_down("file_download", SLACK_ACK_SECONDS + 1)  # a large file, or a slow Slack
    file = upload(fake_slack, "greenhouse_candidates.csv")

    started = time.monotonic()
    answer = submit(running, file).json()
    acknowledged = time.monotonic() - started

    assert acknowledged < SLACK_ACK_SECONDS
    assert answer["response_action"] == "update"
    assert "Importing *greenhouse_candidates.csv*" in answer["view"]["blocks"][0]["text"]["text"]
    message = dm(fake_slack)
    assert message["text"] == f":white_check_mark: *greenhouse_candidates.csv*: {GREENHOUSE_SUMMARY}"
    lines = code(message)
    assert lines[0].startswith("columns: first name “First Name”, last name “Last Name”")
    assert "check-ins for U0ANA (ana@acme.example): 1, the first due" in "\n".join(lines)
    [download] = fake_slack.calls_to("file_download")
    assert download.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert download.path == f"/files-pri/T0TEST-{file['id']}/download/greenhouse_candidates.csv"
    assert rejections_by_recruiter(running) == [
        ("Chloé Dubois", "U0ANA"),
        ("José García", "U0BEN"),
        ("Sam O'Brien, Jr.", "U0BEN"),
        ("Søren Ødegaard", "U0CAT"),
        ("Zoë Müller", "U0ANA"),
        ("Zoë Müller", "U0ANA"),
    ]
    with running.sessions() as session:  # recorded by the admin who uploaded the file, from the import
        logged = session.execute(select(AuditEntry.act, AuditEntry.actor, AuditEntry.source)).all()
    assert logged == [("recorded", ADMIN, "import")] * 6


def test_a_file_with_problems_gets_them_by_line_and_nothing_is_written(
    running: RunningApp, fake_slack: FakeSlack, engine: Engine
) -> None:
    submit(running, upload(fake_slack, "with_problems.csv"))

    message = dm(fake_slack)
    assert message["text"] == (
        ":warning: *with_problems.csv*: nothing was imported: 6 of 8 rows have problems; fix them and import the file "
        "again, or import only the valid rows (tick “Skip invalid rows”)"
    )
    lines = code(message)
    problems = lines[lines.index(PROBLEM_LINES[0]) :]
    assert problems[:5] == PROBLEM_LINES[:5]
    assert problems[5].startswith(PROBLEM_LINES[5]) and len(problems) == 6
    assert "--" not in everything(message)
    assert set(row_counts(engine).values()) == {0}


def test_skip_invalid_imports_the_valid_rows_and_lists_the_others(running: RunningApp, fake_slack: FakeSlack) -> None:
    submit(running, upload(fake_slack, "with_problems.csv"), options=(IMPORT_SKIP_INVALID,))

    message = dm(fake_slack)
    assert message["text"].startswith(":white_check_mark: *with_problems.csv*: 2 rejections recorded")
    assert PROBLEM_LINES[0] in code(message)
    assert rejections_by_recruiter(running) == [("Ada Lovelace", "U0ANA"), ("Good Row", "U0BEN")]


def test_a_dry_run_says_what_would_happen_and_writes_nothing(
    running: RunningApp, fake_slack: FakeSlack, engine: Engine
) -> None:
    before = snapshot(engine)

    answer = submit(running, upload(fake_slack, "greenhouse_candidates.csv"), options=(IMPORT_DRY_RUN,)).json()

    assert "a dry run: nothing will be written" in answer["view"]["blocks"][0]["text"]["text"]
    message = dm(fake_slack)
    assert message["text"] == f":mag: Dry run of *greenhouse_candidates.csv*, nothing was written: {GREENHOUSE_SUMMARY}"
    assert snapshot(engine) == before


def test_the_admin_may_follow_up_the_rows_whose_recruiter_is_not_in_slack(
    running: RunningApp, fake_slack: FakeSlack, engine: Engine
) -> None:
    sheet = b"Name,Role,Rating\nAda Lovelace,Backend Engineer,5\n"

    submit(running, fake_slack.add_file(sheet, name="mine.csv"))
    refused = dm(fake_slack)
    assert f"and “{MINE_LABEL}” was not ticked: say who follows up" in code(refused)[0]
    assert set(row_counts(engine).values()) == {0}

    fake_slack.reset()
    submit(running, fake_slack.add_file(sheet, name="mine.csv"), options=(IMPORT_MINE,))
    assert dm(fake_slack)["text"].startswith(":white_check_mark: *mine.csv*: 1 rejection recorded")
    assert rejections_by_recruiter(running) == [("Ada Lovelace", ADMIN)]


def test_a_file_given_by_id_only_is_looked_up_with_files_info(running: RunningApp, fake_slack: FakeSlack) -> None:
    file = upload(fake_slack, "ashby_candidates.csv")

    submit(running, {"id": file["id"], "name": file["name"]})

    assert dm(fake_slack)["text"].startswith(":white_check_mark: *ashby_candidates.csv*: 2 rejections recorded")
    [info] = fake_slack.calls_to("files.info")
    assert info.params["file"] == file["id"]


# --- Failures -------------------------------------------------------------------------------------------------------


def test_a_download_slack_refuses_is_said_clearly_and_writes_nothing(
    running: RunningApp, fake_slack: FakeSlack, engine: Engine
) -> None:
    submit(running, upload(fake_slack, "greenhouse_candidates.csv", token="xoxb-another-app"))

    message = dm(fake_slack)
    assert message["text"].startswith(
        ":warning: Could not import *greenhouse_candidates.csv*: Slack answered with its sign-in page instead of the "
        "file: the bot token may not read it. Check that the app has the files:read scope"
    )
    assert message["text"].endswith("Nothing was imported.")
    assert [call.method for call in fake_slack.calls if call.method in ("file_download", "sign_in")] == [
        "file_download",
        "sign_in",
    ]
    assert "Authorization" not in fake_slack.calls_to("sign_in")[0].headers  # the token never follows a redirect
    assert set(row_counts(engine).values()) == {0}


def test_slack_failing_to_serve_the_file_is_said_clearly(running: RunningApp, fake_slack: FakeSlack) -> None:
    fake_slack.script("file_download", Reply("upstream unavailable", status=503))

    submit(running, upload(fake_slack, "greenhouse_candidates.csv"))

    assert dm(fake_slack)["text"] == (
        ":warning: Could not import *greenhouse_candidates.csv*: Slack failed to serve the file (HTTP 503). Nothing "
        "was imported; try again in a few minutes."
    )


def test_a_file_whose_address_is_not_slacks_is_never_sent_the_token(running: RunningApp, fake_slack: FakeSlack) -> None:
    file = {**upload(fake_slack, "greenhouse_candidates.csv"), "url_private_download": "https://files.example.com/x"}

    submit(running, file)

    assert "The file's address is not on Slack (files.example.com)" in dm(fake_slack)["text"]
    assert fake_slack.calls_to("file_download") == []


def test_the_database_down_is_said_clearly(down: RunningApp, fake_slack: FakeSlack) -> None:
    started = time.monotonic()
    submit(down, upload(fake_slack, "greenhouse_candidates.csv"))
    assert time.monotonic() - started < SLACK_ACK_SECONDS

    message = dm(fake_slack)
    assert message["text"] == ":warning: *greenhouse_candidates.csv*: nothing was imported"
    assert any(line.startswith("The database failed after 0 rejections were recorded:") for line in code(message))


# --- The download, on its own ---------------------------------------------------------------------------------------


def test_the_download_streams_whatever_the_size(fake_slack: FakeSlack) -> None:
    size = 8 * 1024 * 1024
    file = fake_slack.add_file(b"x" * size, name="big.csv")
    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url)

    tracemalloc.start()
    try:
        with downloaded(file, client=client, api_url=fake_slack.api_url) as stream:
            _, peak = tracemalloc.get_traced_memory()
            assert stream.read(4) == b"xxxx" and stream.seek(0, 2) == size
    finally:
        tracemalloc.stop()
    assert peak < size // 8


def test_a_download_with_another_token_is_refused(fake_slack: FakeSlack) -> None:
    file = fake_slack.add_file(b"Name,Role\n", name="people.csv")
    client = WebClient(token="xoxb-wrong", base_url=fake_slack.api_url)

    with (
        pytest.raises(DownloadFailed, match="sign-in page"),
        downloaded(file, client=client, api_url=fake_slack.api_url),
    ):
        pass
