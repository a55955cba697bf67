"""Insights: measured reach of posts and announcements, adoption, campaigns with targets, and
the organisation's interaction network (communities, silos, brokers, advocates), with privacy
thresholds, opt-outs and an audit trail."""

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "watercooler.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        # A digest tells people how many saw their posts.
        from watercooler.insights.queries import seen_counts
        from watercooler.notifications.digests import register_reach

        register_reach(seen_counts)
