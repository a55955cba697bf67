"""The people part of the demo: a believable company with a real reporting line.

Fernwick Outdoor Co. sells outdoor gear online, wholesale and in its own stores: a CEO, a head
for each department, managers and team leads over teams of four to ten, most of them in one
place with some remote reports, and front-line store and warehouse staff, some without company
e-mail. Everything is drawn from the demo's seed, so a seed always gives the same people.

Locations and departments (about twenty) come through ``people.actions``' own helpers. People
are written with ``bulk_create`` (one level of the hierarchy at a time, so managers have ids
before their reports), never one by one: they are the demo's base volume (300 by default, up to
100,000), and ``do_create_person`` needs an administrator to act, checks each row against the
table and hashes a password per person (about half a second of CPU each), where the demo
hashes its one password once. The rules ``people.actions`` enforces hold by construction:
unique usernames, e-mails and employee ids, a reporting line without loops, valid time zones,
``sort_name`` derived from ``display_name``.

Long on purpose: one reporting line, built top down in one place.
"""

import datetime as dt
import random
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import check_password, make_password
from django.core.files.storage import Storage
from django.db import models

from watercooler.core.text import ascii_fold
from watercooler.demo.context import DemoContext, DemoError
from watercooler.demo.people_data import (
    BIO_HEAD,
    BIO_HISTORY,
    BIO_LEAD,
    BIO_NEW,
    BIO_PERSONAL,
    BIO_ROLE,
    BIO_TEAM,
    CEO_TITLE,
    COMPANY_NAME,
    COMPANY_SHORT,
    CROSS_CUTTING_SKILLS,
    CULTURES,
    DEMO_PASSWORD,
    DEPARTMENTS,
    EMAIL_DOMAIN,
    EMPLOYEE_ID_PREFIX,
    EXECUTIVE_OFFICE,
    EXECUTIVE_OFFICE_FOCUS,
    EXECUTIVE_OFFICE_TITLES,
    EXTRA_LANGUAGES,
    FIXED_ACCOUNTS,
    FOUNDED_YEARS_AGO,
    HOBBIES,
    LEARNING,
    LOCATIONS,
    MANAGER_SKILLS,
    ORIGINS,
    PREVIOUS_JOBS,
    PRONOUNS,
    Culture,
    DepartmentSpec,
    FixedAccount,
    LocationSpec,
)
from watercooler.people.actions import get_or_create_department, get_or_create_location
from watercooler.people.avatars import AvatarStyle, avatar_images, random_style
from watercooler.people.images import THUMB_EXTENSION, photo_stem
from watercooler.people.models import Role, Skill, User

MIN_PEOPLE = 30
MAX_PEOPLE = 100_000
MAX_TEAM = 10
PHOTO_SHARE = 0.7
# Photos are files, one pair per person: past this many the rest show initials, which keeps a
# 10,000-person benchmark organisation quick to load and small on disk.
MAX_PHOTOS = 600
# Distinct drawings; past this, people get a copy of one already drawn (in their own files,
# so replacing one person's photo never deletes another's).
MAX_DISTINCT_AVATARS = 240
BATCH = 500

HQ = "London"
LOCATION_BY_NAME: dict[str, LocationSpec] = {spec.name: spec for spec in LOCATIONS}
DEPARTMENT_BY_NAME: dict[str, DepartmentSpec] = {spec.name: spec for spec in DEPARTMENTS}
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


@dataclass(eq=False)
class _Node:
    """One position in the organisation, before it becomes a person."""

    department: str
    location: str
    kind: str = "ic"  # "ceo", "exec", "head", "manager" or "ic"
    title: str = ""
    # The team a team lead runs, and their reports belong to.
    team: str = ""
    fixed: FixedAccount | None = None
    parent: "_Node | None" = None
    children: list["_Node"] = field(default_factory=list)
    depth: int = 0
    # 0 for individual contributors, 1 for team leads, 2 for their managers, …
    height: int = 0
    user: User | None = None

    def add(self, child: "_Node") -> "_Node":
        child.parent = self
        child.depth = self.depth + 1
        self.children.append(child)
        return child


# --- The shape of the organisation -------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    names = list(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def _apportion(total: int, weights: list[float], minimum: int) -> list[int]:
    """Split ``total`` by ``weights`` (largest remainder), each part at least ``minimum``."""
    spare = total - minimum * len(weights)
    shares = [spare * w / sum(weights) for w in weights]
    parts = [int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in by_remainder[: spare - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


class _Sites:
    """Where a department's people work.

    A head's direct reports are dealt out over the department's sites in proportion to their
    weights (so a small organisation still has people in most places); below them, teams
    mostly sit with their manager (store teams always do), with the odd remote colleague.
    """

    def __init__(self, spec: DepartmentSpec, rng: random.Random) -> None:
        self.spec = spec
        self.rng = rng
        self.order = rng.sample(list(spec.locations), len(spec.locations))
        self.dealt: Counter[str] = Counter()

    def below(self, parent: _Node) -> str:
        if parent.kind == "head":
            # D'Hondt: the site with the highest weight per person dealt so far.
            site = max(self.order, key=lambda s: self.spec.locations[s] / (self.dealt[s] + 1))
            self.dealt[site] += 1
            return site
        if self.rng.random() < self.spec.same_site:
            return parent.location
        return _weighted(self.rng, self.spec.locations)


def _grow(parent: _Node, count: int, sites: _Sites, rng: random.Random) -> None:
    """Place ``count`` people below ``parent``: a team, or team leads with teams of their own."""
    name = sites.spec.name
    if count <= MAX_TEAM:
        for _ in range(count):
            parent.add(_Node(name, sites.below(parent)))
        return
    leads = max(1, min(7, round(count / MAX_TEAM)))
    # A manager with few leads below them also has a few people of their own: teams of 4+.
    direct = max(0, 4 - leads)
    weights = [rng.uniform(0.75, 1.25) for _ in range(leads)]
    for size in _apportion(count - direct, weights, minimum=5):
        lead = parent.add(_Node(name, sites.below(parent), kind="manager"))
        _grow(lead, size - 1, sites, rng)
    for _ in range(direct):
        parent.add(_Node(name, sites.below(parent)))


def _build_tree(total: int, rng: random.Random) -> _Node:
    """The organisation of ``total`` people under its CEO."""
    ceo = _Node(EXECUTIVE_OFFICE, HQ, kind="ceo", title=CEO_TITLE)
    executive = max(1, min(1 + len(EXECUTIVE_OFFICE_TITLES), round(total * 0.012)))
    rest = total - executive
    minimum = 2 if rest >= 2 * len(DEPARTMENTS) else 1
    counts = _apportion(rest, [spec.weight for spec in DEPARTMENTS], minimum)
    for title in EXECUTIVE_OFFICE_TITLES[: executive - 1]:
        ceo.add(_Node(EXECUTIVE_OFFICE, HQ, kind="exec", title=title))
    for spec, count in zip(DEPARTMENTS, counts, strict=True):
        head = ceo.add(_Node(spec.name, spec.home, kind="head", title=spec.head_title))
        _grow(head, count - 1, _Sites(spec, rng), rng)
    return ceo


def _walk(root: _Node) -> Iterator[_Node]:
    """Breadth first: every manager comes before their reports."""
    queue = deque([root])
    while queue:
        node = queue.popleft()
        yield node
        queue.extend(node.children)


def _set_heights(node: _Node) -> int:
    below = [_set_heights(child) for child in node.children]
    node.height = 1 + max(below) if below else 0
    return node.height


def _title_managers(nodes: list[_Node], rng: random.Random) -> None:
    """Managers' titles by level; team leads name their team, store managers their store."""
    unused: dict[str, list[str]] = {}
    for node in nodes:
        if node.kind != "manager":
            continue
        spec = DEPARTMENT_BY_NAME[node.department]
        title = spec.manager_titles[min(node.height, len(spec.manager_titles)) - 1]
        if spec.site == "store" and node.height == 2:
            title = f"{title}, {rng.choice(LOCATION_BY_NAME[node.location].stores)}"
        elif node.height == 1 and spec.teams:
            if not unused.get(spec.name):
                unused[spec.name] = rng.sample(spec.teams, len(spec.teams))
            node.team = unused[spec.name].pop()
            title = f"{title}, {node.team}"
            for child in node.children:
                child.team = node.team
        node.title = title


def _place_fixed_accounts(nodes: list[_Node], root: _Node) -> list[_Node]:
    """Give the well-known accounts believable positions; returns every node incl. the guest."""
    accounts = {account.key: account for account in FIXED_ACCOUNTS}
    taken: set[int] = set()

    def place(key: str, department: str) -> _Node:
        candidates = [n for n in nodes if id(n) not in taken and n.kind != "ceo"]
        wanted: Callable[[_Node], bool]
        for wanted in (
            lambda n: n.department == department and n.kind == "ic" and n.location == HQ,
            lambda n: n.department == department and n.kind == "ic",
            lambda n: n.department == department,
            lambda n: n.kind == "ic",
        ):
            found = [n for n in candidates if wanted(n)]
            if found:
                node = found[0]
                taken.add(id(node))
                node.fixed = accounts[key]
                if node.kind == "ic" and node.fixed.title:
                    node.title = node.fixed.title
                return node
        raise DemoError("The organisation is too small for the demo accounts.")

    place("admin", "IT")
    comms = place("comms", "Marketing")
    place("member", "Engineering")
    # The guest, a freelancer, works with the comms person.
    guest = accounts["guest"]
    comms.add(_Node("Marketing", comms.location, title=guest.title, fixed=guest))
    return list(_walk(root))


# --- People -------------------------------------------------------------------------------------


class _Namer:
    """Names drawn per location, with handles (usernames, e-mail) unique across the company."""

    def __init__(self, rng: random.Random, reserved: set[str]) -> None:
        self.rng = rng
        self.taken = set(reserved)

    def culture(self, location: str) -> Culture:
        rng = self.rng
        # Some people moved here from elsewhere.
        home = rng.choice(LOCATIONS) if rng.random() < 0.12 else LOCATION_BY_NAME[location]
        return CULTURES[_weighted(rng, home.cultures)]

    def person(self, culture: Culture) -> tuple[str, str, str]:
        """(first name, family name, gender) for someone from ``culture``."""
        rng = self.rng
        roll = rng.random()
        if culture.neutral and roll < 0.05:
            gender, first = "neutral", rng.choice(culture.neutral)
        elif roll < 0.525:
            gender, first = "female", rng.choice(culture.female)
        else:
            gender, first = "male", rng.choice(culture.male)
        family = rng.choice(culture.family)
        if culture.gendered_family and gender == "female" and family.endswith(("ski", "cki")):
            family = family[:-1] + "a"
        return first, family, gender

    def slug(self, text: str) -> str:
        return "".join(c for c in ascii_fold(text).lower() if c.isalnum())

    def handle(self, first: str, family: str) -> str:
        base = f"{self.slug(first)}.{self.slug(family)}"
        handle, number = base, 1
        while handle in self.taken:
            number += 1
            handle = f"{base}{number}"
        self.taken.add(handle)
        return handle


def _phone(rng: random.Random, pattern: str) -> str:
    return "".join(str(rng.randrange(10)) if c == "#" else c for c in pattern)


def _start_date(node: _Node, rng: random.Random, today: dt.date, founded: dt.date) -> dt.date:
    span = (today - founded).days
    if node.kind == "ceo":
        return founded
    if node.kind == "head":
        return founded + dt.timedelta(days=rng.randrange(30, span * 6 // 10))
    # Managers have mostly been here a while; the company grew, so most others joined lately.
    share = rng.random() ** (0.7 if node.kind in ("manager", "exec") else 1.6)
    return today - dt.timedelta(days=max(7, round(share * (span - 30))))


def _ic_title(spec: DepartmentSpec, team: str, years: float, rng: random.Random) -> str:
    if team in spec.team_titles:
        return rng.choice(spec.team_titles[team])
    senior = min(0.7, 0.05 + years * 0.09)
    junior = max(0.05, 0.5 - years * 0.12)
    roll = rng.random()
    pool = spec.senior if roll < senior else spec.junior if roll < senior + junior else spec.mid
    return rng.choice(pool)


def _languages(
    rng: random.Random, culture: Culture, location: LocationSpec, frontline: bool
) -> list[str]:
    """The local language(s) and English as most people here speak them, then their own."""
    heritage = []
    if culture.languages and rng.random() < 0.85:
        names = [name for name, _ in culture.languages]
        heritage.append(rng.choices(names, weights=[w for _, w in culture.languages])[0])
    local = []
    english_first = location.languages[0] == "English"
    for language in location.languages:
        if language in heritage:
            continue
        if english_first:
            chance = 1.0
        elif language == "English":
            chance = 0.55 if frontline else 0.95
        else:
            chance = 0.6  # the local language, for someone from elsewhere
        if rng.random() < chance:
            local.append(language)
    spoken = [*local, *heritage] if english_first else [*heritage, *local]
    extra = rng.choice(EXTRA_LANGUAGES)
    if rng.random() < 0.2 and extra not in spoken:
        spoken.append(extra)
    if location.sign_language and rng.random() < 0.015:
        spoken.append(location.sign_language)
    return spoken or ["English"]


def _skills(
    rng: random.Random, spec: DepartmentSpec | None, node: _Node, frontline: bool
) -> list[str]:
    pool = spec.skills if spec else CROSS_CUTTING_SKILLS
    count = rng.randint(1, 4) if frontline else rng.randint(3, 7)
    chosen = rng.sample(pool, min(count, len(pool)))
    if rng.random() < 0.5:
        chosen.append(rng.choice(CROSS_CUTTING_SKILLS))
    if node.children:
        chosen.extend(rng.sample(MANAGER_SKILLS, rng.randint(1, 2)))
    if node.fixed:
        chosen = [*node.fixed.skills, *chosen]
    return list(dict.fromkeys(chosen))


def _sites_of(node: _Node) -> str:
    """Where a department head's people work, biggest site first: "London, Berlin and Austin"."""
    counts = Counter(n.location for n in _walk(node))
    names = [name for name, _ in counts.most_common(4)]
    if len(counts) > 4:
        return ", ".join(names) + " and elsewhere"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _bio(rng: random.Random, node: _Node, start: dt.date, today: dt.date, skills: list[str]) -> str:
    if node.fixed and node.fixed.bio:
        return node.fixed.bio
    if node.kind == "ceo":
        return (
            f"I started {COMPANY_SHORT} in {start.year} with one shop and a van full of tents. "
            "I still spend a day a month working in one of our stores."
        )
    if rng.random() < 0.15 and not node.fixed:
        return ""  # some people never fill theirs in
    spec = DEPARTMENT_BY_NAME.get(node.department)
    location = LOCATION_BY_NAME[node.location]
    days = (today - start).days
    values = {
        "focus": rng.choice(spec.focus if spec else EXECUTIVE_OFFICE_FOCUS),
        "department": node.department,
        "team": node.team,
        "city": node.location,
        "site": spec.site if spec else "office",
        "reports": len(node.children),
        "company": COMPANY_SHORT,
        "year": start.year,
        "month": MONTHS[start.month - 1],
        "years": max(2, days // 365),
        "origin": rng.choice(ORIGINS),
        "previous": rng.choice(PREVIOUS_JOBS),
        "hobby": rng.choice(HOBBIES).format(outdoors=location.outdoors),
        "learning": rng.choice(LEARNING),
        "skill": (rng.choice(skills) if skills else "gear").lower(),
        "outdoors": location.outdoors,
    }
    opening: tuple[str, ...]
    if node.kind == "head":
        values.update(size=sum(1 for _ in _walk(node)), sites=_sites_of(node))
        opening = BIO_HEAD
    elif node.kind == "manager" and len(node.children) >= 2:
        opening = BIO_LEAD
    elif node.team and node.kind == "ic" and rng.random() < 0.7:
        opening = BIO_TEAM
    else:
        opening = BIO_ROLE
    sentences = [rng.choice(opening)]
    if days < 300:
        sentences.append(rng.choice(BIO_NEW))
    elif rng.random() < 0.8:
        history = BIO_HISTORY if days >= 730 else [h for h in BIO_HISTORY if "{years}" not in h]
        sentences.append(rng.choice(history))
    if len(sentences) < 2 or rng.random() < 0.6:
        sentences.append(rng.choice(BIO_PERSONAL))
    return " ".join(s.format(**values) for s in sentences)


@dataclass
class _Profile:
    username: str
    first: str
    family: str
    email: str
    pronouns: str
    phone: str
    start: dt.date | None
    languages: list[str]
    skills: list[str]
    bio: str


def _profile(
    node: _Node, namer: _Namer, rng: random.Random, today: dt.date, founded: dt.date
) -> _Profile:
    spec = DEPARTMENT_BY_NAME.get(node.department)
    location = LOCATION_BY_NAME[node.location]
    culture = namer.culture(node.location)
    first, family, gender = namer.person(culture)
    fixed = node.fixed
    if fixed:
        first, family, culture = fixed.first_name, fixed.last_name, CULTURES[fixed.culture]
    handle = namer.handle(first, family)
    start = _start_date(node, rng, today, founded)
    if node.kind == "ic" and spec and not (fixed and fixed.title):
        node.title = _ic_title(spec, node.team, (today - start).days / 365, rng)
    frontline = bool(spec and node.title in spec.frontline)
    has_email = not (frontline and rng.random() < 0.55)
    phone = _phone(rng, location.phone) if rng.random() < (0.5 if frontline else 0.85) else ""
    pronouns = PRONOUNS[gender] if rng.random() < 0.3 else ""
    languages = _languages(rng, culture, location, frontline)
    skills = _skills(rng, spec, node, frontline)
    bio = _bio(rng, node, start, today, skills)
    if fixed:
        pronouns = fixed.pronouns
    if fixed and fixed.role == Role.GUEST:
        # Not an employee: no start date, and the e-mail of their own company.
        return _Profile(
            username=fixed.username,
            first=first,
            family=family,
            email=fixed.email,
            pronouns=pronouns,
            phone="",
            start=None,
            languages=["English"],
            skills=skills,
            bio=bio,
        )
    return _Profile(
        username=fixed.username if fixed else handle,
        first=first,
        family=family,
        email=f"{handle}@{EMAIL_DOMAIN}" if has_email else "",
        pronouns=pronouns,
        phone=phone,
        start=start,
        languages=languages,
        skills=skills,
        bio=bio,
    )


# --- Photos -------------------------------------------------------------------------------------


def _storage(field_name: str) -> Storage:
    """The storage the profile's image field writes through (the default one unless configured)."""
    image_field = User._meta.get_field(field_name)
    assert isinstance(image_field, models.FileField)
    return image_field.storage


def _photos(
    ctx: DemoContext, nodes: list[_Node], profiles: dict[int, _Profile]
) -> dict[int, tuple[str, str]]:
    """Draw avatars for about 70% of people; returns node id -> (photo name, thumbnail name).

    Uses its own random generator, so turning photos off changes nothing else in the demo.
    """
    rng = ctx.rng_for("people.photos")
    wanted: list[tuple[_Node, AvatarStyle]] = []
    for node in nodes:
        has_photo = rng.random() < PHOTO_SHARE
        style = random_style(rng)
        if node.fixed:
            has_photo = node.fixed.role != Role.GUEST
        if has_photo:
            wanted.append((node, style))
    if not ctx.photos:
        return {}
    photo_storage, thumb_storage = _storage("photo"), _storage("photo_thumb")
    drawn: dict[AvatarStyle, tuple[bytes, bytes]] = {}
    names: dict[int, tuple[str, str]] = {}
    for index, (node, wanted_style) in enumerate(wanted[:MAX_PHOTOS]):
        style = wanted_style
        if style not in drawn and len(drawn) >= MAX_DISTINCT_AVATARS:
            style = list(drawn)[index % len(drawn)]
        if style not in drawn:
            drawn[style] = avatar_images(style)
        photo, thumb = drawn[style]
        stem = photo_stem(profiles[id(node)].username)
        names[id(node)] = (
            ctx.save_file(f"photos/{stem}.jpg", photo, storage=photo_storage),
            ctx.save_file(f"photos/thumbs/{stem}.{THUMB_EXTENSION}", thumb, storage=thumb_storage),
        )
    return names


# --- Writing ------------------------------------------------------------------------------------


def build(ctx: DemoContext) -> None:
    """The organisation: locations, departments, people, reporting lines, skills and photos."""
    if not MIN_PEOPLE <= ctx.people_count <= MAX_PEOPLE:
        raise DemoError(f"The demo needs between {MIN_PEOPLE} and {MAX_PEOPLE} people.")
    rng = ctx.rng
    today = ctx.now.date()
    founded = today - dt.timedelta(days=round(FOUNDED_YEARS_AGO * 365.25))

    for spec in LOCATIONS:
        location = get_or_create_location(spec.name, country=spec.country, tz=spec.timezone)
        if location.region != spec.region:
            # Directory rules of communities match on it ("Retail in EMEA").
            location.region = spec.region
            location.save(update_fields=["region"])
        ctx.locations[spec.name] = location
    for name in (EXECUTIVE_OFFICE, *(spec.name for spec in DEPARTMENTS)):
        ctx.departments[name] = get_or_create_department(name)

    root = _build_tree(ctx.people_count - 1, rng)  # the guest makes up the number
    _set_heights(root)
    nodes = list(_walk(root))
    _title_managers(nodes, rng)
    nodes = _place_fixed_accounts(nodes, root)
    namer = _Namer(rng, reserved={account.username for account in FIXED_ACCOUNTS})
    profiles = {id(node): _profile(node, namer, rng, today, founded) for node in nodes}
    photos = _photos(ctx, nodes, profiles)

    employees = sorted(
        (n for n in nodes if profiles[id(n)].start is not None),
        key=lambda n: profiles[id(n)].start or today,
    )
    employee_ids = {id(n): f"{EMPLOYEE_ID_PREFIX}{i:05d}" for i, n in enumerate(employees, 1)}
    password = make_password(DEMO_PASSWORD)  # once: hashing per person would take minutes
    launch = ctx.now - dt.timedelta(days=365)  # when the company started using Watercooler
    by_depth: dict[int, list[User]] = {}
    for node in nodes:
        profile = profiles[id(node)]
        display_name = f"{profile.first} {profile.family}"
        role = node.fixed.role if node.fixed else Role.MEMBER
        photo, thumb = photos.get(id(node), ("", ""))
        joined = launch
        if profile.start:
            joined = max(launch, dt.datetime.combine(profile.start, dt.time(9), tzinfo=dt.UTC))
        node.user = User(
            username=profile.username,
            password=password,
            first_name=profile.first,
            last_name=profile.family,
            display_name=display_name,
            sort_name=User.sort_key(display_name),
            email=profile.email,
            role=role,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
            employee_id=employee_ids.get(id(node)),
            pronouns=profile.pronouns,
            title=node.title,
            department=ctx.departments[node.department],
            location=ctx.locations[node.location],
            manager=node.parent.user if node.parent else None,
            phone=profile.phone,
            bio=profile.bio,
            photo=photo,
            photo_thumb=thumb,
            languages=profile.languages,
            start_date=profile.start,
            date_joined=joined,
        )
        by_depth.setdefault(node.depth, []).append(node.user)
    for depth in sorted(by_depth):
        User.objects.bulk_create(by_depth[depth], batch_size=BATCH)
    people = [node.user for node in nodes if node.user]
    _write_skills(people, [profiles[id(node)].skills for node in nodes])

    ctx.company, ctx.email_domain = COMPANY_NAME, EMAIL_DOMAIN
    ctx.people.extend(people)
    ctx.managers.update({person.pk: person.manager_id for person in people})
    ctx.accounts["ceo"] = people[0]
    ctx.accounts.update({n.fixed.key: n.user for n in nodes if n.fixed and n.user})
    ctx.notes.append(_summary(people, len(photos)))
    ctx.notes.append(_sign_in_text([ctx.accounts[a.key] for a in FIXED_ACCOUNTS]))


def _write_skills(people: list[User], skills: list[list[str]]) -> None:
    wanted = list(dict.fromkeys(name for names in skills for name in names))
    existing = {s.name: s for s in Skill.objects.filter(name__in=wanted)}
    missing = [Skill(name=name) for name in wanted if name not in existing]
    Skill.objects.bulk_create(missing, batch_size=BATCH)
    existing.update({s.name: s for s in missing})
    through = User.skills.through
    rows = [
        through(user_id=person.pk, skill_id=existing[name].pk)
        for person, names in zip(people, skills, strict=True)
        for name in names
    ]
    through.objects.bulk_create(rows, batch_size=2000)


def _summary(people: list[User], photos: int) -> str:
    departments = len({p.department_id for p in people})
    locations = len({p.location_id for p in people})
    without_email = sum(1 for p in people if not p.email)
    return (
        f"{COMPANY_NAME}: {len(people)} people in {departments} departments and {locations} "
        f"locations, {photos} with a photo. {without_email} front-line people have no company "
        "e-mail: administrators give them access codes to sign in."
    )


# --- Signing in -----------------------------------------------------------------------------------


def _sign_in_text(accounts: list[User], *, password_works: bool = True) -> str:
    descriptions = {a.username: a.description for a in FIXED_ACCOUNTS}
    width = max(len(u.username) for u in accounts)
    if password_works:
        lines = [f'Demo accounts (the password for each is "{DEMO_PASSWORD}"):']
    else:
        lines = ["Demo accounts (their demo password has been changed):"]
    lines += [
        f"  {u.username.ljust(width)}  {u.display_name}, {descriptions.get(u.username, u.role)}"
        for u in accounts
    ]
    return "\n".join(lines)


def demo_sign_in_help() -> str:
    """How to sign in to the demo, read from the database; empty when it has no demo accounts.

    Names the demo password only for accounts where it still works (checked once per distinct
    password hash, without re-hashing or saving anything).
    """
    order = {a.username: i for i, a in enumerate(FIXED_ACCOUNTS)}
    accounts = sorted(
        User.objects.filter(username__in=list(order), is_active=True),
        key=lambda u: order[u.username],
    )
    if not accounts:
        return ""
    works: dict[str, bool] = {}
    for user in accounts:
        if user.password not in works:
            works[user.password] = check_password(DEMO_PASSWORD, user.password)
    usable = [u for u in accounts if works[u.password]]
    if not usable:
        return _sign_in_text(accounts, password_works=False)
    return _sign_in_text(usable)
