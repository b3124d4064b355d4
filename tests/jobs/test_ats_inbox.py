"""From a signed ATS delivery to Keepwarm's data, end to end: deliveries sent over real HTTP to the running app, then
the inbox processed as the sweep does, with the recruiter looked up in the fake Slack and Lever's opportunities read
from the fake Lever API, on SQLite and PostgreSQL. Nothing is lost when Slack or Lever fails, nothing done twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, selectinload

from jobs.ats_inbox import Inbox, InboxReport
from models import AtsDelivery, AtsNotice, Candidate, Checkin, CheckinStatus, Decision, NoticeKind, Rejection
from models.ats_link import AtsStage, CandidateAtsId
from testkit import data, fakeashby
from testkit.ats import SECRETS_ENV, fixture_body, greenhouse_headers, lever_body, send_ashby, send_lever
from testkit.fake_api import Reply as ApiReply
from testkit.fakeashby import FakeAshby
from testkit.fakelever import FakeLever, server_error
from testkit.fakeslack import FakeSlack, Reply
from testkit.running import RunningApp
from testkit.slack_http import post

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
SAM, SAM_EMAIL = "U0SAM", "sam.ortiz@example.com"
PRIYA_EMAIL = "priya.raman@example.org"
ASHBY_CANDIDATE = "5d8b2d3e-9f41-4b6c-8a0e-1c2d3e4f5a6b"
ASHBY_APPLICATION = "3ae2b801-19f6-41ef-ad28-214bd731948f"


@pytest.fixture
def app_env(fake_lever: FakeLever) -> dict[str, str]:
    return {**SECRETS_ENV, "LEVER_API_URL": fake_lever.api_url}


@dataclass
class World:
    """The running app, its inbox processing, and the fakes behind them."""

    app: RunningApp
    slack: FakeSlack
    lever: FakeLever
    inbox: Inbox

    def process(self, now: datetime = NOW) -> InboxReport:
        return self.inbox.run(sessions=self.app.sessions, now=now)

    def greenhouse(self, body: dict[str, Any], *, event_id: str | None = None) -> None:
        raw = json.dumps(body).encode()
        reply = post(self.app.url + "/ats/greenhouse", raw, greenhouse_headers(raw, event_id=event_id))
        assert reply.status == 200, reply.body

    def ashby(self, body: dict[str, Any]) -> None:
        reply = send_ashby(self.app.url, json.dumps(body).encode())
        assert reply.status == 200, reply.body

    def notices(self) -> list[AtsNotice]:
        with Session(self.app.engine) as session:
            query = select(AtsNotice).options(selectinload(AtsNotice.recruiter)).order_by(AtsNotice.id)
            return list(session.scalars(query))


@pytest.fixture
def world(running: RunningApp, fake_slack: FakeSlack, fake_lever: FakeLever) -> Iterator[World]:
    fake_slack.set_user(SAM, email=SAM_EMAIL)
    client = WebClient(token=running.settings.slack_bot_token, base_url=running.settings.slack_api_url)
    yield World(running, fake_slack, fake_lever, Inbox.for_settings(running.settings, client))


def greenhouse_rejection(*, stage: str = "Offer", recruiter: str | None = SAM_EMAIL) -> dict[str, Any]:
    body = fixture_body("greenhouse", "reject_candidate")
    body["payload"]["application"]["current_stage"]["name"] = stage
    person = None if recruiter is None else {"id": 1, "first_name": "Sam", "last_name": "Ortiz", "email": recruiter}
    body["payload"]["application"]["candidate"]["recruiter"] = person
    return body


def ashby_archive() -> dict[str, Any]:
    return fixture_body("ashby", "applicationUpdate")


def waiting(world: World) -> list[AtsDelivery]:
    with Session(world.app.engine) as session:
        return list(session.scalars(select(AtsDelivery).where(AtsDelivery.processed_at.is_(None))))


def count(world: World, model: type) -> int:
    with Session(world.app.engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


class TestRejections:
    def test_a_rejection_becomes_one_question_for_its_recruiter_however_often_it_arrives(self, world: World) -> None:
        body = greenhouse_rejection()
        world.greenhouse(body, event_id="gh-1")
        world.greenhouse(body, event_id="gh-1")  # Greenhouse's retry of the same event
        report = world.process()
        assert (report.processed, report.failed) == (1, 0)
        world.process()
        [notice] = world.notices()
        assert notice.recruiter is not None and notice.recruiter.user_id == SAM
        seen = (notice.kind, notice.name, notice.email, notice.role_title, notice.stage, notice.stage_name)
        assert seen == (
            NoticeKind.REJECTED,
            "Priya Raman",
            "candidate0.700061@example.org",
            "Designer",
            "final",
            "Offer",
        )
        assert (notice.reason, notice.rejected_by_candidate, notice.decision) == ("Too Junior", False, None)
        assert notice.rejected_at == datetime(2015, 2, 11, 15, 50, 41, tzinfo=UTC)
        assert count(world, Rejection) == 0  # nothing is kept until the recruiter says so
        with Session(world.app.engine) as session:
            delivery = session.scalars(select(AtsDelivery)).one()
            assert (delivery.processed_at, delivery.body, delivery.attempts) == (NOW, "", 1)
        assert world.slack.calls_to("users.lookupByEmail")[0].params["email"] == SAM_EMAIL

    def test_a_recruiter_slack_does_not_know_leaves_it_for_the_admins_queue(self, world: World) -> None:
        world.greenhouse(greenhouse_rejection(recruiter="gone@example.com"))
        world.process()
        [notice] = world.notices()
        assert (notice.recruiter_id, notice.recruiter_email) == (None, "gone@example.com")

    def test_screen_stage_rejections_are_ignored_by_default(self, world: World) -> None:
        world.greenhouse(greenhouse_rejection(stage="Application Review"))
        assert world.process().processed == 1
        assert world.notices() == []
        assert waiting(world) == []

    def test_ashby_reports_one_archive_twice_and_it_is_asked_once(self, world: World) -> None:
        world.ashby(ashby_archive())
        stage_change = fixture_body("ashby", "candidateStageChange")
        world.ashby(stage_change)
        assert world.process().processed == 2
        [notice] = world.notices()
        assert (notice.name, notice.stage_name, notice.reason) == ("Priya Raman", "Onsite", "Hired another candidate")
        assert notice.recruiter is not None and notice.recruiter.user_id == SAM


@pytest.mark.parametrize("app_env_extra", [{"ATS_KEEP_WITHOUT_ASKING": "final"}])
class TestKeptWithoutAsking:
    @pytest.fixture
    def app_env(self, fake_lever: FakeLever, app_env_extra: dict[str, str]) -> dict[str, str]:
        return {**SECRETS_ENV, "LEVER_API_URL": fake_lever.api_url, **app_env_extra}

    def test_a_final_stage_rejection_is_recorded_with_its_ats_origin_and_check_ins(self, world: World) -> None:
        world.ashby(ashby_archive())
        world.process()
        [notice] = world.notices()
        assert (notice.decision, notice.auto_kept) == (Decision.KEPT, True)
        with Session(world.app.engine) as session:
            rejection = session.scalars(select(Rejection)).one()
            origin = (rejection.source, rejection.application_id, rejection.reason, rejection.stage)
            assert origin == ("ashby", ASHBY_APPLICATION, "Hired another candidate", "final")
            assert rejection.recruiter.user_id == SAM
            assert rejection.rejected_at == datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
            checkin = session.scalars(select(Checkin)).one()
            assert checkin.due_at == rejection.rejected_at + timedelta(days=14)
            assert session.scalars(select(CandidateAtsId.ats_id)).all() == [ASHBY_CANDIDATE]

    def test_the_same_person_from_rejected_and_from_the_ats_is_one_candidate(self, world: World) -> None:
        data.reject(world.app.sessions, "Priya Raman", "Platform Engineer", email=PRIYA_EMAIL)
        world.ashby(ashby_archive())
        world.process()
        with Session(world.app.engine) as session:
            candidate = session.scalars(select(Candidate)).one()
            roles = [r.role_title for r in candidate.rejections]
            assert roles == ["Platform Engineer", "Staff Platform Engineer"]

    def test_an_unreject_withdraws_the_rejection_and_its_check_ins(self, world: World) -> None:
        world.greenhouse(greenhouse_rejection())
        world.process()
        assert count(world, Checkin) == 1
        unreject = fixture_body("greenhouse", "unreject_candidate")
        unreject["payload"]["application"]["id"] = 700054  # the rejected application
        world.greenhouse(unreject)
        assert world.process().lines == []
        assert [count(world, model) for model in (Rejection, Checkin, Candidate)] == [0, 0, 0]
        [notice] = world.notices()
        assert (notice.decision, notice.rejection_id) == (Decision.WITHDRAWN, None)

    def test_a_hire_stops_the_check_ins_and_tells_the_owner_once(self, world: World) -> None:
        world.ashby(ashby_archive())
        world.process()
        world.ashby(fixture_body("ashby", "candidateHire"))
        hired_again = fixture_body("ashby", "candidateHire")
        hired_again["webhookActionId"] = "another-report-of-the-same-hire"
        world.ashby(hired_again)
        world.process()
        with Session(world.app.engine) as session:
            checkin = session.scalars(select(Checkin)).one()
            assert (checkin.status, checkin.stop_reason) == (CheckinStatus.STOPPED, "hired")
        hired = [n for n in world.notices() if n.kind == NoticeKind.HIRED]
        assert [(n.name, n.role_title, n.recruiter.user_id if n.recruiter else None) for n in hired] == [
            ("Priya Raman", "Staff Platform Engineer", SAM)
        ]

    def test_greenhouse_hire_merge_and_delete_reach_the_kept_candidate_by_ats_id(self, world: World) -> None:
        world.greenhouse(greenhouse_rejection())
        world.process()
        hire = fixture_body("greenhouse", "hire_candidate")
        hire["payload"]["application"]["candidate"]["id"] = 700060  # the rejected candidate, under other emails
        world.greenhouse(hire)
        merge = fixture_body("greenhouse", "merge_candidate")
        merge["payload"]["person"].update(id=700060, new_candidate_id=700099)
        world.greenhouse(merge)
        assert world.process().failed == 0
        with Session(world.app.engine) as session:
            checkin = session.scalars(select(Checkin)).one()
            assert (checkin.status, checkin.stop_reason) == (CheckinStatus.STOPPED, "hired")
            assert sorted(session.scalars(select(CandidateAtsId.ats_id))) == ["700060", "700099"]
        assert [n.kind for n in world.notices()] == [NoticeKind.REJECTED, NoticeKind.HIRED]
        delete = fixture_body("greenhouse", "delete_candidate")
        delete["payload"]["person"]["id"] = 700099  # deleted under the id it was merged into
        world.greenhouse(delete)
        world.process()
        with Session(world.app.engine) as session:
            assert session.scalars(select(Candidate.erased)).all() == [True]
        assert world.notices() == []

    def test_lever_stage_archive_hire_and_delete(self, world: World) -> None:
        archive = lever_archive(world.lever)
        data = archive["data"]
        stage_change = json.loads(lever_event("candidateStageChange", data))
        stage_change["data"]["toStageId"] = "stage-onsite"
        for body in (json.dumps(stage_change).encode(), json.dumps(archive).encode()):
            assert send_lever(world.app.url, body).status == 200
        assert world.process().lines == []
        with Session(world.app.engine) as session:
            assert session.scalars(select(AtsStage.stage_name)).all() == ["On-site interview"]
            rejection = session.scalars(select(Rejection)).one()
            kept = (rejection.source, rejection.stage, rejection.role_title, rejection.reason)
            assert kept == ("lever", "final", "Staff Platform Engineer", "Hired another candidate")
        assert send_lever(world.app.url, lever_event("candidateHired", data)).status == 200
        world.process()
        with Session(world.app.engine) as session:
            assert session.scalars(select(Checkin.stop_reason)).all() == ["hired"]
        assert send_lever(world.app.url, lever_event("candidateDeleted", data)).status == 200
        world.process()
        with Session(world.app.engine) as session:
            assert session.scalars(select(Candidate.name)).all() == ["(erased)"]

    def test_lever_archived_as_hired_is_no_rejection(self, world: World) -> None:
        archive = lever_archive(world.lever, reason="reason-hired")
        assert send_lever(world.app.url, json.dumps(archive).encode()).status == 200
        assert world.process().processed == 1
        assert (count(world, Rejection), world.notices()) == (0, [])

    def test_a_new_application_by_a_kept_candidate_tells_their_owner(self, world: World) -> None:
        world.greenhouse(greenhouse_rejection())
        applied = fixture_body("greenhouse", "new_candidate_application")
        applied["payload"]["application"]["candidate"]["email_addresses"] = [
            {"value": "Candidate0.700061@example.org", "type": "personal"}
        ]
        world.greenhouse(applied)
        world.process()
        told = [(n.kind, n.name, n.role_title, n.recruiter.user_id if n.recruiter else None) for n in world.notices()]
        assert told[1:] == [(NoticeKind.APPLIED, "Priya Raman", "Data Scientist", SAM)]

    def test_a_candidate_deleted_in_the_ats_is_erased_with_every_notice(self, world: World) -> None:
        world.ashby(ashby_archive())
        world.process()
        world.ashby(fixture_body("ashby", "candidateDelete"))
        world.process()
        with Session(world.app.engine) as session:
            candidate = session.scalars(select(Candidate)).one()
            assert (candidate.erased, candidate.name, candidate.email) == (True, "(erased)", None)
            assert session.scalars(select(Rejection.reason)).all() == [None]
            assert session.scalars(select(Checkin.stop_reason)).all() == ["erased"]
        assert world.notices() == []

    def test_a_merge_folds_the_merged_candidate_into_the_kept_one(self, world: World) -> None:
        merged_away = ashby_archive()
        merged_away["webhookActionId"] = "archive-of-the-duplicate"
        application = merged_away["data"]["application"]
        application["id"] = "second-application"
        application["candidate"]["id"] = "e4f5a6b7-c8d9-4e0f-a1b2-c3d4e5f6a7b8"
        application["candidate"]["primaryEmailAddress"]["value"] = "priya@home.example.org"
        world.ashby(ashby_archive())
        world.ashby(merged_away)
        world.process()
        assert count(world, Candidate) == 2
        world.ashby(fixture_body("ashby", "candidateMerge"))
        world.process()
        with Session(world.app.engine) as session:
            candidate = session.scalars(select(Candidate)).one()
            assert len(candidate.rejections) == 2
            assert session.scalar(select(func.count()).select_from(Checkin)) == 1
            assert sorted(session.scalars(select(CandidateAtsId.candidate_id))) == [candidate.id, candidate.id]


def lever_archive(lever: FakeLever, *, reason: str = "reason-1") -> dict[str, Any]:
    """A Lever archive delivery, and the opportunity Lever's API shows for it: Priya, owned by Sam, at the on-site."""
    lever.add_stage("stage-onsite", "On-site interview")
    lever.add_archive_reason("reason-1", "Hired another candidate")
    lever.add_archive_reason("reason-hired", "Hired", "hired")
    lever.add_user("owner-1", "Sam Ortiz", SAM_EMAIL)
    lever.add_posting("posting-1", "Staff Platform Engineer")
    body = json.loads(lever_body("candidateArchiveChange"))
    body["data"]["toArchived"]["reason"] = reason
    lever.add_opportunity(
        body["data"]["opportunityId"],
        contact=body["data"]["contactId"],
        name="Priya Raman",
        emails=(PRIYA_EMAIL,),
        links=("https://www.linkedin.com/in/priya-raman",),
        stage="stage-onsite",
        owner="owner-1",
        posting="posting-1",
        archived=(reason, body["data"]["toArchived"]["archivedAt"]),
    )
    return body


def lever_event(name: str, opportunity: dict[str, Any]) -> bytes:
    """A signed Lever delivery about the same opportunity and contact."""
    body = json.loads(lever_body(name))
    body["data"].update(opportunityId=opportunity["opportunityId"], contactId=opportunity["contactId"])
    return json.dumps(body).encode()


ARCHIVED_STAGE = {"id": "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e", "title": "Archived", "type": "Archived"}
ASHBY_PLAN = (("stage-review", "Application Review"), ("stage-tech", "Technical Interview"), ("stage-onsite", "Onsite"))


def ashby_into_archived() -> dict[str, Any]:
    """An archive as Ashby sends it when the application moved into its plan's Archived stage: the webhook's current
    stage then says nothing of how far it got."""
    body = ashby_archive()
    body["data"]["application"]["currentInterviewStage"] = dict(ARCHIVED_STAGE)
    return body


def ashby_stage_change(title: str) -> dict[str, Any]:
    """The application, still active, moved to the stage `title`."""
    body = fixture_body("ashby", "candidateStageChange")
    body["webhookActionId"] = f"stage-change-{title}"
    application = body["data"]["application"]
    application.update(status="Active", archiveReason=None, archivedAt=None)
    application["currentInterviewStage"].update(title=title, type="Active")
    return body


class TestAshbyStageFromItsApi:
    """Ashby's archive names the Archived stage: how far it got comes from the stage changes received, else from the
    application's history read from Ashby's API (ASHBY_API_KEY), else it counts as an interview."""

    @pytest.fixture
    def app_env(self, fake_lever: FakeLever, fake_ashby: FakeAshby) -> dict[str, str]:
        ashby = {"ASHBY_API_KEY": fakeashby.API_KEY, "ASHBY_API_URL": fake_ashby.api_url}
        return {**SECRETS_ENV, "LEVER_API_URL": fake_lever.api_url, **ashby}

    def notice_stage(self, world: World) -> tuple[str | None, str]:
        [notice] = world.notices()
        return notice.stage_name, notice.stage

    def test_without_a_stage_change_the_history_says_how_far_it_got(self, world: World, fake_ashby: FakeAshby) -> None:
        fake_ashby.add_history(ASHBY_APPLICATION, *ASHBY_PLAN, (ARCHIVED_STAGE["id"], "Archived"))
        world.ashby(ashby_into_archived())
        assert world.process().processed == 1
        assert self.notice_stage(world) == ("Onsite", "final")
        [call] = fake_ashby.calls_to("application.listHistory")
        assert call.json() == {"applicationId": ASHBY_APPLICATION, "limit": 100}

    def test_a_stage_change_received_before_is_used_without_asking_ashby(
        self, world: World, fake_ashby: FakeAshby
    ) -> None:
        fake_ashby.add_history(ASHBY_APPLICATION, *ASHBY_PLAN, (ARCHIVED_STAGE["id"], "Archived"))
        world.ashby(ashby_stage_change("Technical Interview"))
        world.process()
        world.ashby(ashby_into_archived())
        world.process()
        assert self.notice_stage(world) == ("Technical Interview", "interview")
        assert fake_ashby.calls == []

    def test_a_stage_change_earlier_in_the_same_sweep_is_used_too(self, world: World, fake_ashby: FakeAshby) -> None:
        world.ashby(ashby_stage_change("Technical Interview"))
        world.ashby(ashby_into_archived())
        assert world.process().processed == 2
        assert self.notice_stage(world) == ("Technical Interview", "interview")
        assert fake_ashby.calls == []

    def test_ashby_failing_leaves_the_delivery_waiting_until_it_answers(
        self, world: World, fake_ashby: FakeAshby
    ) -> None:
        world.ashby(ashby_into_archived())
        fake_ashby.answer_every("application.listHistory", ApiReply({"success": False}, 503))
        report = world.process()
        assert (report.processed, report.failed) == (0, 1)
        [stuck] = waiting(world)
        assert stuck.last_error == "AshbyApiError: POST application.listHistory: Ashby answered 503"
        assert world.notices() == []
        fake_ashby.answer_every("application.listHistory", None)
        fake_ashby.add_history(
            ASHBY_APPLICATION, ("stage-review", "Application Review"), (ARCHIVED_STAGE["id"], "Archived")
        )
        assert world.process().processed == 1
        assert world.notices() == []  # a screen-stage rejection: ignored by default, now that its stage is known

    def test_a_history_with_nothing_before_the_archive_counts_as_an_interview(
        self, world: World, fake_ashby: FakeAshby
    ) -> None:
        fake_ashby.add_history(ASHBY_APPLICATION, (ARCHIVED_STAGE["id"], "Archived"))
        world.ashby(ashby_into_archived())
        world.process()
        assert self.notice_stage(world) == (None, "interview")


def test_without_an_ashby_key_an_unnamed_stage_counts_as_an_interview(world: World, fake_ashby: FakeAshby) -> None:
    world.ashby(ashby_into_archived())
    assert world.process().processed == 1
    [notice] = world.notices()
    assert (notice.stage_name, notice.stage) == (None, "interview")
    assert fake_ashby.calls == []


class TestFailures:
    def test_slack_failing_leaves_the_delivery_waiting_and_the_next_sweep_processes_it_once(self, world: World) -> None:
        world.slack.answer_every("users.lookupByEmail", Reply(500, {"ok": False, "error": "internal_error"}))
        world.greenhouse(greenhouse_rejection())
        report = world.process()
        assert (report.processed, report.failed) == (0, 1)
        [stuck] = waiting(world)
        assert stuck.attempts == 1 and stuck.last_error is not None and "EmailLookupFailed" in stuck.last_error
        assert world.notices() == []
        world.slack.answer_every("users.lookupByEmail", None)
        assert world.process().processed == 1
        world.process()
        assert len(world.notices()) == 1
        assert waiting(world) == []

    def test_lever_failing_then_recovering_reads_the_opportunity_once_it_answers(self, world: World) -> None:
        lever = world.lever
        body = lever_archive(lever)
        opportunity = body["data"]["opportunityId"]
        lever.answer_every(f"opportunities/{opportunity}", server_error(500))
        assert send_lever(world.app.url, json.dumps(body).encode()).status == 200
        assert world.process().failed == 1
        assert world.notices() == []
        lever.answer_every(f"opportunities/{opportunity}", None)
        assert world.process().processed == 1
        [notice] = world.notices()
        seen = (notice.name, notice.email, notice.linkedin_url, notice.role_title, notice.stage, notice.stage_name)
        assert seen == (
            "Priya Raman",
            PRIYA_EMAIL,
            "https://www.linkedin.com/in/priya-raman",
            "Staff Platform Engineer",
            "final",
            "On-site interview",
        )
        assert notice.recruiter is not None and notice.recruiter.user_id == SAM

    def test_a_greenhouse_delivery_that_fails_to_apply_keeps_nothing_half_written(self, world: World) -> None:
        body = greenhouse_rejection()
        body["payload"]["application"]["rejected_at"] = "not a date"
        world.greenhouse(body)
        report = world.process()
        assert report.failed == 1 and "rejected_at" in report.lines[0]
        assert world.notices() == []
        assert len(waiting(world)) == 1


POISON = {
    "sqlite": [
        "CREATE TRIGGER poison BEFORE INSERT ON ats_notices WHEN NEW.name = 'Poison Pill' "
        "BEGIN SELECT RAISE(ABORT, 'poisoned'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN "
        "IF NEW.name = 'Poison Pill' THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER poison BEFORE INSERT ON ats_notices FOR EACH ROW EXECUTE FUNCTION poison()",
    ],
}


@pytest.fixture
def poisoned(world: World) -> Iterator[World]:
    """The database refuses a notice for "Poison Pill": a trigger, dropped after (PostgreSQL keeps its schema)."""
    dialect = world.app.engine.dialect.name
    with world.app.engine.begin() as connection:
        for statement in POISON[dialect]:
            connection.execute(text(statement))
    yield world
    with world.app.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER poison" + (" ON ats_notices" if dialect == "postgresql" else "")))
        if dialect == "postgresql":
            connection.execute(text("DROP FUNCTION poison()"))


def test_a_delivery_the_database_refuses_is_rolled_back_alone_and_the_batch_commits(poisoned: World) -> None:
    """Deliveries share a transaction: the one the database refuses mid-batch must not take the others with it."""
    world = poisoned
    for number, name in enumerate(["Ada", "Poison", "Grace"]):
        body = greenhouse_rejection()
        candidate = body["payload"]["application"]["candidate"]
        candidate.update(id=800 + number, first_name=name, last_name="Pill" if name == "Poison" else "Hopper")
        body["payload"]["application"]["id"] = 900 + number
        world.greenhouse(body)
    report = world.process()
    assert (report.processed, report.failed) == (2, 1)
    assert [n.name for n in world.notices()] == ["Ada Hopper", "Grace Hopper"]
    [stuck] = waiting(world)
    assert stuck.last_error is not None and "poisoned" in stuck.last_error


def test_processed_deliveries_are_purged_after_thirty_days(world: World) -> None:
    world.greenhouse(greenhouse_rejection(stage="Application Review"))
    world.process()
    assert world.process(NOW + timedelta(days=29)).purged == 0
    assert world.process(NOW + timedelta(days=31)).purged == 1
    assert count(world, AtsDelivery) == 0
