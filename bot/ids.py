"""Every callback and block id the bot sends and listens for, in one place."""

REJECTED_COMMAND = "/rejected"
ROLE_COMMAND = "/role"

REJECTION_MODAL = "rejection_modal"
# Each input block of the rejection modal is named after its field (see bot.rejection_input.FIELDS);
# the element inside it always carries this action id.
FIELD_ACTION = "value"
