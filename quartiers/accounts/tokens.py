"""Signed, expiring links for invitations (distinct from password reset links)."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

INVITATION_DAYS = getattr(settings, "INVITATION_DAYS", 7)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Like the password reset token (void once a password is set), with its own salt and lifetime."""

    key_salt = "quartiers.accounts.tokens.InvitationTokenGenerator"
    timeout = INVITATION_DAYS * 24 * 3600

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        valid = any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        return valid and (self._num_seconds(self._now()) - ts) <= self.timeout


invitation_token = InvitationTokenGenerator()
