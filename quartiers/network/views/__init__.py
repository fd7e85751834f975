"""Pages of the network module, by page family. Every view asks the policy (`authorize` / `can` / querysets)
first, parses its input, calls one service of `quartiers.network.services` (or a QuerySet method) and renders."""

from .axes import (
    axis_create,
    axis_detail,
    axis_group,
    axis_note,
    axis_ranking,
    axis_status,
    axis_support,
    vote_mode,
)
from .imports import member_import
from .meetings import (
    agenda_add,
    attachment_add,
    attachment_download,
    meeting_create,
    meeting_detail,
    meeting_edit,
    meeting_ics,
    meeting_list,
    minutes,
    network_feed,
)
from .networks import detail, directory, index, member_add
from .registrations import (
    attendance,
    meeting_invite,
    meeting_register,
    meeting_unregister,
    registration_add,
    registration_cancel,
)

__all__ = [
    "agenda_add",
    "attachment_add",
    "attachment_download",
    "attendance",
    "axis_create",
    "axis_detail",
    "axis_group",
    "axis_note",
    "axis_ranking",
    "axis_status",
    "axis_support",
    "detail",
    "directory",
    "index",
    "meeting_create",
    "meeting_detail",
    "meeting_edit",
    "meeting_ics",
    "meeting_invite",
    "meeting_list",
    "meeting_register",
    "meeting_unregister",
    "member_add",
    "member_import",
    "minutes",
    "network_feed",
    "registration_add",
    "registration_cancel",
    "vote_mode",
]
