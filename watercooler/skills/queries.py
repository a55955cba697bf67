"""Reads of the skills exchange: the marketplace's two lists with their filters, one offer or
request, who could help with a request, which requests an offer fits, a mentor's mentees, and
the thanks on a profile (also evidence in search's people finder).

Offers and requests are seen by every member (the exchange is organisation-wide) and by no
guest; those of deactivated people disappear with them.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from watercooler.core.links import path_to
from watercooler.core.paging import Page, paginate
from watercooler.core.text import contains_nul
from watercooler.people.models import User
from watercooler.search.experts import Evidence, find_experts, register_evidence
from watercooler.search.language import SearchQuery, covers, stem, word_root, words_of
from watercooler.skills import policy
from watercooler.skills.models import (
    Application,
    ApplicationStatus,
    HelpRequest,
    Mode,
    Offer,
    RequestStatus,
    Thanks,
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SUGGESTIONS = 6
# Words too common to say two skills are alike.
_COMMON = frozenset(
    ("and", "for", "the", "with", "how", "our", "your", "from", "into", "about", "help", "use")
)


def check_can_use(viewer: User) -> None:
    if not policy.can_use_exchange(viewer):
        raise PermissionDenied(policy.GUESTS_MESSAGE)


def skill_stems(text: str) -> set[str]:
    return {stem(w) for w in words_of(text) if len(w) > 2 and w not in _COMMON}


def fits(a: str, b: str) -> bool:
    """Whether two skills are about the same thing: they share a word (by stem)."""
    return bool(skill_stems(a) & skill_stems(b))


@dataclass(frozen=True)
class ExchangeFilter:
    q: str = ""
    location: str = ""
    department: str = ""
    remote: bool = False
    status: str = RequestStatus.OPEN


def _filtered[T: (Offer, HelpRequest)](items: QuerySet[T], filters: ExchangeFilter) -> QuerySet[T]:
    items = items.filter(person__is_active=True)
    for word in filters.q.split()[:5]:
        items = items.filter(Q(skill__icontains=word) | Q(description__icontains=word))
    if filters.location:
        items = items.filter(location__name__iexact=filters.location)
    if filters.department:
        items = items.filter(person__department__name__iexact=filters.department)
    if filters.remote:
        items = items.filter(mode__in=[Mode.REMOTE, Mode.EITHER])
    return items


def with_places_taken(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    """``places_taken`` on each offer: its accepted applications, counted in the same query."""
    accepted = Q(applications__status=ApplicationStatus.ACCEPTED)
    return offers.annotate(places_taken=Count("applications", filter=accepted))


def offers_page(
    viewer: User, filters: ExchangeFilter, *, cursor: str | None, limit: int = PAGE_SIZE
) -> Page[Offer]:
    """Open offers, newest first. Raises InvalidCursorError for a foreign cursor."""
    check_can_use(viewer)
    if contains_nul([filters.q, filters.location, filters.department]):
        return Page(items=[], next_cursor=None)
    offers = _filtered(
        with_places_taken(Offer.objects.filter(closed_at__isnull=True)).select_related(
            "person", "location", "person__department"
        ),
        filters,
    )
    return paginate(
        offers, keys=("-created_at", "-id"), cursor=cursor, limit=max(1, min(limit, MAX_PAGE_SIZE))
    )


def requests_page(
    viewer: User, filters: ExchangeFilter, *, cursor: str | None, limit: int = PAGE_SIZE
) -> Page[HelpRequest]:
    """Requests in one status (open by default), newest first."""
    check_can_use(viewer)
    if contains_nul([filters.q, filters.location, filters.department]):
        return Page(items=[], next_cursor=None)
    requests = _filtered(
        HelpRequest.objects.filter(status=filters.status).select_related(
            "person", "location", "helper", "person__department"
        ),
        filters,
    )
    return paginate(
        requests,
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=max(1, min(limit, MAX_PAGE_SIZE)),
    )


def access_offer(viewer: User, offer_id: int) -> Offer:
    check_can_use(viewer)
    offer = (
        with_places_taken(Offer.objects.select_related("person", "location"))
        .filter(pk=offer_id, person__is_active=True)
        .first()
    )
    if offer is None:
        raise Http404("No such offer.")
    return offer


def access_request(viewer: User, request_id: int) -> HelpRequest:
    check_can_use(viewer)
    found = (
        HelpRequest.objects.select_related("person", "location", "helper")
        .filter(pk=request_id, person__is_active=True)
        .first()
    )
    if found is None:
        raise Http404("No such request.")
    return found


def access_application(viewer: User, application_id: int) -> Application:
    """An application, for its mentor or its applicant only (404 for anyone else)."""
    check_can_use(viewer)
    found = (
        Application.objects.select_related("offer", "applicant")
        .filter(pk=application_id)
        .filter(Q(offer__person_id=viewer.pk) | Q(applicant_id=viewer.pk))
        .first()
    )
    if found is None:
        raise Http404("No such application.")
    return found


@dataclass(frozen=True)
class Helper:
    person: User
    reason: str
    offer: Offer | None = None


def helpers_for(viewer: User, request: HelpRequest) -> list[Helper]:
    """Who could help: people offering a skill that fits, then the people finder's experts on
    the request's skill; never the person asking."""
    check_can_use(viewer)
    helpers: dict[int, Helper] = {}
    open_offers = Offer.objects.filter(closed_at__isnull=True, person__is_active=True).exclude(
        person_id=request.person_id
    )
    for offer in open_offers.select_related("person").order_by("-created_at")[:500]:
        if offer.person_id not in helpers and fits(offer.skill, request.skill):
            helpers[offer.person_id] = Helper(offer.person, f"Offers help: {offer.skill}", offer)
    for expert in find_experts(viewer, request.skill, leave_out=[request.person_id]):
        if expert.person.pk not in helpers:
            reason = " · ".join(e.text for e in expert.evidence[:2])
            helpers[expert.person.pk] = Helper(expert.person, reason)
    return list(helpers.values())[:SUGGESTIONS]


def requests_for(viewer: User, offer: Offer) -> list[HelpRequest]:
    """Open requests the offer fits, newest first (never the offerer's own)."""
    check_can_use(viewer)
    candidates = (
        HelpRequest.objects.filter(status=RequestStatus.OPEN, person__is_active=True)
        .exclude(person_id=offer.person_id)
        .select_related("person")
        .order_by("-created_at", "-id")[:500]
    )
    return [r for r in candidates if fits(offer.skill, r.skill)][:SUGGESTIONS]


def offer_applications(viewer: User, offer: Offer) -> list[Application]:
    """The applications to ``offer``: all of them for its mentor, one's own for anyone else."""
    applications = offer.applications.select_related("applicant").order_by("created_at", "id")
    if offer.person_id != viewer.pk:
        applications = applications.filter(applicant_id=viewer.pk)
    return list(applications)


@dataclass(frozen=True)
class Mine:
    offers: list[Offer]
    requests: list[HelpRequest]
    helping: list[HelpRequest]
    mentees: list[Application]
    applications: list[Application]


def my_exchange(viewer: User) -> Mine:
    """What ``viewer`` has going on: their offers and requests, requests they help with, their
    mentees, and their own applications."""
    check_can_use(viewer)
    return Mine(
        offers=list(Offer.objects.filter(person=viewer).order_by("-created_at")[:50]),
        requests=list(
            HelpRequest.objects.filter(person=viewer)
            .select_related("helper")
            .order_by("-created_at")[:50]
        ),
        helping=list(
            HelpRequest.objects.filter(helper=viewer)
            .select_related("person")
            .order_by("-created_at")[:50]
        ),
        mentees=list(
            Application.objects.filter(
                offer__person=viewer, status=ApplicationStatus.ACCEPTED
            ).select_related("applicant", "offer")[:100]
        ),
        applications=list(
            Application.objects.filter(applicant=viewer).select_related("offer__person")[:50]
        ),
    )


def thanks_received(viewer: User, person: User, *, limit: int = 5) -> tuple[list[Thanks], int]:
    """The newest thanks ``person`` received and how many in all (members see them; a guest
    sees none). One query when there are fewer than ``limit``."""
    if not policy.can_use_exchange(viewer):
        return [], 0
    thanks = Thanks.objects.filter(recipient=person, sender__is_active=True)
    newest = list(thanks.select_related("sender", "request").order_by("-created_at", "-id")[:limit])
    return newest, len(newest) if len(newest) < limit else thanks.count()


# --- Evidence for the people finder ------------------------------------------------------------


def thanks_evidence(viewer: User, query: SearchQuery, subject: str) -> dict[int, list[Evidence]]:
    """People thanked for help on the subject (by the request's or offer's skill, or the
    words of the thanks)."""
    if not policy.can_use_exchange(viewer):
        return {}
    root = word_root(query.all_words()[0])
    rows = Thanks.objects.filter(
        Q(request__skill__icontains=root)
        | Q(offer__skill__icontains=root)
        | Q(message__icontains=root),
        sender__is_active=True,
    ).values_list(
        "recipient_id", "recipient__username", "request__skill", "offer__skill", "message"
    )
    counts: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    for recipient_id, username, request_skill, offer_skill, message in rows[:2000]:
        text = " ".join(t for t in (request_skill, offer_skill, message) if t)
        if covers(query, text):
            counts[recipient_id] += 1
            names[recipient_id] = username
    return {
        person_id: [
            Evidence(
                "thanks",
                f"Thanked {count} time{'' if count == 1 else 's'} for help with {subject}",
                path_to("people:profile", names[person_id]) + "#thanks",
                3.0 * min(count, 3),
            )
        ]
        for person_id, count in counts.items()
    }


def register() -> None:
    register_evidence(thanks_evidence)
