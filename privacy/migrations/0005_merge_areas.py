# Joins the migrations of the three areas built side by side (schedules, steps, reports).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_schedules"),
        ("privacy", "0003_steps"),
        ("privacy", "0004_reports"),
    ]
    operations: list = []
