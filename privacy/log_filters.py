"""Logging filters: a refused page (403) is an expected answer, not an incident.

Django logs every 403 on ``django.request`` at WARNING with the PermissionDenied traceback; a role
matrix probe or a driver following an old link then floods the log with tracebacks. This filter keeps
one line at INFO, without the traceback; 4xx other than 403 and every 5xx are left as they are.
"""
from __future__ import annotations

import logging


class ForbiddenAtInfo(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
        return True
