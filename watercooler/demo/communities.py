"""The communities part of the demo: the groups Fernwick Outdoor Co. has grown into.

Fourteen communities of every privacy and category: the customer-facing function spread over six
time zones, store managers, retail by region and offices by place (kept by directory rules),
interest groups that cross departments, a help desk, a guild, and two secret projects. Members
are drawn with a realistic skew (people whose skills fit join first; store floors join less),
they join over the months (so "members over time" has a shape, with the odd leaver), closed ones
have requests waiting, and the demo accounts each see something different: ``member`` has a
request pending and belongs to no secret community, ``admin`` and ``comms`` each belong to one,
the guest belongs to one open community only.

What goes through the actions and what is written in bulk:

* Each community (fourteen) is created by its owner through
  ``communities.actions.create_community``, at the moment the plan says (``ctx.at``): the rules
  on names, handles, privacy and categories hold, and the owner's membership and first line of
  history are the action's.
* Everyone else's membership, request, departure and opt-out, and the directory rules, are
  written in bulk: about six hundred rows at 300 people and tens of thousands at
  ``--people 10000``, joining over months, where a rule applied through the actions would add
  all its members at once. Counters (``member_count``) and the +1/-1 history
  (``MembershipChange``) are computed from the very rows written, so ``member_count`` equals
  the active memberships and the sum of the history. Directory rule members are exactly the
  people the rule matches (minus those who left where leaving is allowed), so re-applying a
  rule changes nothing.

Later builders read ``ctx.extra["communities.*"]`` (see the end of ``build``).

Long on purpose: fourteen communities described and built in one place.
"""

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from watercooler.communities.actions import create_community
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
from watercooler.demo.communities_data import (
    INTEREST_SKILLS,
    RETAIL,
    SENIOR_STORE_TITLES,
    SHARE,
    SPECS,
    CommunitySpec,
    RuleSpec,
)
from watercooler.demo.context import DemoContext
from watercooler.people.models import Role, User

BATCH = 2000
# Of the people drawn into a community that anyone may join or leave, the share who left again.
LEAVER_SHARE = 0.06
# Share of members who turned off the community in their home feed.
MUTED_SHARE = 0.1


@dataclass(eq=False)
class _Member:
    user: User
    joined_at: dt.datetime
    role: str = MemberRole.MEMBER
    source: str = MembershipSource.MANUAL
    added_by: User | None = None
    following: bool = True


@dataclass(eq=False)
class _Plan:
    spec: CommunitySpec
    created_at: dt.datetime
    owner: User
    members: dict[int, _Member] = field(default_factory=dict)
    # People who asked to join (closed communities), with when they asked.
    pending: dict[int, tuple[User, dt.datetime]] = field(default_factory=dict)
    # People who joined and left again: (user, joined, left, left a directory rule's members).
    left: list[tuple[User, dt.datetime, dt.datetime, bool]] = field(default_factory=list)
    community: Community | None = None

    def add(self, member: _Member) -> None:
        if member.user.pk not in self.members:
            self.members[member.user.pk] = member
            self.pending.pop(member.user.pk, None)


class _Org:
    """What the builder needs to know about people, read once."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.now = ctx.now
        self.people = [u for u in ctx.people if u.is_active and u.role != Role.GUEST]
        self.department = {d.pk: name for name, d in ctx.departments.items()}
        self.locations = {loc.pk: loc for loc in ctx.locations.values()}
        through = User.skills.through
        self.skills: dict[int, set[str]] = {}
        for user_id, name in through.objects.filter(
            user_id__in=[u.pk for u in self.people]
        ).values_list("user_id", "skill__name"):
            self.skills.setdefault(user_id, set()).add(name)
        ceo = ctx.accounts["ceo"]
        self.ceo = ceo
        self.heads = {
            self.dept(u): u
            for u in self.people
            if ctx.managers.get(u.pk) == ceo.pk and self.dept(u) != "Executive Office"
        }
        self.reports = ctx.reports()

    def dept(self, user: User) -> str:
        return self.department.get(user.department_id or 0, "")

    def city(self, user: User) -> str:
        location = self.locations.get(user.location_id or 0)
        return location.name if location else ""

    def head(self, department: str) -> User:
        return self.heads.get(department, self.ceo)

    def matches(self, rule: RuleSpec, user: User) -> bool:
        """The directory rule's test, as ``communities.actions.apply_rule`` applies it."""
        location = self.locations.get(user.location_id or 0)
        return (
            (not rule.departments or self.dept(user) in rule.departments)
            and (not rule.locations or (location is not None and location.name in rule.locations))
            and (not rule.regions or (location is not None and location.region in rule.regions))
            and (
                not rule.countries or (location is not None and location.country in rule.countries)
            )
            and bool(rule.departments or rule.locations or rule.regions or rule.countries)
        )


def _job(user: User) -> str:
    """The title without its team or store ("Store Manager, Mitte" -> "Store Manager")."""
    return user.title.split(",")[0].strip()


def _weighted_sample(
    rng: random.Random, people: Sequence[User], weight: Callable[[User], float], k: int
) -> list[User]:
    """``k`` people without replacement, likelier by ``weight`` (Efraimidis-Spirakis keys)."""
    keyed = [(rng.random() ** (1.0 / w), p.pk, p) for p in people if (w := weight(p)) > 0]
    keyed.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [p for _, _, p in keyed[:k]]


class _Builder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.now = ctx.now
        self.org = _Org(ctx)
        self.accounts = ctx.accounts

    def since(self, plan: _Plan, user: User) -> dt.datetime:
        return max(plan.created_at, user.date_joined)

    def join_time(self, plan: _Plan, user: User, skew: float = 1.6) -> dt.datetime:
        """When someone joined: early joiners are the most (skew > 1), the rest trickle in."""
        since = self.since(plan, user)
        if since >= self.now:
            return self.now
        fraction: float = self.rng.random() ** skew  # float ** float is Any to typeshed
        return since + (self.now - since) * fraction

    def plan(self, spec: CommunitySpec, owner: User) -> _Plan:
        created = self.now - dt.timedelta(days=spec.days_old, hours=self.rng.randint(0, 9))
        created = max(created, owner.date_joined)
        plan = _Plan(spec=spec, created_at=created, owner=owner)
        plan.add(_Member(owner, created, role=MemberRole.OWNER))
        return plan

    def moderate(self, plan: _Plan, people: Iterable[User]) -> None:
        for user in people:
            if user.pk == plan.owner.pk:
                continue
            member = plan.members.get(user.pk)
            if member is None:
                member = _Member(user, self.join_time(plan, user, skew=3.0))
                plan.add(member)
            member.role = MemberRole.MODERATOR
            member.source = MembershipSource.MANUAL

    def draw(
        self,
        plan: _Plan,
        candidates: Sequence[User],
        weight: Callable[[User], float],
        k: int,
        *,
        leavers: bool = True,
    ) -> None:
        """Draw ``k`` members; a few of those who could leave have left again."""
        chosen = _weighted_sample(
            self.rng, [p for p in candidates if p.pk not in plan.members], weight, k
        )
        for user in chosen:
            joined = self.join_time(plan, user)
            if leavers and self.rng.random() < LEAVER_SHARE and joined < self.now:
                left = joined + (self.now - joined) * self.rng.uniform(0.2, 0.9)
                plan.left.append((user, joined, left, False))
                continue
            plan.add(_Member(user, joined))

    def apply_rule(self, plan: _Plan) -> None:
        """Every person the rule matches, from when the rule (or they) arrived; where leaving is
        allowed, a few have left (and the rule leaves them out from then on)."""
        rule = plan.spec.rule
        assert rule is not None
        for user in self.org.people:
            if user.pk in plan.members or not self.org.matches(rule, user):
                continue
            joined = self.since(plan, user)
            if joined >= self.now:
                joined = self.now
            if rule.allow_leave and self.rng.random() < LEAVER_SHARE / 2 and joined < self.now:
                left = joined + (self.now - joined) * self.rng.uniform(0.1, 0.9)
                plan.left.append((user, joined, left, True))
                continue
            plan.add(_Member(user, joined, source=MembershipSource.RULE))

    def request(self, plan: _Plan, people: Iterable[User], *, max_days: float = 20) -> None:
        for user in people:
            if user.pk in plan.members or user.pk in plan.pending:
                continue
            asked = self.now - dt.timedelta(hours=self.rng.uniform(2, 24 * max_days))
            plan.pending[user.pk] = (user, max(asked, self.since(plan, user)))

    def size(self, handle: str, low: int = 5) -> int:
        return max(low, round(SHARE[handle] * len(self.org.people)))

    def skill_weight(self, handle: str) -> Callable[[User], float]:
        skills, boost = INTEREST_SKILLS[handle]
        org = self.org

        def weight(user: User) -> float:
            base = boost if org.skills.get(user.pk, set()) & skills else 1.0
            # Store and warehouse floors are online less: they join less.
            if org.dept(user) in (RETAIL, "Operations") and user.pk not in org.reports:
                base *= 0.5
            return base

        return weight

    def pick(self, people: Sequence[User], k: int) -> list[User]:
        return self.rng.sample(list(people), min(k, len(people)))

    # --- The communities, one by one -------------------------------------------------------

    def build(self) -> list[_Plan]:
        org, rng, people = self.org, self.rng, self.org.people
        specs = {spec.handle: spec for spec in SPECS}
        member, admin, comms, guest = (
            self.accounts.get(key) for key in ("member", "admin", "comms", "guest")
        )
        by_dept: dict[str, list[User]] = {}
        for user in people:
            by_dept.setdefault(org.dept(user), []).append(user)
        leads = set(org.reports)
        plans: list[_Plan] = []

        # The customer-facing function: its department by rule, plus people who care.
        care = self.plan(specs["customer-care"], org.head("Customer Support"))
        support_leads = [u for u in by_dept.get("Customer Support", []) if u.pk in leads]
        self.moderate(care, self.pick([u for u in support_leads if u != care.owner], 2))
        self.apply_rule(care)
        near_customers = {RETAIL: 0.12, "Product": 0.3, "Operations": 0.08, "Marketing": 0.1}
        self.draw(
            care,
            [u for u in people if org.dept(u) in near_customers],
            lambda u: 2.0 if u.pk in leads else 1.0,
            round(sum(len(by_dept.get(d, [])) * s for d, s in near_customers.items())),
        )
        plans.append(care)

        # Store managers: chosen by title, which no directory rule can match.
        retail = by_dept.get(RETAIL, [])
        managers = self.plan(specs["store-managers"], org.head(RETAIL))
        senior = [u for u in retail if _job(u) in SENIOR_STORE_TITLES]
        self.moderate(managers, self.pick([u for u in senior if _job(u) != "VP Retail"], 1))
        for user in senior:
            managers.add(_Member(user, self.join_time(managers, user, skew=2.5)))
        shift_leads = [u for u in retail if _job(u) == "Shift Lead"]
        rng.shuffle(shift_leads)
        half = len(shift_leads) // 2
        for user in shift_leads[:half]:
            managers.add(_Member(user, self.join_time(managers, user), added_by=managers.owner))
        self.request(managers, shift_leads[half : half + 3])
        plans.append(managers)

        # Retail by region, by rule; their most senior person there owns it.
        for handle in ("retail-emea", "retail-americas"):
            spec = specs[handle]
            assert spec.rule is not None
            rule = spec.rule
            local = [u for u in retail if org.matches(rule, u)]
            ranked = sorted(
                local,
                key=lambda u: (
                    -(SENIOR_STORE_TITLES.index(_job(u)) if _job(u) in SENIOR_STORE_TITLES else -1),
                    u.pk,
                ),
            )
            plan = self.plan(spec, ranked[0] if ranked else org.head(RETAIL))
            self.moderate(plan, [u for u in ranked[1:3] if _job(u) in SENIOR_STORE_TITLES])
            self.apply_rule(plan)
            # Head office people who work with these stores ask to be let in.
            office = by_dept.get("Marketing", []) + by_dept.get("Operations", [])
            self.request(plan, self.pick([u for u in office if not org.matches(rule, u)], 2))
            plans.append(plan)

        # Offices, by rule, owned by someone senior there; leaving is allowed.
        for handle, city in (("berlin-office", "Berlin"), ("london-hq", "London")):
            local = [u for u in people if org.city(u) == city]
            office_people = [u for u in local if org.dept(u) in ("People", "Executive Office")]
            owner = (office_people or sorted(local, key=lambda u: u.pk) or [org.ceo])[0]
            if city == "London" and comms is not None and org.city(comms) == "London":
                owner = comms
            plan = self.plan(specs[handle], owner)
            self.moderate(plan, self.pick([u for u in local if u.pk in leads], 1))
            self.apply_rule(plan)
            plans.append(plan)

        # The help desk: IT answers, a big share of the company asks.
        it = self.plan(specs["ask-it"], org.head("IT"))
        it_people = by_dept.get("IT", [])
        desk = [u for u in it_people if "Service Desk" in u.title or "Support" in u.title]
        moderators = [*([admin] if admin is not None else []), *self.pick(desk or it_people, 2)]
        self.moderate(it, moderators)
        for user in it_people:
            it.add(_Member(user, self.join_time(it, user, skew=3.0)))
        if member is not None:
            it.add(_Member(member, self.join_time(it, member)))
        self.draw(
            it,
            people,
            lambda u: 0.4 if org.dept(u) == RETAIL and u.pk not in leads else 1.0,
            self.size("ask-it"),
        )
        plans.append(it)

        # A practice guild and interest groups, drawn by skills across departments.
        guild_weight = self.skill_weight("data-guild")
        guild_owner = _weighted_sample(rng, people, guild_weight, 1) or [org.ceo]
        guild = self.plan(specs["data-guild"], guild_owner[0])
        self.draw(guild, people, guild_weight, self.size("data-guild"))
        guild_leads = [m.user for m in guild.members.values() if m.user.pk in leads]
        self.moderate(guild, self.pick(guild_leads, 1))
        plans.append(guild)

        for handle in ("trail-runners", "photography"):
            weight = self.skill_weight(handle)
            founders = _weighted_sample(rng, people, weight, 1) or [org.ceo]
            plan = self.plan(specs[handle], founders[0])
            if member is not None:
                plan.add(_Member(member, self.join_time(plan, member)))
            self.draw(plan, people, weight, min(60, self.size(handle)))
            if handle == "photography":
                if comms is not None:
                    self.moderate(plan, [comms])
                if guest is not None:
                    # The campaign photographer, added by the owner (guests cannot find it).
                    plan.add(_Member(guest, self.join_time(plan, guest), added_by=plan.owner))
            else:
                self.moderate(plan, self.pick([m.user for m in plan.members.values()], 1))
            plans.append(plan)

        green = self.plan(
            specs["sustainability-champions"],
            next(
                (u for u in by_dept.get("Operations", []) if "Sustainability" in u.title),
                org.head("Operations"),
            ),
        )
        if comms is not None:
            self.moderate(green, [comms])
        self.draw(
            green,
            people,
            self.skill_weight("sustainability-champions"),
            min(60, self.size("sustainability-champions")),
            leavers=False,  # champions are approved: they rarely step down
        )
        green_waiting = [u for u in people if u.pk not in green.members]
        self.request(green, self.pick(green_waiting, max(2, len(people) // 100)))
        plans.append(green)

        # Parents: older colleagues more likely; the member account has asked to join.
        parents = self.plan(specs["parents"], self.pick(people, 1)[0])
        if member is not None:
            self.request(parents, [member], max_days=3)
        self.draw(
            parents,
            [u for u in people if member is None or u.pk != member.pk],
            lambda u: 2.0 if u.pk in leads else 1.0,
            min(60, self.size("parents")),
        )
        self.moderate(parents, self.pick([m.user for m in parents.members.values()], 1))
        self.request(
            parents,
            self.pick([u for u in people if u.pk not in parents.members], 2),
            max_days=10,
        )
        plans.append(parents)

        # Secret projects: chosen people only, added by the owner.
        summit = self.plan(specs["project-summit"], org.head("Finance"))
        core = [
            *([admin] if admin is not None else []),
            *[u for u in by_dept.get("Finance", []) if u.pk in leads],
            *[u for u in by_dept.get("Operations", []) if u.pk in leads][:3],
            org.head("IT"),
            org.head("Operations"),
        ]
        for user in core:
            summit.add(_Member(user, self.join_time(summit, user, skew=3.0), added_by=summit.owner))
        extra = [
            u
            for u in by_dept.get("Finance", [])
            + by_dept.get("IT", [])
            + by_dept.get("Operations", [])
            if u.pk not in summit.members
        ]
        for user in self.pick(
            extra, max(0, self.size("project-summit", low=6) - len(summit.members))
        ):
            summit.add(_Member(user, self.join_time(summit, user), added_by=summit.owner))
        self.moderate(summit, [org.head("IT")])
        plans.append(summit)

        executive = by_dept.get("Executive Office", [])
        chief_of_staff = next((u for u in executive if u.title == "Chief of Staff"), org.ceo)
        offsite = self.plan(specs["leadership-offsite"], chief_of_staff)
        team = [org.ceo, *org.heads.values(), *[u for u in executive if "Assistant" in u.title]]
        if comms is not None:
            team.append(comms)
        for user in team:
            offsite.add(
                _Member(user, self.join_time(offsite, user, skew=4.0), added_by=offsite.owner)
            )
        self.moderate(offsite, [u for u in executive if "Assistant" in u.title][:1])
        plans.append(offsite)

        for plan in plans:
            for m in plan.members.values():
                if m.role == MemberRole.MEMBER and rng.random() < MUTED_SHARE:
                    m.following = False
        return plans


def _write(plans: list[_Plan], org: _Org, now: dt.datetime) -> None:
    for plan in plans:
        spec = plan.spec
        # The owner creates it; the action makes them its owner (membership and history).
        with org.ctx.at(plan.created_at):
            made = create_community(
                plan.owner,
                name=spec.name,
                handle=spec.handle,
                privacy=spec.privacy,
                description=spec.description,
                guidelines=spec.guidelines,
                category=spec.category,
            )
        joins = [m.joined_at for m in plan.members.values()]
        made.member_count = len(plan.members)
        made.last_activity_at = max([plan.created_at, *joins])
        plan.community = made
    Community.objects.bulk_update(
        [p.community for p in plans if p.community is not None],
        ["member_count", "last_activity_at"],
        batch_size=BATCH,
    )

    memberships: list[Membership] = []
    changes: list[MembershipChange] = []
    opt_outs: list[RuleOptOut] = []
    for plan in plans:
        community = plan.community
        assert community is not None
        for m in sorted(plan.members.values(), key=lambda m: (m.joined_at, m.user.pk)):
            if m.user.pk == plan.owner.pk:
                continue  # made by the action
            memberships.append(
                Membership(
                    community=community,
                    user_id=m.user.pk,
                    role=m.role,
                    status=MembershipStatus.ACTIVE,
                    source=m.source,
                    following=m.following,
                    requested_at=None,
                    joined_at=m.joined_at,
                    added_by=m.added_by,
                )
            )
            changes.append(
                MembershipChange(community=community, user_id=m.user.pk, delta=1, at=m.joined_at)
            )
        for user, asked in plan.pending.values():
            memberships.append(
                Membership(
                    community=community,
                    user_id=user.pk,
                    status=MembershipStatus.PENDING,
                    requested_at=asked,
                    following=True,
                )
            )
        for user, joined, left, opted_out in plan.left:
            changes.append(
                MembershipChange(community=community, user_id=user.pk, delta=1, at=joined)
            )
            changes.append(
                MembershipChange(community=community, user_id=user.pk, delta=-1, at=left)
            )
            if opted_out:
                opt_outs.append(RuleOptOut(community=community, user_id=user.pk, created_at=left))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    changes.sort(key=lambda c: c.at)
    MembershipChange.objects.bulk_create(changes, batch_size=BATCH)
    RuleOptOut.objects.bulk_create(opt_outs, batch_size=BATCH)

    ruled = [p for p in plans if p.spec.rule is not None]
    rules = []
    for plan in ruled:
        assert plan.spec.rule is not None
        assert plan.community is not None
        rule_joins = [
            m.joined_at for m in plan.members.values() if m.source == MembershipSource.RULE
        ]
        rules.append(
            DirectoryRule(
                community=plan.community,
                regions=list(plan.spec.rule.regions),
                countries=list(plan.spec.rule.countries),
                allow_leave=plan.spec.rule.allow_leave,
                created_at=plan.created_at,
                applied_at=max([plan.created_at, *rule_joins]),
            )
        )
    DirectoryRule.objects.bulk_create(rules, batch_size=BATCH)
    departments = org.ctx.departments
    locations = org.ctx.locations
    dept_rows, loc_rows = [], []
    for plan, rule in zip(ruled, rules, strict=True):
        spec_rule = plan.spec.rule
        assert spec_rule is not None
        dept_rows += [
            DirectoryRule.departments.through(
                directoryrule_id=rule.pk, department_id=departments[name].pk
            )
            for name in spec_rule.departments
            if name in departments
        ]
        loc_rows += [
            DirectoryRule.locations.through(
                directoryrule_id=rule.pk, location_id=locations[name].pk
            )
            for name in spec_rule.locations
            if name in locations
        ]
    DirectoryRule.departments.through.objects.bulk_create(dept_rows, batch_size=BATCH)
    DirectoryRule.locations.through.objects.bulk_create(loc_rows, batch_size=BATCH)


def build(ctx: DemoContext) -> None:
    """Communities with rules, members over time, requests waiting and opt-outs."""
    builder = _Builder(ctx)
    if not builder.org.people:
        return
    plans = builder.build()
    _write(plans, builder.org, ctx.now)

    communities = {p.spec.handle: p.community for p in plans}
    ctx.extra["communities.communities"] = communities
    # handle -> {user id: joined at} of active members (later builders post and RSVP as them).
    ctx.extra["communities.members"] = {
        p.spec.handle: {pk: m.joined_at for pk, m in p.members.items()} for p in plans
    }
    # handle -> ids of owners and moderators, owner first.
    ctx.extra["communities.moderators"] = {
        p.spec.handle: [
            pk
            for pk, m in sorted(
                p.members.items(), key=lambda item: item[1].role != MemberRole.OWNER
            )
            if m.role in (MemberRole.OWNER, MemberRole.MODERATOR)
        ]
        for p in plans
    }
    kinds = sorted({p.spec.privacy for p in plans})
    ctx.notes.append(
        f"Communities: {len(plans)} ({', '.join(kinds)}), "
        f"{sum(len(p.members) for p in plans)} memberships, "
        f"{sum(len(p.pending) for p in plans)} requests waiting; "
        f"{sum(1 for p in plans if p.spec.rule)} kept by directory rules."
    )
