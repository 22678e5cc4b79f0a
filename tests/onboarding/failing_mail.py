"""An e-mail backend whose server refuses every message (for the failure-reporting tests)."""

from smtplib import SMTPRecipientsRefused

from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    def send_messages(self, messages):
        raise SMTPRecipientsRefused({m.to[0]: (550, b"no such user") for m in messages})
