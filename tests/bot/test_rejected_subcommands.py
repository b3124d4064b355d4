"""`/rejected list`, `/rejected forget` and who may use the commands, over signed HTTP on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Candidate, Rejection
from testkit.database import row_counts
from testkit.fakeslack import FakeSlack, Reply
from testkit.running import RunningApp, candidates, run
from testkit.slack_http import everything

ADMIN = "U0ADMIN"


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"ADMIN_USER_IDS": ADMIN}


def test_list_shows_only_your_own_newest_first(running: RunningApp) -> None:
    run(running, 'Ann Lee email=ann@x.io role=Backend stage=final note="Loved her"', user_id="U0REC")
    run(running, "Bo Chan role=Frontend stage=interview", user_id="U0REC")
    run(running, "Other Person role=Sales stage=final", user_id="U0OTHER")

    shown = everything(run(running, "list", user_id="U0REC"))
    assert shown.index("Bo Chan") < shown.index("Ann Lee")
    assert "Other Person" not in shown
    assert "ann@x.io" in shown and "Loved her" in shown
    assert "<@U0REC>" not in shown  # your own list does not name you


def test_list_when_empty_says_how_to_start(running: RunningApp) -> None:
    assert "You have not recorded any rejections yet" in everything(run(running, "list"))


def test_list_is_capped_at_ten(running: RunningApp) -> None:
    for n in range(12):
        run(running, f"Person Number{n} role=Backend stage=screen")
    shown = everything(run(running, "list"))
    assert "Number11" in shown and "Number2" in shown
    assert "Number1*" not in shown and "Number0" not in shown


def test_admin_lists_the_whole_team_with_owners(running: RunningApp) -> None:
    run(running, "Ann Lee role=Backend stage=final", user_id="U0REC")
    run(running, "Other Person role=Sales stage=final", user_id="U0OTHER")
    shown = everything(run(running, "list all", user_id=ADMIN))
    assert "Ann Lee" in shown and "by <@U0REC>" in shown
    assert "Other Person" in shown and "by <@U0OTHER>" in shown


def test_list_all_is_refused_to_recruiters(running: RunningApp) -> None:
    run(running, "Other Person role=Sales stage=final", user_id="U0OTHER")
    shown = everything(run(running, "list all", user_id="U0REC"))
    assert "Only Keepwarm admins" in shown and "Other Person" not in shown


def test_list_with_an_unknown_argument_explains(running: RunningApp) -> None:
    assert "Use `/rejected list`" in everything(run(running, "list everything"))


def test_forget_erases_the_candidate_everywhere_in_the_team(running: RunningApp) -> None:
    run(running, 'Jane Doe email=jane@x.io role=Backend stage=final tags=python note="Private note"', user_id="U0REC")
    run(running, "Jane Doe email=jane@x.io linkedin=linkedin.com/in/jd role=Data stage=final", user_id="U0OTHER")
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final", team_id="T0ELSE")

    shown = everything(run(running, "forget <mailto:JANE@x.io|JANE@x.io>", user_id="U0REC"))
    assert "Erased the candidate with email jane@x.io" in shown and "2 rejections" in shown

    with running.sessions() as session:
        erased = session.scalars(select(Candidate).where(Candidate.team_id == "T0TEST")).one()
        assert erased.erased and erased.erased_at is not None
        assert (erased.name, erased.email, erased.linkedin_url, erased.tags) == ("(erased)", None, None, [])
        notes = session.scalars(select(Rejection.note).where(Rejection.candidate_id == erased.id)).all()
        assert notes == [None, None]
        other_team = session.scalars(select(Candidate).where(Candidate.team_id == "T0ELSE")).one()
        assert other_team.email == "jane@x.io" and not other_team.erased
    assert "Jane" not in everything(run(running, "list", user_id="U0OTHER"))
    assert "Jane" not in everything(run(running, "list all", user_id=ADMIN))


def test_a_forgotten_candidate_recorded_again_starts_afresh(running: RunningApp) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final")
    run(running, "forget jane@x.io")
    run(running, "Jane Doe email=jane@x.io role=Platform stage=final")
    live = [c for c in candidates(running) if not c.erased]
    assert [(c.name, c.email, len(c.rejections)) for c in live] == [("Jane Doe", "jane@x.io", 1)]


def test_forget_by_a_recruiter_who_never_recorded_them_erases_nothing(running: RunningApp) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final", user_id="U0OTHER")
    shown = everything(run(running, "forget jane@x.io", user_id="U0REC"))
    assert "No candidate with email jane@x.io among the candidates you can erase" in shown
    [candidate] = candidates(running)
    assert candidate.name == "Jane Doe" and not candidate.erased


def test_an_admin_may_forget_anyones_candidate(running: RunningApp) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final", user_id="U0OTHER")
    assert "Erased" in everything(run(running, "forget jane@x.io", user_id=ADMIN))
    assert candidates(running)[0].erased


def test_forget_of_an_unknown_email_says_so(running: RunningApp) -> None:
    assert "No candidate with email nobody@x.io" in everything(run(running, "forget nobody@x.io"))


@pytest.mark.parametrize("text", ["forget", "forget not-an-email", "forget a@b.c d@e.f"])
def test_forget_needs_one_valid_email(running: RunningApp, text: str) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final")
    shown = everything(run(running, text))
    assert "Nothing was erased" in shown and "email" in shown.lower()
    assert not candidates(running)[0].erased


class TestAllowList:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"RECRUITER_USER_IDS": "U0REC", "ADMIN_USER_IDS": ADMIN}

    def test_listed_recruiters_and_admins_may_record(self, running: RunningApp) -> None:
        assert "Recorded" in everything(run(running, "Ann Lee role=Backend stage=final", user_id="U0REC"))
        assert "Recorded" in everything(run(running, "Bo Chan role=Backend stage=final", user_id=ADMIN))

    @pytest.mark.parametrize("text", ["Ann Lee role=Backend stage=final", "list", "forget ann@x.io", "help", ""])
    def test_others_are_refused_politely_and_nothing_happens(
        self, running: RunningApp, fake_slack: FakeSlack, text: str
    ) -> None:
        shown = everything(run(running, text, user_id="U0STRANGER"))
        assert "Keepwarm is limited to the recruiting team" in shown
        assert all(count == 0 for count in row_counts(running.engine).values())
        assert fake_slack.calls_to("views.open") == []


class TestUserGroup:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"RECRUITER_USERGROUP_ID": "S0RECRUIT"}

    def test_group_members_may_record_and_others_may_not(self, running: RunningApp, fake_slack: FakeSlack) -> None:
        fake_slack.set_usergroup("S0RECRUIT", ["U0REC"])
        assert "Recorded" in everything(run(running, "Ann Lee role=Backend stage=final", user_id="U0REC"))
        assert "limited to the recruiting team" in everything(
            run(running, "Bo Chan role=QA stage=final", user_id="U0X")
        )
        [call] = fake_slack.calls_to("usergroups.users.list")  # the membership is cached between commands
        assert call.params["usergroup"] == "S0RECRUIT"
        assert [c.name for c in candidates(running)] == ["Ann Lee"]

    def test_when_slack_cannot_say_who_is_in_the_group_nothing_is_written(
        self, running: RunningApp, fake_slack: FakeSlack
    ) -> None:
        fake_slack.script("usergroups.users.list", Reply({"ok": False, "error": "missing_scope"}))
        shown = everything(run(running, "Ann Lee role=Backend stage=final", user_id="U0REC"))
        assert "Could not check that you are one of Keepwarm's recruiters" in shown
        assert all(count == 0 for count in row_counts(running.engine).values())
