"""State changes of the network module: one function per change, each permission-checked (`check`: the one
policy, for the acting user; `None` is the system), in one transaction, written to the audit trail.

Views validate their input, call one of these and redirect; a `NetworkError` carries the French
message to show, and nothing has been written when it is raised.
"""

from ._common import NetworkError, check
from .axes import (
    add_note,
    change_status,
    propose_axis,
    rank_axes,
    rankable_axes,
    remove_group_member,
    set_group_member,
    set_vote_mode,
    support,
    voter_count,
    withdraw_ranking,
    withdraw_support,
)
from .meetings import (
    add_agenda_item,
    add_attachment,
    add_member,
    create_meeting,
    save_minutes,
    update_meeting,
)
from .registrations import cancel, fill_seats, invite, register, send_reminders, set_attendance, unregister

__all__ = [
    "NetworkError",
    "add_agenda_item",
    "add_attachment",
    "add_member",
    "add_note",
    "cancel",
    "change_status",
    "check",
    "create_meeting",
    "fill_seats",
    "invite",
    "propose_axis",
    "rank_axes",
    "rankable_axes",
    "save_minutes",
    "register",
    "remove_group_member",
    "send_reminders",
    "set_attendance",
    "set_group_member",
    "set_vote_mode",
    "support",
    "unregister",
    "update_meeting",
    "voter_count",
    "withdraw_ranking",
    "withdraw_support",
]
