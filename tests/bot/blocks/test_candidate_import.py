"""What the import DM says (bot.blocks.candidate_import): the command's report, its options named as the form names
them, every problem kept when the report is long."""

from __future__ import annotations

from bot.blocks.candidate_import import MINE_LABEL, SKIP_INVALID_LABEL, build_import_result
from tests.bot.blocks.block_kit import MESSAGE_BLOCKS_MAX
from tests.bot.blocks.inputs import (
    HOSTILE,
    IMPORT_LINES,
    IMPORT_PROBLEMS,
    IMPORT_REFUSED,
    IMPORT_SUMMARY,
    Json,
    import_lines,
)


def shown(message: Json) -> list[str]:
    """The lines of the DM's code blocks, as the admin reads them."""
    texts = [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]
    lines = "\n".join(text.strip("`") for text in texts if text.startswith("```")).splitlines()
    return [line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for line in lines]


def test_the_summary_leads_and_the_report_follows_line_for_line() -> None:
    message = build_import_result(
        file_name="R&D <sheet>.csv", dry_run=False, ok=True, summary=IMPORT_SUMMARY, lines=IMPORT_LINES, problems=[]
    )
    assert message["text"] == f":white_check_mark: *R&amp;D &lt;sheet&gt;.csv*: {IMPORT_SUMMARY}"
    assert shown(message) == [
        *IMPORT_LINES[:3],
        "check-ins for U0BOSS (you, for the rows whose recruiter is not in Slack): 2, the first due 2026-01-13, at "
        "most 1 due on one day",
    ]


def test_the_commands_options_are_named_as_the_form_names_them() -> None:
    message = build_import_result(
        file_name="x.csv", dry_run=True, ok=False, summary=IMPORT_REFUSED, lines=[], problems=IMPORT_PROBLEMS
    )
    assert message["text"] == (
        ":warning: Dry run of *x.csv*: nothing was imported: 6 of 8 rows have problems; fix them and import the file "
        f"again, or import only the valid rows (tick “{SKIP_INVALID_LABEL}”)"
    )
    assert shown(message)[1].endswith(
        f"fix it, or tick “{MINE_LABEL}” to give these candidates to whoever runs the import."
    )
    assert "--" not in str(message)


def test_every_problem_is_kept_when_the_report_is_long() -> None:
    problems = import_lines(HOSTILE, 50, 5000, more=9950)
    message = build_import_result(
        file_name="x.csv", dry_run=False, ok=False, summary=IMPORT_REFUSED, lines=import_lines(HOSTILE, 300, 200),
        problems=problems,
    )  # fmt: skip
    assert len(message["blocks"]) <= MESSAGE_BLOCKS_MAX
    lines = shown(message)
    assert [line[:40] for line in lines[-51:]] == [problem[:40] for problem in problems]
    assert lines[-1] == "… and 9,950 more problems"
    assert all(len(line) <= 1000 for line in lines)
    assert "The rest is left out" in str(message["blocks"])
