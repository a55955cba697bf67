"""The middleware baseline: ``bench.settings_bench`` with no middleware at all.

Django's minimal view (``/bench/minimal/``) served with these settings is what a request costs
with nothing of ours around it; ``bench.scenario_feed`` sets it beside the same view through our
middleware with a signed-in cookie.
"""

from bench.settings_bench import *  # noqa: F403


class _NoMiddleware(list[str]):
    """An empty middleware list that allauth's start-up check (``AccountMiddleware`` must be in
    ``MIDDLEWARE``) accepts: nothing here serves the pages that need it."""

    def __contains__(self, name: object) -> bool:
        return True


MIDDLEWARE = _NoMiddleware()
