"""Every callback and block id the bot sends and listens for, in one place."""

REJECTED_COMMAND = "/rejected"
ROLE_COMMAND = "/role"

REJECTION_MODAL = "rejection_modal"
# Each input block of the rejection modal is named after its field (see bot.rejection_input.FIELDS);
# the element inside it always carries this action id.
FIELD_ACTION = "value"

# Check-in reminder actions; each button's value is "<checkin id>:<reminder step>:<expected step>".
CHECKIN_DONE = "checkin_done"
CHECKIN_SNOOZE_WEEK = "checkin_snooze_week"
CHECKIN_SNOOZE_MONTH = "checkin_snooze_month"
CHECKIN_STOP = "checkin_stop"
CHECKIN_DRAFT = "checkin_draft"
CHECKIN_ACTIONS = (CHECKIN_DONE, CHECKIN_SNOOZE_WEEK, CHECKIN_SNOOZE_MONTH, CHECKIN_STOP, CHECKIN_DRAFT)
STOP_MODAL = "checkin_stop_modal"
STOP_REASON_BLOCK = "reason"
DRAFT_MODAL = "checkin_draft_modal"
RETRY_DELIVERY = "checkin_retry_delivery"
REMINDER_METADATA_TYPE = "keepwarm_reminder"


def checkin_block_id(checkin_id: int) -> str:
    """The actions block of one check-in, found again when a click updates the message in place."""
    return f"checkin_actions:{checkin_id}"


# Roles: the /role modal, and the buttons under matches. REACH_OUT's value is "<role id>:<candidate id>",
# DIGEST_REVEAL's is "<role id>".
ROLE_MODAL = "role_modal"
ROLE_REACH_OUT = "role_reach_out"
DIGEST_REVEAL = "digest_reveal"
DIGEST_METADATA_TYPE = "keepwarm_digest"
ROLE_ALERT_METADATA_TYPE = "keepwarm_role_alert"

# ATS notices (jobs/ats_notices.py): the DM's buttons carry "<notice id>", the rating select's options
# "<notice id>:<rating>"; the Keep warm form is the rejection modal under its own callback id.
ATS_NOTICE_KEEP = "ats_notice_keep"
ATS_NOTICE_RATE = "ats_notice_rate"
ATS_NOTICE_DISMISS = "ats_notice_dismiss"
ATS_NOTICE_UNDO = "ats_notice_undo"
ATS_KEEP_MODAL = "ats_keep_modal"
ATS_NOTICE_METADATA_TYPE = "keepwarm_ats_notice"


def notice_block_id(notice_id: int) -> str:
    """The actions block of one notice, found again when a decision updates the DM in place."""
    return f"ats_notice:{notice_id}"


# The admins' queue of ATS rejections nobody in Slack matched: one users_select per rejection, in a block named for
# the notice (a select carries no value of its own).
ATS_QUEUE_ASSIGN = "ats_queue_assign"
ATS_QUEUE_BLOCK = "ats_queue:"


def ats_queue_block_id(notice_id: int) -> str:
    """The section of one waiting rejection; the choice made in it comes back with this block id."""
    return f"{ATS_QUEUE_BLOCK}{notice_id}"


# Importing past candidates from Slack: the global shortcut, `/rejected import`, and the form both open. The form's
# file_input and its checkboxes each sit in an input block of their own, their element under FIELD_ACTION; the
# checkboxes' options carry the IMPORT_* values.
IMPORT_SHORTCUT = "import_candidates"
IMPORT_MODAL = "import_candidates_modal"
IMPORT_FILE_BLOCK = "file"
IMPORT_OPTIONS_BLOCK = "options"
IMPORT_SKIP_INVALID = "skip_invalid"
IMPORT_DRY_RUN = "dry_run"
IMPORT_MINE = "mine"


# Handover when a recruiter leaves: the admins' DM and Home section, one users_select per recruiter who left, in a
# block named for that recruiter (a select carries no value of its own).
HANDOVER_PICK = "handover_pick"
HANDOVER_BLOCK = "handover:"
DEPARTURE_METADATA_TYPE = "keepwarm_departure"


def handover_block_id(recruiter_id: int) -> str:
    """The section of one recruiter who left; the person chosen in it comes back with this block id."""
    return f"{HANDOVER_BLOCK}{recruiter_id}"


# Retention and consent: the warning's buttons (and She agreed beside a check-in's Done) carry
# "<candidate id>:<consent epoch, 0 for none>", so a second click on an old button finds consent already recorded.
# The warning's own actions block is retention_block_id; the consent form keeps where it was opened in its metadata.
CONSENT_AGREED = "retention_consent"
CONSENT_DRAFT = "retention_consent_draft"
RETENTION_ERASE = "retention_erase"
RETENTION_ACTIONS = (CONSENT_AGREED, CONSENT_DRAFT, RETENTION_ERASE)
CONSENT_MODAL = "retention_consent_modal"
CONSENT_HOW_BLOCK = "how"
CONSENT_DRAFT_MODAL = "retention_consent_draft_modal"
RETENTION_BLOCK = "retention:"


def retention_block_id(candidate_id: int) -> str:
    """The actions block of one retention warning, found again when a click updates the message in place."""
    return f"{RETENTION_BLOCK}{candidate_id}"


# Multi-workspace mode: the Settings button on an admin's App Home, and the modal it opens (one input block per
# setting, named for the setting's environment name, its element under FIELD_ACTION).
SETTINGS_OPEN = "settings_open"
SETTINGS_MODAL = "settings_modal"
