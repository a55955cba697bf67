# The models that were the feed app's (feed.0008): recorded here, on the tables that already exist
# (``db_table`` keeps their names), so nothing is created in the database.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('communities', '0001_initial'),
        ('feed', '0008_move_announcements_to_their_app'),
        ('people', '0004_team_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Announcement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200)),
                        ('roles', models.JSONField(blank=True, default=list)),
                        ('must_read', models.BooleanField(default=False)),
                        ('publish_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('expires_at', models.DateTimeField(blank=True, null=True)),
                        ('published_at', models.DateTimeField(blank=True, null=True)),
                        ('remind_after', models.DurationField(blank=True, null=True)),
                        ('audience_size', models.PositiveIntegerField(default=0)),
                        ('seen_count', models.PositiveIntegerField(default=0)),
                        ('acknowledged_count', models.PositiveIntegerField(default=0)),
                        ('community', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='announcements', to='communities.community')),
                        ('departments', models.ManyToManyField(blank=True, related_name='+', to='people.department')),
                        ('locations', models.ManyToManyField(blank=True, related_name='+', to='people.location')),
                        ('post', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='announcement', to='feed.post')),
                    ],
                    options={
                        'db_table': 'feed_announcement',
                    },
                ),
                migrations.CreateModel(
                    name='AnnouncementReceipt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seen_at', models.DateTimeField(blank=True, null=True)),
                        ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                        ('dismissed_at', models.DateTimeField(blank=True, null=True)),
                        ('reminded_at', models.DateTimeField(blank=True, null=True)),
                        ('announcement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='receipts', to='announcements.announcement')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='announcement_receipts', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'feed_announcementreceipt',
                    },
                ),
                migrations.AddIndex(
                    model_name='announcement',
                    index=models.Index(fields=['published_at', 'publish_at'], name='announcement_due_idx'),
                ),
                migrations.AddIndex(
                    model_name='announcement',
                    index=models.Index(fields=['publish_at', 'id'], name='announcement_list_idx'),
                ),
                migrations.AddIndex(
                    model_name='announcementreceipt',
                    index=models.Index(fields=['user', 'dismissed_at'], name='receipt_user_idx'),
                ),
                migrations.AddIndex(
                    model_name='announcementreceipt',
                    index=models.Index(fields=['user', 'id'], name='receipt_user_recent_idx'),
                ),
                migrations.AddIndex(
                    model_name='announcementreceipt',
                    index=models.Index(fields=['announcement', 'acknowledged_at'], name='receipt_ack_idx'),
                ),
                migrations.AddConstraint(
                    model_name='announcementreceipt',
                    constraint=models.UniqueConstraint(fields=('announcement', 'user'), name='receipt_once'),
                ),
            ],
        ),
    ]
