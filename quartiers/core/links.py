"""Absolute links (calendar files, e-mails, feeds): from the request when there is one, else settings.SITE_URL.

A page or a download answers with the address the user reached (behind a proxy that sends
X-Forwarded-Proto, with https). An e-mail sent by the worker has no request: it uses SITE_URL, the public
address of the deployment (README « Configuration »), which `check --deploy` asks for (quartiers.W001).
"""

from django.conf import settings


def absolute_url(path, request=None):
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path
