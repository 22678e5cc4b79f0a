"""`manage.py purge_steps`: apply the step retention now (the beat task runs it nightly); prints JSON."""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from privacy.steps.services.retention import steps_purge


class Command(BaseCommand):
    help = "Delete stored step facts and access-log lines older than their retention period."

    def handle(self, *_args, **_options):
        self.stdout.write(json.dumps(steps_purge()))
