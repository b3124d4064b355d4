"""Importing past candidates from Slack: the form (a CSV upload and the import's options), what it shows once the
import has started, and the DM that says how it went, in the words `python -m jobs import-candidates` prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.common import Block, Message, context, escape, message, plain, section, truncate
from bot.ids import (
    FIELD_ACTION,
    IMPORT_DRY_RUN,
    IMPORT_FILE_BLOCK,
    IMPORT_MINE,
    IMPORT_MODAL,
    IMPORT_OPTIONS_BLOCK,
    IMPORT_SKIP_INVALID,
)

View = dict[str, Any]
TITLE = "Import candidates"
IMPORT_ADMINS_ONLY = (
    "Only Keepwarm admins can import past candidates. Ask one of them (they are listed in ADMIN_USER_IDS) to import "
    "your file."
)
IMPORT_NO_FILE = "Choose the CSV file to import."
IMPORT_NOT_CSV = (
    "Keepwarm imports CSV files only. In Excel, save the sheet as CSV UTF-8; in Google Sheets, download it as "
    "comma-separated values."
)
IMPORT_TAKES_NOTHING = (
    "`/rejected import` takes nothing after it: it opens a form where you upload the CSV file. Nothing was imported."
)
SKIP_INVALID_LABEL = "Skip invalid rows"
DRY_RUN_LABEL = "Dry run"
MINE_LABEL = "Follow up myself when the recruiter is not in Slack"
# The command line's options, as the form names them: the import's own sentences name the command's options.
FORM_WORDS = (
    ("pass --owner U…", f"tick “{MINE_LABEL}”"),
    ("no --owner was given", f"“{MINE_LABEL}” was not ticked"),
    ("(--owner)", "(you, for the rows whose recruiter is not in Slack)"),
    ("--skip-invalid", f"tick “{SKIP_INVALID_LABEL}”"),
)
# One line of the report, at most, in the DM; a code block per section of up to SECTION_TEXT_MAX characters, and
# at most LINE_BLOCKS_MAX of them, which keeps the DM inside Slack's 50 blocks.
LINE_MAX = 1000
LINE_BLOCKS_MAX = 44
_FENCE = "```"


def _option(value: str, label: str, description: str) -> dict[str, Any]:
    return {"text": plain(label), "value": value, "description": plain(description)}


def build_import_modal() -> View:
    """The form: one CSV file, and the command line's options as checkboxes, none ticked."""
    intro = (
        "Bring in the candidates you turned down before Keepwarm: a CSV exported from your ATS (Greenhouse, Lever, "
        "Ashby…) or your own spreadsheet, one rejection per row. Columns are found by their names: *Name* and *Role* "
        "are needed, and a *Recruiter* (email or Slack member ID) who follows each one up; email, LinkedIn, stage, "
        "rating, tags, note and rejection date are read when there. Nothing is written if a row has a problem "
        "(unless you skip invalid rows), and importing the same file again changes nothing."
    )
    options = [
        _option(IMPORT_SKIP_INVALID, SKIP_INVALID_LABEL, "Import the valid rows and list the others."),
        _option(IMPORT_DRY_RUN, DRY_RUN_LABEL, "Check everything and say what would happen; write nothing."),
        _option(IMPORT_MINE, MINE_LABEL, "Otherwise such rows are problems to fix."),
    ]
    return {
        "type": "modal",
        "callback_id": IMPORT_MODAL,
        "title": plain(TITLE),
        "submit": plain("Import"),
        "close": plain("Cancel"),
        "blocks": [
            section(intro),
            {
                "type": "input",
                "block_id": IMPORT_FILE_BLOCK,
                "label": plain("CSV file"),
                "element": {"type": "file_input", "action_id": FIELD_ACTION, "filetypes": ["csv"], "max_files": 1},
            },
            {
                "type": "input",
                "block_id": IMPORT_OPTIONS_BLOCK,
                "label": plain("Options"),
                "optional": True,
                "element": {"type": "checkboxes", "action_id": FIELD_ACTION, "options": options},
            },
        ],
    }


def build_import_admins_only_view() -> View:
    """What the shortcut opens for anyone who is not an admin: a shortcut has no thread to answer in."""
    return _notice_view(f":no_entry: {IMPORT_ADMINS_ONLY}")


def build_import_started(file_name: str, *, dry_run: bool) -> View:
    """The form once submitted: the import runs on, and its result comes as a DM."""
    doing = "Checking" if dry_run else "Importing"
    dry = " (a dry run: nothing will be written)" if dry_run else ""
    return _notice_view(
        f":hourglass_flowing_sand: {doing} *{escape(file_name)}*{dry}. Keepwarm will send you a direct message with "
        "the summary, or with the rows to fix, when it is done. You can close this window."
    )


def _notice_view(text: str) -> View:
    return {
        "type": "modal",
        "callback_id": IMPORT_MODAL,
        "title": plain(TITLE),
        "close": plain("Close"),
        "blocks": [section(text)],
    }


def build_import_refused() -> Message:
    """`/rejected import` from someone who is not an admin."""
    return message(IMPORT_ADMINS_ONLY, [section(IMPORT_ADMINS_ONLY)])


def build_import_usage() -> Message:
    """`/rejected import` with words after it."""
    return message(IMPORT_TAKES_NOTHING, [section(IMPORT_TAKES_NOTHING)])


def build_import_form_unopened() -> Message:
    """Slack did not open the form."""
    text = ":warning: Could not open the import form just now; try `/rejected import` again in a minute."
    return message(text, [section(text)])


def build_import_result(
    *, file_name: str, dry_run: bool, ok: bool, summary: str, lines: Sequence[str], problems: Sequence[str]
) -> Message:
    """How an import went: its one-line summary, then how the file was read and each recruiter's check-ins, then its
    problems by line, as the command prints them (its options named as the form names them)."""
    name = f"*{escape(file_name)}*"
    said = escape(_in_form_words(summary))
    if not ok:
        headline = f":warning: {'Dry run of ' if dry_run else ''}{name}: {said}"
    elif dry_run:
        headline = f":mag: Dry run of {name}, nothing was written: {said}"
    else:
        headline = f":white_check_mark: {name}: {said}"
    blocks: list[Block] = [section(headline)]
    problem_chunks = _code_blocks(problems)[:LINE_BLOCKS_MAX]  # the problems first, should room run out
    line_chunks = _code_blocks(lines)
    for title, chunks, room in (
        ("How the file was read", line_chunks, LINE_BLOCKS_MAX - len(problem_chunks)),
        ("Problems, by line of the file", problem_chunks, LINE_BLOCKS_MAX),
    ):
        if chunks:
            blocks.append(context(title))
            blocks.extend(section(chunk) for chunk in chunks[:room])
            if len(chunks) > room:
                blocks.append(context("The rest is left out: Slack shows at most 50 blocks in one message."))
    return message(truncate(headline, 3000), blocks)


def build_import_failed(file_name: str, reason: str) -> Message:
    """The import could not run at all (the file could not be had); `reason` says why and what to do."""
    text = f":warning: Could not import *{escape(file_name)}*: {escape(reason)}"
    return message(truncate(text, 3000), [section(text)])


def _in_form_words(text: str) -> str:
    """A sentence of the import's with the command line's options named as the form names them."""
    for said, meant in FORM_WORDS:
        text = text.replace(said, meant)
    return text


def _code_blocks(lines: Sequence[str]) -> list[str]:
    """The report's lines, in the form's words and escaped, in as few code blocks as fit a section each; code, so
    that a value from the file is shown as written rather than read as formatting."""
    limit = 3000 - 2 * len(_FENCE)
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        shown = truncate(escape(_in_form_words(line)), LINE_MAX)
        if current and size + 1 + len(shown) > limit:
            chunks.append(_FENCE + "\n".join(current) + _FENCE)
            current, size = [], 0
        current.append(shown)
        size += len(shown) + (1 if size else 0)
    if current:
        chunks.append(_FENCE + "\n".join(current) + _FENCE)
    return chunks
