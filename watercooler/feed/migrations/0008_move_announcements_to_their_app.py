# Announcements moved to their own app (announcements.0001_initial takes the models over). Only Django's
# record of the models changes: the tables, their indexes and their rows stay as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('feed', '0007_reply_author_recent_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(
                    model_name='announcement',
                    name='announcement_due_idx',
                ),
                migrations.RemoveIndex(
                    model_name='announcement',
                    name='announcement_list_idx',
                ),
                migrations.RemoveIndex(
                    model_name='announcementreceipt',
                    name='receipt_user_idx',
                ),
                migrations.RemoveIndex(
                    model_name='announcementreceipt',
                    name='receipt_ack_idx',
                ),
                migrations.RemoveIndex(
                    model_name='announcementreceipt',
                    name='receipt_user_recent_idx',
                ),
                migrations.RemoveConstraint(
                    model_name='announcementreceipt',
                    name='receipt_once',
                ),
                migrations.RemoveField(
                    model_name='announcementreceipt',
                    name='announcement',
                ),
                migrations.RemoveField(
                    model_name='announcementreceipt',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='Announcement',
                ),
                migrations.DeleteModel(
                    name='AnnouncementReceipt',
                ),
            ],
        ),
    ]
