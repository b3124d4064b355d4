"""The role modal (bot.blocks.role_modal)."""

from __future__ import annotations

from bot.blocks import (
    role_modal,
)
from bot.ids import (
    FIELD_ACTION,
    ROLE_MODAL,
)
from bot.role_input import FIELDS as ROLE_FIELDS
from bot.role_input import LOCATION_MAX, TEAM_MAX, TITLE_MAX


def test_role_modal_inputs_are_the_role_fields_with_the_validators_limits() -> None:
    view = role_modal.build_role_modal("meta")
    assert (view["callback_id"], view["private_metadata"]) == (ROLE_MODAL, "meta")
    assert [block["block_id"] for block in view["blocks"]] == list(ROLE_FIELDS)
    assert [block["block_id"] for block in view["blocks"] if not block["optional"]] == ["title"]
    elements = {block["block_id"]: block["element"] for block in view["blocks"]}
    assert (elements["title"]["max_length"], elements["location"]["max_length"]) == (TITLE_MAX, LOCATION_MAX)
    assert elements["team"]["max_length"] == TEAM_MAX
    assert elements["url"]["type"] == "url_text_input"
    assert {element["action_id"] for element in elements.values()} == {FIELD_ACTION}
