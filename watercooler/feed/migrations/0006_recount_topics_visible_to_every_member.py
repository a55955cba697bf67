"""Topic counts count only posts every member may see: followers-only posts and announcements'
posts no longer count (closed and secret communities' posts never did). Recount them once."""

from collections import Counter

from django.db import migrations
from django.db.models import Q


def recount(apps, schema_editor):
    Topic = apps.get_model("feed", "Topic")
    Post = apps.get_model("feed", "Post")
    Announcement = apps.get_model("feed", "Announcement")
    through = Post._meta.get_field("topics").remote_field.through
    counted = (
        through.objects.filter(post__deleted_at__isnull=True, post__audience="everyone")
        .filter(Q(post__community__isnull=True) | Q(post__community__privacy="open"))
        .exclude(post_id__in=Announcement.objects.values("post_id"))
    )
    per_topic = Counter(counted.values_list("topic_id", flat=True))
    topics = list(Topic.objects.only("id", "post_count"))
    changed = [t for t in topics if t.post_count != per_topic.get(t.pk, 0)]
    for topic in changed:
        topic.post_count = per_topic.get(topic.pk, 0)
    Topic.objects.bulk_update(changed, ["post_count"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("feed", "0005_announcement_list_indexes"),
    ]

    operations = [
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
