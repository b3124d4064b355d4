"""Who may use Keepwarm's commands: an allow-list of users, a Slack user group, or everyone when neither is set."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings

GROUP_CACHE_SECONDS = 300.0


class AccessCheckFailed(Exception):
    """Slack could not tell us who is in the recruiter user group; we refuse rather than guess."""


class Access:
    """Answers "may this user record rejections?" and "is this user an admin?"."""

    def __init__(
        self,
        settings: Settings,
        client: WebClient,
        clock: Callable[[], float] = time.monotonic,
        *,
        admins: Callable[[], frozenset[str]] | None = None,
    ) -> None:
        """`admins` looks a workspace's admins up (multi-workspace mode) the first time they are asked about;
        ADMIN_USER_IDS otherwise."""
        self._settings = settings
        self._admins_of_workspace = admins
        self._admins: frozenset[str] | None = None
        self._client = client
        self._clock = clock
        self._lock = threading.Lock()
        self._group_members: frozenset[str] = frozenset()
        self._group_fetched_at: float | None = None

    @property
    def restricted(self) -> bool:
        """True when an allow-list or a user group limits who may use the commands."""
        return bool(self._settings.recruiter_user_ids or self._settings.recruiter_usergroup_id)

    def is_admin(self, user_id: str) -> bool:
        """Admins see the whole team's candidates."""
        if self._admins is None:
            self._admins = (
                self._settings.admin_user_ids if self._admins_of_workspace is None else self._admins_of_workspace()
            )
        return user_id in self._admins

    def may_record(self, user_id: str) -> bool:
        """Admins and listed recruiters may; group members may; everyone may when nothing restricts access."""
        if not self.restricted or self.is_admin(user_id) or user_id in self._settings.recruiter_user_ids:
            return True
        group_id = self._settings.recruiter_usergroup_id
        return group_id is not None and user_id in self._members_of(group_id)

    def _members_of(self, group_id: str) -> frozenset[str]:
        """Group members, cached for a few minutes so each command does not cost a Web API call."""
        with self._lock:
            fresh = self._group_fetched_at is not None and self._clock() - self._group_fetched_at < GROUP_CACHE_SECONDS
            if not fresh:
                try:
                    response = self._client.usergroups_users_list(usergroup=group_id)
                except (SlackApiError, SlackClientError, OSError) as error:
                    raise AccessCheckFailed(str(error)) from error
                self._group_members = frozenset(response.get("users", []))
                self._group_fetched_at = self._clock()
            return self._group_members
