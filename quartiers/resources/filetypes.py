"""Attachments of the library: the shared content sniffer (quartiers.core.filetypes) with the library's size limit."""

from django.conf import settings

from quartiers.core.filetypes import ACCEPTED, DEFAULT_MAX_SIZE, PDF, safe_name, sniff  # noqa: F401
from quartiers.core.filetypes import check_upload as _check_upload


def max_size():
    return getattr(settings, "RESOURCES_MAX_ATTACHMENT_SIZE", DEFAULT_MAX_SIZE)


def check_upload(uploaded):
    return _check_upload(uploaded, limit=max_size())
