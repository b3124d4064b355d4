"""SlackDirectory over real HTTP to the fake Slack: what it answers, what it remembers and for how long."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_directory import EmailLookupFailed, SlackDirectory
from testkit.fakeslack import FakeSlack, Reply, rate_limited

HOUR = 3600.0
DAY = 24 * HOUR


class Clock:
    """Seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def directory(fake: FakeSlack, clock: Clock, **options: int) -> SlackDirectory:
    """No retry handlers: each failure reaches the directory as it came."""
    client = WebClient(token="xoxb-test", base_url=fake.api_url, retry_handlers=[])
    return SlackDirectory(client, clock=clock, **options)


def lookups(fake: FakeSlack) -> list[str]:
    return [call.params["email"] for call in fake.calls_to("users.lookupByEmail")]


def test_found_user_is_remembered_for_a_day(fake_slack: FakeSlack) -> None:
    fake_slack.set_user("U0DIRFOUND", email="found@example.com")
    clock = Clock()
    people = directory(fake_slack, clock)

    assert people.user_for_email("found@example.com") == "U0DIRFOUND"
    clock.now += DAY - 1
    assert people.user_for_email("found@example.com") == "U0DIRFOUND"
    assert lookups(fake_slack) == ["found@example.com"]

    clock.now += 1
    assert people.user_for_email("found@example.com") == "U0DIRFOUND"
    assert lookups(fake_slack) == ["found@example.com"] * 2


def test_address_nobody_has_is_none_and_asked_again_after_an_hour(fake_slack: FakeSlack) -> None:
    clock = Clock()
    people = directory(fake_slack, clock)

    assert people.user_for_email("newhire@example.com") is None
    fake_slack.set_user("U0DIRNEW", email="newhire@example.com")  # the recruiter joins Slack
    clock.now += HOUR - 1
    assert people.user_for_email("newhire@example.com") is None
    assert lookups(fake_slack) == ["newhire@example.com"]

    clock.now += 1
    assert people.user_for_email("newhire@example.com") == "U0DIRNEW"
    assert lookups(fake_slack) == ["newhire@example.com"] * 2


def test_case_and_spaces_do_not_matter(fake_slack: FakeSlack) -> None:
    fake_slack.set_user("U0DIRCASE", email="Rita.Case@Example.com")
    people = directory(fake_slack, Clock())

    assert people.user_for_email(" RITA.case@example.COM ") == "U0DIRCASE"
    assert people.user_for_email("rita.case@example.com") == "U0DIRCASE"
    assert lookups(fake_slack) == ["rita.case@example.com"]


def test_deactivated_users_and_bots_are_no_match(fake_slack: FakeSlack) -> None:
    fake_slack.set_user("U0DIRGONE", email="gone@example.com", deleted=True)
    fake_slack.set_user("U0DIRBOT", email="bot@example.com", is_bot=True)
    people = directory(fake_slack, Clock())

    assert people.user_for_email("gone@example.com") is None
    assert people.user_for_email("bot@example.com") is None
    assert people.user_for_email("gone@example.com") is None
    assert lookups(fake_slack) == ["gone@example.com", "bot@example.com"]


def test_a_user_shown_as_deleted_is_no_match(fake_slack: FakeSlack) -> None:
    """Slack documents users_not_found for a deactivated user; a user object marked deleted is still refused."""
    fake_slack.script("users.lookupByEmail", Reply({"ok": True, "user": {"id": "U0DIRDEL", "deleted": True}}))

    assert directory(fake_slack, Clock()).user_for_email("deleted@example.com") is None


@pytest.mark.parametrize(
    "reply",
    [
        Reply({"ok": False, "error": "missing_scope", "needed": "users:read.email", "provided": "users:read"}),
        rate_limited(30),
        Reply({"ok": False, "error": "fatal_error"}, status=500),
    ],
    ids=["missing_scope", "ratelimited", "fatal_error"],
)
def test_other_failures_raise_and_are_not_remembered(fake_slack: FakeSlack, reply: Reply) -> None:
    fake_slack.set_user("U0DIRERR", email="err@example.com")
    fake_slack.script("users.lookupByEmail", reply)
    people = directory(fake_slack, Clock())

    with pytest.raises(EmailLookupFailed) as excinfo:
        people.user_for_email("err@example.com")
    assert isinstance(excinfo.value.__cause__, SlackApiError)
    assert people.user_for_email("err@example.com") == "U0DIRERR"
    assert len(lookups(fake_slack)) == 2


def test_unreachable_slack_raises() -> None:
    client = WebClient(token="xoxb-test", base_url="http://127.0.0.1:1/api/", timeout=2, retry_handlers=[])

    with pytest.raises(EmailLookupFailed):
        SlackDirectory(client).user_for_email("anyone@example.com")


def test_blank_address_is_nobody_without_asking(fake_slack: FakeSlack) -> None:
    assert directory(fake_slack, Clock()).user_for_email("  ") is None
    assert lookups(fake_slack) == []


def test_the_oldest_answers_go_when_full(fake_slack: FakeSlack) -> None:
    people = directory(fake_slack, Clock(), max_entries=2)

    for email in ("a@example.com", "b@example.com", "c@example.com", "c@example.com", "b@example.com"):
        assert people.user_for_email(email) is None
    assert lookups(fake_slack) == ["a@example.com", "b@example.com", "c@example.com"]

    people.user_for_email("a@example.com")
    assert lookups(fake_slack)[-1] == "a@example.com"
    assert len(lookups(fake_slack)) == 4
