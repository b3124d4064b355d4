"""Which Slack workspace a one-off import writes to: the one named with --team, or the bot token's own."""

from __future__ import annotations

import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

TEAM_ID = re.compile(r"[TE][A-Z0-9]{2,31}")
_ADVICE = "pass --team T… to name the team"


class WorkspaceUnknown(Exception):
    """The team named is no team id, or none was named and Slack did not say whose the token is; the message says
    how to fix it."""


def check_team(team_id: str) -> str:
    """The team id given, if it looks like one."""
    if not TEAM_ID.fullmatch(team_id):
        raise WorkspaceUnknown(
            f"--team {team_id!r} is not a Slack team id (T or E, then capitals and digits: T0123ABCD)"
        )
    return team_id


def bot_workspace(client: WebClient) -> str:
    """The bot token's own workspace, as auth.test reports it."""
    try:
        found = client.auth_test().get("team_id")
    except SlackApiError as error:
        raise WorkspaceUnknown(f"Slack's auth.test failed ({error.response.get('error')}); {_ADVICE}") from None
    except (SlackClientError, OSError) as error:
        raise WorkspaceUnknown(f"cannot reach Slack for auth.test ({error}); {_ADVICE}") from None
    if not isinstance(found, str) or not TEAM_ID.fullmatch(found):
        raise WorkspaceUnknown(f"Slack's auth.test gave no usable team id ({found!r}); {_ADVICE}")
    return found
