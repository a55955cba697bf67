"""Setting, removing and applying again a community's directory rule (owners and moderators);
what a rule matches, and how applying it writes, is ``communities.rules``."""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from watercooler.communities.actions.checks import (
    check_can_apply_rule,
    check_can_change_rule,
    lock,
)
from watercooler.communities.models import Community, DirectoryRule
from watercooler.communities.queries import NO_RULE
from watercooler.communities.rules import apply_rule
from watercooler.core.errors import FieldErrors
from watercooler.people.models import Department, Location, User

RULE_VALUES_MAX = 50


def _value_list(values: Any, *, field: str) -> list[Any]:
    """A rule's list of values (None for none), at most ``RULE_VALUES_MAX`` of them."""
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationError({field: ["Must be a list."]})
    items = list(values)
    if len(items) > RULE_VALUES_MAX:
        raise ValidationError({field: [f"At most {RULE_VALUES_MAX} values."]})
    return items


def _named(model: type[Department | Location], values: Any, *, field: str) -> list[Any]:
    """Departments or locations given as objects or names (all must exist)."""
    items = _value_list(values, field=field)
    if not items:
        return []
    objects = [v for v in items if isinstance(v, model)]
    names = [v for v in items if not isinstance(v, model)]
    if not all(isinstance(n, str) for n in names):
        raise ValidationError({field: ["Must be a list of names."]})
    found: dict[str, Any] = {o.name: o for o in model._default_manager.filter(name__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise ValidationError({field: [f"Unknown: {', '.join(sorted(set(missing))[:10])}."]})
    return list({o.pk: o for o in [*objects, *found.values()]}.values())


def _location_values(values: Any, *, field: str, column: str) -> list[str]:
    """Regions or countries, spelled as some location spells them (matched ignoring case)."""
    items = _value_list(values, field=field)
    if not items:
        return []
    if not all(isinstance(v, str) for v in items):
        raise ValidationError({field: ["Must be a list of names."]})
    known = {
        str(v).casefold(): str(v)
        for v in Location.objects.exclude(**{column: ""}).values_list(column, flat=True).distinct()
    }
    wanted = [" ".join(v.split()) for v in items if v.strip()]
    missing = [v for v in wanted if v.casefold() not in known]
    if missing:
        raise ValidationError(
            {field: [f"No location has {column} {', '.join(sorted(set(missing))[:10])}."]}
        )
    return sorted({known[v.casefold()] for v in wanted})


@transaction.atomic
def do_set_rule(
    *,
    actor: User,
    community: Community,
    departments: Any = (),
    locations: Any = (),
    regions: Any = (),
    countries: Any = (),
    allow_leave: Any = False,
) -> DirectoryRule:
    """Set the community's directory rule (owners and moderators) and apply it at once.
    ``departments`` and ``locations`` are names (or objects); ``regions`` and ``countries`` as
    locations spell them. At least one condition is needed (ValidationError otherwise)."""
    check_can_change_rule(actor, community)
    errors = FieldErrors()
    found: dict[str, Any] = {}
    checks: dict[str, Callable[[], object]] = {
        "departments": lambda: _named(Department, departments, field="departments"),
        "locations": lambda: _named(Location, locations, field="locations"),
        "regions": lambda: _location_values(regions, field="regions", column="region"),
        "countries": lambda: _location_values(countries, field="countries", column="country"),
    }
    for field, check in checks.items():
        with errors.collect():  # each check's errors are on its own field
            found[field] = check()
    if not isinstance(allow_leave, bool):
        errors.add("allow_leave", "Must be true or false.")
    if not errors and not any(found.values()):
        errors.add(
            "departments",
            "Set at least one condition: departments, locations, regions or countries.",
        )
    errors.raise_if_any()
    lock(community)
    rule, _ = DirectoryRule.objects.update_or_create(
        community=community,
        defaults={
            "regions": found["regions"],
            "countries": found["countries"],
            "allow_leave": allow_leave,
        },
    )
    rule.departments.set(found["departments"])
    rule.locations.set(found["locations"])
    apply_rule(community)
    rule.refresh_from_db(fields=["applied_at"])
    return rule


@transaction.atomic
def do_remove_rule(*, actor: User, community: Community, remove_members: bool = False) -> None:
    """Delete the directory rule (owners and moderators). The people it added stay members
    unless ``remove_members`` (then the plain members it added leave, as when they stop
    matching). No rule: Http404."""
    check_can_change_rule(actor, community)
    lock(community)
    rule = DirectoryRule.objects.filter(community_id=community.pk).first()
    if rule is None:
        raise Http404(NO_RULE)
    if remove_members:
        # An empty rule matches nobody: applying it removes exactly what the rule added.
        rule.departments.clear()
        rule.locations.clear()
        DirectoryRule.objects.filter(pk=rule.pk).update(regions=[], countries=[])
        apply_rule(community)
    rule.delete()


@transaction.atomic
def do_apply_rule(*, actor: User, community: Community) -> tuple[int, int]:
    """Apply the directory rule to everyone again now (owners and moderators), as saving it
    does; returns (added, removed). It also applies by itself whenever profiles change, so this
    is for a change the profiles do not show (or to see that nothing changes). No rule: Http404."""
    check_can_apply_rule(actor, community)
    lock(community)
    if not DirectoryRule.objects.filter(community_id=community.pk).exists():
        raise Http404(NO_RULE)
    return apply_rule(community)
