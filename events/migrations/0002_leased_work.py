# Delivery is events.leasing.LeasedWork: the same fields and statuses as every kind of leased work.
# Only help texts change here; deliveries already used the shared names and statuses.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='delivery',
            name='next_attempt_at',
            field=models.DateTimeField(blank=True, help_text='Not attempted before then (a failed one retries then); empty: at once.', null=True),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='started_at',
            field=models.DateTimeField(blank=True, help_text='The latest attempt started then.', null=True),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='finished_at',
            field=models.DateTimeField(blank=True, help_text='Done or dead then.', null=True),
        ),
    ]
