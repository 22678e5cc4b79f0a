from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0011_peers19_calendar_sync'),
    ]

    operations = [
        migrations.AddField(
            model_name='reportsnapshot',
            name='incomplete',
            field=models.TextField(blank=True, default='', verbose_name='incomplete'),
        ),
    ]
