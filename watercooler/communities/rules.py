"""Directory rules: membership chosen by people's profiles, applied in bulk.

A person matches a rule when they match every condition that is set (departments, locations,
regions = their location's region, countries = their location's country); within one condition
any listed value matches. Only active people who are not guests match, and a rule with no
condition matches nobody.

Applying a rule adds the matching people who are not members yet and have not left before
(``RuleOptOut``), approves matching people's pending requests, and removes the people the rule
added (``source=rule``, plain members) who no longer match. It never removes people who joined
or were added by hand, people given a role, or deactivated people (their rows stay, so a
reactivated person is back where they were). Everything is set-based: a rule matching 10,000
people is a handful of statements, not 10,000 saves.

The permission-checked entry points (``do_set_rule``, ``do_remove_rule``) are in ``actions``;
``apply_rule`` and ``apply_rules_for_people`` are re-exported there too.
"""

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from watercooler.communities import signals
from watercooler.communities.events import FollowsChanged
from watercooler.communities.models import (
    Community,
    DirectoryRule,
    MemberRole,
    Membership,
    MembershipChange,
    MembershipSource,
    MembershipStatus,
    RuleOptOut,
)
from watercooler.core.events import send_event, user_group
from watercooler.people.models import Role, User

# Ids per IN (...) list: well under every database's limit on bound parameters.
CHUNK = 900
BATCH = 1000


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def follows_changed(user_ids: Iterable[int]) -> None:
    """On commit, tell these people's open websockets to re-join their groups: their active
    communities changed (docs/events.md, ``follows.changed``)."""
    groups = [user_group(pk) for pk in dict.fromkeys(user_ids)]
    if groups:
        send_event(groups, FollowsChanged())


@dataclass(frozen=True)
class RuleSpec:
    """A rule's conditions as plain values, to match in SQL (``q``) or in memory (``matches``)."""

    community_id: int
    department_ids: frozenset[int]
    location_ids: frozenset[int]
    regions: frozenset[str]
    countries: frozenset[str]

    @classmethod
    def of(cls, rule: DirectoryRule) -> "RuleSpec":
        """Needs ``departments`` and ``locations`` prefetched (or costs two queries)."""
        return cls(
            community_id=rule.community_id,
            department_ids=frozenset(d.pk for d in rule.departments.all()),
            location_ids=frozenset(loc.pk for loc in rule.locations.all()),
            regions=frozenset(str(r) for r in rule.regions or []),
            countries=frozenset(str(c) for c in rule.countries or []),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.department_ids or self.location_ids or self.regions or self.countries)

    def q(self) -> Q:
        """Filter on User: the people this rule matches."""
        if self.is_empty:
            return Q(pk__in=[])
        q = Q(is_active=True) & (~Q(role=Role.GUEST) | Q(is_superuser=True))
        if self.department_ids:
            q &= Q(department_id__in=sorted(self.department_ids))
        if self.location_ids:
            q &= Q(location_id__in=sorted(self.location_ids))
        if self.regions:
            q &= Q(location__region__in=sorted(self.regions))
        if self.countries:
            q &= Q(location__country__in=sorted(self.countries))
        return q

    def matches(self, person: dict[str, Any]) -> bool:
        """``person`` is a row of ``PERSON_FIELDS``."""
        if self.is_empty or not person["is_active"]:
            return False
        if person["role"] == Role.GUEST and not person["is_superuser"]:
            return False
        return (
            (not self.department_ids or person["department_id"] in self.department_ids)
            and (not self.location_ids or person["location_id"] in self.location_ids)
            and (not self.regions or person["location__region"] in self.regions)
            and (not self.countries or person["location__country"] in self.countries)
        )


PERSON_FIELDS = (
    "pk",
    "is_active",
    "is_superuser",
    "role",
    "department_id",
    "location_id",
    "location__region",
    "location__country",
)


@dataclass(frozen=True)
class RuleChanges:
    add: list[int]  # people to add as members
    activate: list[int]  # people whose pending request the rule approves
    remove: list[int]  # members the rule added who no longer match

    def __bool__(self) -> bool:
        return bool(self.add or self.activate or self.remove)


def _write(community: Community, changes: RuleChanges, *, now: dt.datetime) -> tuple[int, int]:
    """Write ``changes`` for a community whose row the caller has locked; returns (added,
    removed). Keeps member_count and the MembershipChange log right in the same transaction."""
    community_id = community.pk
    Membership.objects.bulk_create(
        [
            Membership(
                community_id=community_id,
                user_id=pk,
                role=MemberRole.MEMBER,
                status=MembershipStatus.ACTIVE,
                source=MembershipSource.RULE,
                following=True,
                joined_at=now,
            )
            for pk in changes.add
        ],
        batch_size=BATCH,
    )
    for chunk in _chunks(changes.activate):
        Membership.objects.filter(
            community_id=community_id, user_id__in=chunk, status=MembershipStatus.PENDING
        ).update(status=MembershipStatus.ACTIVE, joined_at=now)
        # Their own request: the rule leaving them out earlier no longer applies.
        RuleOptOut.objects.filter(community_id=community_id, user_id__in=chunk).delete()
    for chunk in _chunks(changes.remove):
        Membership.objects.filter(community_id=community_id, user_id__in=chunk).delete()
    added = len(changes.add) + len(changes.activate)
    removed = len(changes.remove)
    if added != removed:
        Community.objects.filter(pk=community_id).update(
            member_count=F("member_count") + (added - removed)
        )
    MembershipChange.objects.bulk_create(
        [
            MembershipChange(community_id=community_id, user_id=pk, delta=1, at=now)
            for pk in [*changes.add, *changes.activate]
        ]
        + [
            MembershipChange(community_id=community_id, user_id=pk, delta=-1, at=now)
            for pk in changes.remove
        ],
        batch_size=BATCH,
    )
    follows_changed([*changes.add, *changes.activate, *changes.remove])
    if changes:
        signals.send_on_commit(
            signals.rule_applied,
            community=community,
            added=[*changes.add, *changes.activate],
            removed=list(changes.remove),
        )
    return added, removed


def apply_rule(community: Community) -> tuple[int, int]:
    """Apply ``community``'s directory rule to everyone; returns (added, removed). No rule: (0, 0).

    Locks the community row (as every membership change does), so member_count stays exact."""
    with transaction.atomic():
        locked = Community.objects.select_for_update().get(pk=community.pk)
        rule = (
            DirectoryRule.objects.filter(community_id=community.pk)
            .prefetch_related("departments", "locations")
            .first()
        )
        if rule is None:
            return 0, 0
        spec = RuleSpec.of(rule)
        now = timezone.now()
        matching = User.objects.filter(spec.q()).values("pk")
        rows = Membership.objects.filter(community_id=community.pk)
        add = list(
            User.objects.filter(spec.q())
            .exclude(pk__in=rows.values("user_id"))
            .exclude(pk__in=RuleOptOut.objects.filter(community_id=community.pk).values("user_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        activate = list(
            rows.filter(status=MembershipStatus.PENDING, user_id__in=matching).values_list(
                "user_id", flat=True
            )
        )
        remove = list(
            rows.filter(
                source=MembershipSource.RULE,
                status=MembershipStatus.ACTIVE,
                role=MemberRole.MEMBER,
                user__is_active=True,
            )
            .exclude(user_id__in=matching)
            .values_list("user_id", flat=True)
        )
        result = _write(locked, RuleChanges(add, activate, remove), now=now)
        DirectoryRule.objects.filter(pk=rule.pk).update(applied_at=now)
    community.refresh_from_db(fields=["member_count"])
    return result


def apply_rules_for_people(user_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Re-apply every directory rule, for these people only (their profiles changed, they were
    created or reactivated, an HR import touched them). Returns {community id: (added, removed)}
    for the communities that changed.

    A fixed number of queries for the reads (rules, people, their memberships and opt-outs, in
    chunks), then a few bulk statements per community that changes; with no rule at all, one.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rules = list(DirectoryRule.objects.prefetch_related("departments", "locations"))
    if not rules:
        return {}
    specs = [RuleSpec.of(rule) for rule in rules]
    community_ids = sorted(spec.community_id for spec in specs)
    results: dict[int, tuple[int, int]] = {}
    with transaction.atomic():
        # In id order, like every other writer that locks more than one community.
        communities = {
            c.pk: c
            for c in Community.objects.select_for_update()
            .filter(pk__in=community_ids)
            .order_by("pk")
        }
        people: dict[int, dict[str, Any]] = {}
        memberships: dict[tuple[int, int], dict[str, Any]] = {}
        opted_out: set[tuple[int, int]] = set()
        for chunk in _chunks(ids):
            people.update(
                (row["pk"], row) for row in User.objects.filter(pk__in=chunk).values(*PERSON_FIELDS)
            )
            for row in Membership.objects.filter(
                user_id__in=chunk, community_id__in=community_ids
            ).values("community_id", "user_id", "status", "source", "role"):
                memberships[(row["community_id"], row["user_id"])] = dict(row)
            opted_out.update(
                RuleOptOut.objects.filter(
                    user_id__in=chunk, community_id__in=community_ids
                ).values_list("community_id", "user_id")
            )
        now = timezone.now()
        for spec in specs:
            changes = _changes_for(spec, people, memberships, opted_out)
            if changes:
                results[spec.community_id] = _write(
                    communities[spec.community_id], changes, now=now
                )
    return results


def _changes_for(
    spec: RuleSpec,
    people: dict[int, dict[str, Any]],
    memberships: dict[tuple[int, int], dict[str, Any]],
    opted_out: set[tuple[int, int]],
) -> RuleChanges:
    add: list[int] = []
    activate: list[int] = []
    remove: list[int] = []
    cid = spec.community_id
    for pk, person in people.items():
        row = memberships.get((cid, pk))
        if spec.matches(person):
            if row is None and (cid, pk) not in opted_out:
                add.append(pk)
            elif row is not None and row["status"] == MembershipStatus.PENDING:
                activate.append(pk)
        elif (
            row is not None
            and person["is_active"]
            and row["source"] == MembershipSource.RULE
            and row["status"] == MembershipStatus.ACTIVE
            and row["role"] == MemberRole.MEMBER
        ):
            remove.append(pk)
    return RuleChanges(add, activate, remove)
