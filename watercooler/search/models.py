"""What search keeps of its own: the names index and who was asked to answer a question.

Posts and replies need no row here: the engines index their live tables (``engines.py``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

# NameEntry.id packs the kind into its top bits, so an object's row is found without a lookup.
KIND_SHIFT = 40
NAME_KINDS = {"person": 1, "community": 2, "event": 3, "file": 4}


class NameEntry(models.Model):
    """The searchable text of a person, a community, an event or a file (by name), kept by
    ``indexing.py`` inside the transaction that changed it. Visibility is never read from here:
    results are checked against the live tables."""

    id = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=10)
    object_id = models.BigIntegerField()
    title = models.TextField()
    body = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "name entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"

    @staticmethod
    def key(kind: str, object_id: int) -> int:
        return (NAME_KINDS[kind] << KIND_SHIFT) | object_id


class ExpertAsk(models.Model):
    """An asker invited an expert to answer their question (once per question and expert)."""

    question = models.ForeignKey("feed.Post", on_delete=models.CASCADE, related_name="+")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_asks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "expert"], name="expert_ask_once")
        ]

    def __str__(self) -> str:
        return f"{self.asker_id} asked {self.expert_id} about {self.question_id}"
