from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0012_crash_safe'),
    ]

    operations = [
        migrations.AddField(
            model_name='reportsnapshot',
            name='incomplete',
            field=models.TextField(blank=True, default='', verbose_name='incomplete'),
        ),
    ]
