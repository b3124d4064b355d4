"""`/rejected handover`'s text as Slack sends it with escaping on (manifest.yml: should_escape): mentions as
<@U123|name>, and every refusal a message that is safe to show back."""

from __future__ import annotations

import pytest

from bot.handover_input import HandoverInputError, parse_handover
from models.handover import Filter


@pytest.mark.parametrize(
    ("text", "people", "only"),
    [
        ("<@U0ALEX|alex> <@U0BEA|bea>", ("U0ALEX", "U0BEA"), Filter()),
        ("<@U0ALEX> <@W0BEA>", ("U0ALEX", "W0BEA"), Filter()),
        ("U0ALEX U0BEA", ("U0ALEX", "U0BEA"), Filter()),
        ("  <@U0ALEX|alex>\t<@U0BEA|bea>  --tag Python ", ("U0ALEX", "U0BEA"), Filter(tag="Python")),
        (
            "<@U0ALEX|a> <@U0BEA|b> --role Senior Backend Engineer",
            ("U0ALEX", "U0BEA"),
            Filter(role="Senior Backend Engineer"),
        ),
        (
            '<@U0ALEX|a> <@U0BEA|b> --ROLE "R&amp;D lead" --tag go',
            ("U0ALEX", "U0BEA"),
            Filter(tag="go", role="R&D lead"),
        ),
    ],
)
def test_two_people_and_the_filters_are_read(text: str, people: tuple[str, str], only: Filter) -> None:
    asked = parse_handover(text)
    assert (asked.from_user, asked.to_user, asked.only) == (*people, only)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "Name two people"),
        ("<@U0ALEX|a> <@U0BEA|b> <@U0CAL|c>", "Name two people"),
        ("@alex @bea", "@alex is not a person Slack recognised"),
        ("<@U0ALEX|a> &lt;!channel&gt;", "<!channel> is not a person Slack recognised"),
        ("<!subteam^S123|@recruiters> <@U0BEA|b>", "is not a person Slack recognised"),
        ("<@u0alex|a> <@U0BEA|b>", "is not a person Slack recognised"),
        ("<@U0ALEX|a> <@U0BEA|b> --tag", "--tag needs a value"),
        ("<@U0ALEX|a> <@U0BEA|b> --role --tag x", "--role needs a value"),
        ("<@U0ALEX|a> <@U0BEA|b> --owner x", "Unknown option --owner"),
        ("<@U0ALEX|a> <@U0BEA|b> --role a --role b", "Give --role once."),
        ("<@U0ALEX|a> <@U0BEA|b> --role " + "x" * 151, "too long"),
        ("\u202e<@U0ALEX|a> <@U0BEA|b>", "is not a person Slack recognised"),
    ],
)
def test_what_cannot_be_read_is_refused_with_a_reason(text: str, problem: str) -> None:
    with pytest.raises(HandoverInputError) as refused:
        parse_handover(text)
    assert problem in refused.value.message
    assert "\u202e" not in refused.value.message
