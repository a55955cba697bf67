"""The tabs of a community's page. Each app that shows something of a community on its page
registers its tab here (the feed: Feed, Files, Health; events: Events), so the page header lists
every tab in one place without the communities app knowing those apps."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class CommunityTab:
    key: str  # the page's ``active_tab``
    label: str
    url_name: str  # reversed with the community's handle
    order: int
    # Shown to the community's owners and moderators only (and administrators).
    moderators_only: bool = False


@dataclass(frozen=True)
class ShownTab:
    key: str
    label: str
    url: str
    badge: int  # a count to show beside the label (requests waiting), 0 for none


_tabs: dict[str, CommunityTab] = {}


def register_community_tabs(*tabs: CommunityTab) -> None:
    """Add ``tabs`` to every community's page (once per key; from an ``AppConfig.ready``)."""
    for tab in tabs:
        _tabs.setdefault(tab.key, tab)


def shown_tabs(handle: str, *, can_moderate: bool, badges: dict[str, int]) -> list[ShownTab]:
    """The tabs a reader who may see the community's content gets, in order."""
    return [
        ShownTab(tab.key, tab.label, reverse(tab.url_name, args=[handle]), badges.get(tab.key, 0))
        for tab in sorted(_tabs.values(), key=lambda t: t.order)
        if can_moderate or not tab.moderators_only
    ]
