"""French counts in Python messages: the singular for 0 and 1 (« 0 invitation envoyée », « 2 invitations envoyées»).

The template filters `pluriel` and `nombre` (core/templatetags/texte.py) follow the same rule.
"""


def is_plural(n):
    return abs(n) >= 2


def count(n, singular, plural=None):
    """`count(2, "invitation envoyée", "invitations envoyées")` → « 2 invitations envoyées »; without `plural`,
    an « s » is added to each word."""
    if plural is None:
        plural = " ".join(word + "s" for word in singular.split())
    return f"{n} {plural if is_plural(n) else singular}"
