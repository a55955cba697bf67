"""Writing an import plan: reference data, the new people (managers first), the changed fields
of existing people with bulk statements, skills, deactivations, and one signal for the file.
"""

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH

from watercooler.people.actions import (
    RULE_FIELDS,
    do_deactivate_people,
    get_or_create_department,
    get_or_create_location,
)
from watercooler.people.importer.plan import ImportPlan, Target, Work
from watercooler.people.models import Role, Skill, User
from watercooler.people.signals import send_profiles_changed_on_commit


def _chunks[T](items: list[T], size: int = 500) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _Ids:
    """Ids of reference data and of the people created so far, filled in while writing."""

    departments: dict[str, int]
    locations: dict[str, int]
    skills: dict[str, int]  # case-folded name -> id
    created: dict[int, int] = field(default_factory=dict)  # -row -> new person's id

    def person(self, node: int | None) -> int | None:
        return self.created[node] if node is not None and node < 0 else node


def execute(plan: ImportPlan, work: Work, *, actor: User) -> dict[str, int]:
    """Write ``plan``. Needs the open transaction in which it was planned."""
    ids = _write_reference_data(plan, work)
    created = _create_people(work, ids)
    updated = _update_people(work, ids)
    _write_skills(work, ids)
    # Deactivation goes through the action that signs people out and revokes their tokens.
    leaving = User.objects.in_bulk([d.person_id for d in plan.deactivations])
    deactivated = do_deactivate_people(actor=actor, people=leaving.values())
    # One signal for the whole file, so communities re-apply their directory rules once.
    send_profiles_changed_on_commit(
        [
            *ids.created.values(),
            *(pk for pk, names in work.changed.items() if RULE_FIELDS & set(names)),
        ]
    )
    return {"created": created, "updated": updated, "deactivated": deactivated}


def _write_reference_data(plan: ImportPlan, work: Work) -> _Ids:
    snap = work.snapshot
    ids = _Ids(
        departments=dict(snap.departments),
        locations={name: value[0] for name, value in snap.locations.items()},
        skills=dict(snap.skills),
    )
    for name in plan.new_departments:
        ids.departments[name] = get_or_create_department(name).pk
    for name, (country, tz) in sorted(work.location_specs.items()):
        ids.locations[name] = get_or_create_location(name, country=country, tz=tz).pk
    # Skills are matched case-insensitively, as actions.skills_for does, but created in bulk.
    wanted: dict[str, str] = {}
    for target in work.targets:
        for name in target.values.get("skills") or []:
            if name.casefold() not in ids.skills:
                wanted.setdefault(name.casefold(), name)
    for skill in Skill.objects.bulk_create([Skill(name=name) for name in wanted.values()]):
        ids.skills[skill.name.casefold()] = skill.pk
    return ids


def _set_fields(person: User, target: Target, names: Iterable[str], ids: _Ids) -> None:
    for name in names:
        value = target.values.get(name)
        if name == "department":
            person.department_id = ids.departments[value] if value else None
        elif name == "location":
            person.location_id = ids.locations[value] if value else None
        elif name == "manager":
            person.manager_id = ids.person(target.manager_node)
        elif name == "username":
            person.username = target.username
        elif name == "display_name":
            person.display_name = str(value)
            person.sort_name = User.sort_key(person.display_name)
        elif name != "skills":
            setattr(person, name, value)


def _create_people(work: Work, ids: _Ids) -> int:
    """Create the new people a layer of the reporting line at a time: managers exist first."""
    new = {t.node: t for t in work.targets if t.existing is None}
    layer_of: dict[int, int] = {}
    for target in new.values():
        chain: list[Target] = []
        current: Target | None = target
        while current is not None and current.node not in layer_of:
            chain.append(current)
            current = new.get(current.manager_node or 0)
        level = layer_of[current.node] if current is not None else -1
        for member in reversed(chain):
            level += 1
            layer_of[member.node] = level
    layers: dict[int, list[Target]] = defaultdict(list)
    for target in new.values():
        layers[layer_of[target.node]].append(target)
    for level in sorted(layers):
        people = []
        for target in layers[level]:
            person = User(role=Role.MEMBER)
            _set_fields(person, target, [*target.values, "username", "manager"], ids)
            # No password: they get an invitation or an access code later. Django's own
            # unusable-password form ("!" + random), made faster than one choice() per letter.
            person.password = (
                UNUSABLE_PASSWORD_PREFIX
                + secrets.token_urlsafe(UNUSABLE_PASSWORD_SUFFIX_LENGTH)[
                    :UNUSABLE_PASSWORD_SUFFIX_LENGTH
                ]
            )
            people.append(person)
        for target, person in zip(layers[level], User.objects.bulk_create(people), strict=True):
            ids.created[target.node] = person.pk
    return len(new)


# Updates that share a value (a reorganisation moves many people to one department or manager)
# are one UPDATE … WHERE id IN (…) each: far cheaper than bulk_update's CASE per row. At most
# this many such statements per import, so the number of queries stays bounded.
GROUP_UPDATE_MIN_ROWS = 20
GROUP_UPDATES_MAX = 30


def _attname(name: str) -> str:
    foreign_keys = {
        "department": "department_id",
        "location": "location_id",
        "manager": "manager_id",
    }
    return foreign_keys.get(name, name)


def _update_people(work: Work, ids: _Ids) -> int:
    """Write the changed fields of existing people, from the snapshot they were planned on."""
    fields = {name for names in work.changed.values() for name in names} - {"skills"}
    if "display_name" in fields:
        fields.add("sort_name")
    people: list[User] = []
    changed_fields: dict[int, set[str]] = {}
    for target in work.targets:
        if target.existing is None or target.node not in work.changed:
            continue
        current = target.existing
        person = User(
            id=current.id,
            username=current.username,
            email=current.email,
            employee_id=current.employee_id,
            display_name=current.display_name,
            sort_name=User.sort_key(current.display_name),
            title=current.title,
            department_id=current.department_id,
            location_id=current.location_id,
            manager_id=current.manager_id,
            phone=current.phone,
            start_date=current.start_date,
            languages=current.languages,
            pronouns=current.pronouns,
            role=current.role,
        )
        _set_fields(person, target, work.changed[target.node], ids)
        names = set(work.changed[target.node]) - {"skills"}
        changed_fields[current.id] = names | ({"sort_name"} if "display_name" in names else set())
        people.append(person)
    if not people or not fields:
        return len(people)
    groups: dict[tuple[str, Any], list[int]] = defaultdict(list)
    for person in people:
        for name in changed_fields[person.pk]:
            attname = _attname(name)
            value = getattr(person, attname)
            if isinstance(value, str | int | dt.date) or value is None:
                groups[(attname, value)].append(person.pk)
    large = sorted(
        (item for item in groups.items() if len(item[1]) >= GROUP_UPDATE_MIN_ROWS),
        key=lambda item: -len(item[1]),
    )[:GROUP_UPDATES_MAX]
    done: set[tuple[int, str]] = set()
    for (attname, value), pks in large:
        for chunk in _chunks(pks, 5000):
            User.objects.filter(pk__in=chunk).update(**{attname: value})
        done.update((pk, attname) for pk in pks)
    rest_fields: set[str] = set()
    rest: list[User] = []
    for person in people:
        left = {
            name for name in changed_fields[person.pk] if (person.pk, _attname(name)) not in done
        }
        if left:
            rest.append(person)
            rest_fields |= left
    if rest:
        # Every object carries its final value for every field, so writing a field that a
        # group update already wrote for some of them is harmless.
        User.objects.bulk_update(rest, sorted(rest_fields), batch_size=1000)
    return len(people)


def _write_skills(work: Work, ids: _Ids) -> None:
    """Replace the skills of everyone whose skills the file changes; give the new people theirs."""
    through = User.skills.through
    replaced = {t.node for t in work.targets if "skills" in work.changed.get(t.node, [])}
    for chunk in _chunks(sorted(replaced)):
        through.objects.filter(user_id__in=chunk).delete()
    links = []
    for target in work.targets:
        if target.node in replaced or (target.existing is None and target.values.get("skills")):
            user_id = ids.person(target.node)
            for skill_id in dict.fromkeys(
                ids.skills[n.casefold()] for n in target.values["skills"]
            ):
                links.append(through(user_id=user_id, skill_id=skill_id))
    through.objects.bulk_create(links)
