# Partner and passenger messages become events.leasing.LeasedWork: one set of field names and one set of
# statuses (pending → running → done | failed = will retry → dead = gave up), with the data kept:
#
# - passenger messages: claim_token → lease_token, claimed_until → lease_expires_at, error → last_error,
#   sent_at → finished_at; new attempts, next_attempt_at, started_at. Statuses: sent → done,
#   failed (not retried) → dead, pending and held by a batch → running.
# - partner messages: delivered_at → finished_at; new started_at; next_attempt_at may be empty. Statuses:
#   delivered → done, failed (refused by the partner, never retried) → dead, pending and held by a sender →
#   running, pending after a failed attempt (waiting for its retry) → failed.

from django.db import migrations, models

STATUSES = [
    ('pending', 'Pending'),
    ('running', 'Running'),
    ('done', 'Done'),
    ('failed', 'Failed (will retry)'),
    ('dead', 'Dead (gave up)'),
]

PARTNER_STATUSES = """
    UPDATE notifications_partnermessage SET status = CASE
        WHEN status = 'delivered' THEN 'done'
        WHEN status = 'failed' THEN 'dead'
        WHEN lease_token IS NOT NULL THEN 'running'
        WHEN attempts > 0 AND last_error <> '' THEN 'failed'
        ELSE status END
    WHERE status IN ('delivered', 'failed', 'pending')
"""
PARTNER_STATUSES_BACK = """
    UPDATE notifications_partnermessage SET status = CASE
        WHEN status = 'done' THEN 'delivered'
        WHEN status IN ('running', 'failed') THEN 'pending'
        ELSE status END
    WHERE status IN ('done', 'running', 'failed')
"""
PASSENGER_STATUSES = """
    UPDATE notifications_passengermessage SET
        status = CASE
            WHEN status = 'sent' THEN 'done'
            WHEN status = 'failed' THEN 'dead'
            WHEN lease_token IS NOT NULL THEN 'running'
            ELSE status END,
        attempts = CASE WHEN status = 'pending' AND lease_token IS NULL THEN 0 ELSE 1 END
"""
PASSENGER_STATUSES_BACK = """
    UPDATE notifications_passengermessage SET status = CASE
        WHEN status = 'done' THEN 'sent'
        WHEN status = 'dead' THEN 'failed'
        WHEN status IN ('running', 'failed') THEN 'pending'
        ELSE status END
    WHERE status IN ('done', 'dead', 'running', 'failed')
"""


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(model_name='partnermessage', name='partnermessage_status_valid'),
        migrations.RemoveConstraint(model_name='passengermessage', name='passengermessage_status_valid'),
        migrations.RemoveIndex(model_name='partnermessage', name='partnermessage_pending_idx'),
        migrations.RenameField(model_name='passengermessage', old_name='claim_token', new_name='lease_token'),
        migrations.RenameField(model_name='passengermessage', old_name='claimed_until', new_name='lease_expires_at'),
        migrations.RenameField(model_name='passengermessage', old_name='error', new_name='last_error'),
        migrations.RenameField(model_name='passengermessage', old_name='sent_at', new_name='finished_at'),
        migrations.RenameField(model_name='partnermessage', old_name='delivered_at', new_name='finished_at'),
        migrations.AddField(
            model_name='passengermessage',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='passengermessage',
            name='next_attempt_at',
            field=models.DateTimeField(blank=True, help_text='Not attempted before then (a failed one retries then); empty: at once.', null=True),
        ),
        migrations.AddField(
            model_name='passengermessage',
            name='started_at',
            field=models.DateTimeField(blank=True, help_text='The latest attempt started then.', null=True),
        ),
        migrations.AddField(
            model_name='partnermessage',
            name='started_at',
            field=models.DateTimeField(blank=True, help_text='The latest attempt started then.', null=True),
        ),
        migrations.RunSQL(PARTNER_STATUSES, PARTNER_STATUSES_BACK),
        migrations.RunSQL(PASSENGER_STATUSES, PASSENGER_STATUSES_BACK),
        # After the update: "delivered" did not fit the shorter column.
        migrations.AlterField(
            model_name='partnermessage',
            name='status',
            field=models.CharField(choices=STATUSES, default='pending', max_length=8),
        ),
        migrations.AlterField(
            model_name='passengermessage',
            name='status',
            field=models.CharField(choices=STATUSES, default='pending', max_length=8),
        ),
        migrations.AlterField(
            model_name='partnermessage',
            name='next_attempt_at',
            field=models.DateTimeField(blank=True, help_text='Not attempted before then (a failed one retries then); empty: at once.', null=True),
        ),
        migrations.AlterField(
            model_name='partnermessage',
            name='finished_at',
            field=models.DateTimeField(blank=True, help_text='Done or dead then.', null=True),
        ),
        migrations.AlterField(
            model_name='passengermessage',
            name='finished_at',
            field=models.DateTimeField(blank=True, help_text='Done or dead then.', null=True),
        ),
        migrations.AddConstraint(
            model_name='partnermessage',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', [value for value, _ in STATUSES])), name='partnermessage_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='passengermessage',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', [value for value, _ in STATUSES])), name='passengermessage_status_valid'),
        ),
        migrations.AddIndex(
            model_name='partnermessage',
            index=models.Index(condition=models.Q(('status__in', ['pending', 'running', 'failed'])), fields=['status', 'next_attempt_at'], name='partnermessage_open_idx'),
        ),
    ]
