"""Sessions in the database, exactly as Django's database backend keeps them, read through a
compiled template (core/sqlcache.py).

Every signed-in request reads its session first; building that small query through the ORM cost
more than running it (docs/performance.md, "Middleware"). Writing, expiry and clearing are
Django's own.
"""

from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from watercooler.core.sqlcache import instances


def _live_session(key: str, now: Any) -> QuerySet[Session]:
    return Session.objects.filter(session_key=key, expire_date__gt=now)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        found = (
            instances("session", _live_session, {"key": key, "now": timezone.now()}) if key else []
        )
        if not found:
            self._session_key = None
            return None
        return found[0]
