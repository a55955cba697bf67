"""Directory rules: who matches (every condition set, e.g. Sales AND EMEA), adding and removing
in bulk, re-applying when profiles change through the people actions and after an HR import,
leaving when allowed, opt-outs, and the query budget for 10,000 people."""

import csv
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from pytest_django import DjangoAssertNumQueries

from watercooler.communities import actions
from watercooler.communities.models import (
    Community,
    DirectoryRule,
    Membership,
    MembershipChange,
    RuleOptOut,
)
from watercooler.communities.tests.conftest import follows_changed_for
from watercooler.people import actions as people_actions
from watercooler.people.importer import do_apply_import, plan_import
from watercooler.people.models import Location, Role, User
from watercooler.testing.fixtures import ApiClient, Commit, SentEvents
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(regions: World) -> World:
    """The world (London and Berlin in EMEA) plus New York in the Americas, and a few more people:
    Sales in London, Sales in New York, a Sales guest in Berlin, a deactivated Sales Londoner."""
    world = regions
    new_york = Location.objects.create(
        name="New York", country="United States", region="Americas", timezone="America/New_York"
    )
    make_person("sally_sales", department=world.sales, location=world.london)
    make_person("nick_newyork", department=world.sales, location=new_york)
    make_person("gail_guest", department=world.sales, location=world.berlin, role=Role.GUEST)
    make_person("dan_departed", department=world.sales, location=world.london, is_active=False)
    return world


@pytest.fixture
def sales_emea(org: World) -> Community:
    return actions.create_community(
        org.admin, name="Sales EMEA", handle="sales-emea", privacy="closed"
    )


def usernames(community: Community, **filters: str) -> set[str]:
    return set(
        Membership.objects.filter(community=community, status="active", **filters).values_list(
            "user__username", flat=True
        )
    )


def assert_counts_right(community: Community) -> None:
    community.refresh_from_db()
    active = Membership.objects.filter(community=community, status="active").count()
    logged = MembershipChange.objects.filter(community=community).aggregate(n=Sum("delta"))["n"]
    assert community.member_count == active == logged


def set_sales_emea(world: World, community: Community, **fields: Any) -> DirectoryRule:
    return actions.do_set_rule(
        actor=world.admin, community=community, departments=["Sales"], regions=["emea"], **fields
    )


def test_a_person_matches_every_condition_set(
    org: World, sales_emea: Community, commit: Commit, sent_events: SentEvents
) -> None:
    with commit():
        rule = set_sales_emea(org, sales_emea)
    # Region spelled as the locations spell it, whatever the case typed.
    assert rule.regions == ["EMEA"]
    assert rule.applied_at is not None
    # Sales in Berlin and London; not Sales in New York, not Engineering in London, not the
    # guest, not the deactivated person.
    assert usernames(sales_emea, source="rule") == {"oscar_outsider", "sally_sales"}
    assert usernames(sales_emea) == {"ada_admin", "oscar_outsider", "sally_sales"}
    assert_counts_right(sales_emea)
    outsider = Membership.objects.get(community=sales_emea, user__username="oscar_outsider")
    assert (outsider.role, outsider.following, outsider.added_by) == ("member", True, None)
    assert outsider.joined_at is not None
    sally = User.objects.get(username="sally_sales")
    assert {f"user.{org.outsider.pk}", f"user.{sally.pk}"} <= follows_changed_for(sent_events)
    # Applying again changes nothing.
    assert actions.apply_rule(sales_emea) == (0, 0)


def test_locations_and_countries_narrow_the_rule(org: World, sales_emea: Community) -> None:
    actions.do_set_rule(
        actor=org.admin, community=sales_emea, departments=["Sales"], countries=["germany"]
    )
    assert usernames(sales_emea, source="rule") == {"oscar_outsider"}
    actions.do_set_rule(actor=org.admin, community=sales_emea, locations=["London"])
    # Sally (Sales, London) and the Londoners of Engineering; Oscar in Berlin is removed.
    assert usernames(sales_emea, source="rule") == {"sally_sales", "olivia_owner", "theo_teammate"}
    assert_counts_right(sales_emea)


def test_rules_never_remove_manual_members_or_people_with_a_role(
    org: World, sales_emea: Community
) -> None:
    actions.do_add_member(actor=org.admin, community=sales_emea, user=org.teammate)
    set_sales_emea(org, sales_emea)
    sally = User.objects.get(username="sally_sales")
    actions.do_set_role(actor=org.admin, community=sales_emea, user=sally, role="owner")
    actions.do_set_rule(actor=org.admin, community=sales_emea, departments=["Engineering"])
    # The teammate was added by hand; Sally became an owner: both stay. Oscar leaves.
    assert usernames(sales_emea) == {"ada_admin", "theo_teammate", "sally_sales", "olivia_owner"}
    assert_counts_right(sales_emea)


def test_a_pending_request_from_a_matching_person_is_approved(
    org: World, sales_emea: Community
) -> None:
    actions.do_join(actor=org.outsider, community=sales_emea)
    set_sales_emea(org, sales_emea)
    membership = Membership.objects.get(community=sales_emea, user=org.outsider)
    assert membership.status == "active"
    assert membership.joined_at is not None
    assert_counts_right(sales_emea)


def test_rule_input_is_checked(org: World, sales_emea: Community) -> None:
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({}, "departments", "at least one condition"),
        ({"departments": ["Marketing"]}, "departments", "Unknown: Marketing"),
        ({"locations": ["Paris"]}, "locations", "Unknown: Paris"),
        ({"regions": ["APAC"]}, "regions", "No location has region APAC"),
        ({"countries": ["Atlantis"]}, "countries", "No location has country Atlantis"),
        ({"departments": "Sales"}, "departments", "Must be a list"),
        ({"departments": ["Sales"], "allow_leave": "yes"}, "allow_leave", "true or false"),
    ]
    for fields, field, message in cases:
        with pytest.raises(ValidationError) as caught:
            actions.do_set_rule(actor=org.admin, community=sales_emea, **fields)
        assert list(caught.value.message_dict) == [field], fields
        assert message in caught.value.message_dict[field][0]
    assert not DirectoryRule.objects.exists()


# --- Leaving and opting out -------------------------------------------------------------------


def test_rule_members_cannot_leave_unless_allowed(org: World, sales_emea: Community) -> None:
    set_sales_emea(org, sales_emea)
    with pytest.raises(PermissionDenied):
        actions.do_leave(actor=org.outsider, community=sales_emea)
    assert "oscar_outsider" in usernames(sales_emea)


def test_when_allowed_leaving_opts_out_until_joining_again(
    org: World, sales_emea: Community
) -> None:
    set_sales_emea(org, sales_emea, allow_leave=True)
    actions.do_leave(actor=org.outsider, community=sales_emea)
    assert RuleOptOut.objects.filter(community=sales_emea, user=org.outsider).exists()
    assert actions.apply_rule(sales_emea) == (0, 0)
    assert "oscar_outsider" not in usernames(sales_emea)
    # Asking again (closed community) and being approved clears the opt-out.
    actions.do_join(actor=org.outsider, community=sales_emea)
    actions.do_add_member(actor=org.admin, community=sales_emea, user=org.outsider)
    assert not RuleOptOut.objects.filter(community=sales_emea, user=org.outsider).exists()
    assert_counts_right(sales_emea)


def test_someone_a_moderator_removed_is_not_added_back(org: World, sales_emea: Community) -> None:
    set_sales_emea(org, sales_emea)
    actions.do_remove_member(actor=org.admin, community=sales_emea, user=org.outsider)
    assert actions.apply_rule(sales_emea) == (0, 0)
    assert "oscar_outsider" not in usernames(sales_emea)


def test_removing_the_rule_keeps_or_removes_its_members(org: World, sales_emea: Community) -> None:
    set_sales_emea(org, sales_emea)
    actions.do_remove_rule(actor=org.admin, community=sales_emea)
    assert usernames(sales_emea) == {"ada_admin", "oscar_outsider", "sally_sales"}
    # Without a rule, its former members may leave.
    actions.do_leave(actor=org.outsider, community=sales_emea)
    set_sales_emea(org, sales_emea)
    actions.do_remove_rule(actor=org.admin, community=sales_emea, remove_members=True)
    assert usernames(sales_emea) == {"ada_admin"}
    assert not DirectoryRule.objects.exists()
    assert_counts_right(sales_emea)


# --- Re-applying when profiles change --------------------------------------------------------


def test_a_profile_change_through_the_people_actions_reapplies_rules(
    org: World, sales_emea: Community, commit: Commit
) -> None:
    set_sales_emea(org, sales_emea)
    changes = people_actions.check_profile_changes(
        actor=org.admin, person=org.outsider, data={"department": "Engineering"}
    )
    with commit():
        people_actions.do_update_profile(actor=org.admin, person=org.outsider, changes=changes)
    assert "oscar_outsider" not in usernames(sales_emea)
    # Moving to New York (self-service) and back to Sales: still outside EMEA.
    with commit():
        people_actions.do_update_profile(
            actor=org.outsider,
            person=org.outsider,
            changes=people_actions.check_profile_changes(
                actor=org.outsider, person=org.outsider, data={"location": "New York"}
            ),
        )
        people_actions.do_update_profile(
            actor=org.admin,
            person=org.outsider,
            changes=people_actions.check_profile_changes(
                actor=org.admin, person=org.outsider, data={"department": "Sales"}
            ),
        )
    assert "oscar_outsider" not in usernames(sales_emea)
    with commit():
        people_actions.do_update_profile(
            actor=org.outsider,
            person=org.outsider,
            changes=people_actions.check_profile_changes(
                actor=org.outsider, person=org.outsider, data={"location": "Berlin"}
            ),
        )
    assert "oscar_outsider" in usernames(sales_emea)
    assert_counts_right(sales_emea)


def test_changes_that_cannot_affect_rules_do_not_reapply_them(
    org: World, sales_emea: Community, commit: Commit
) -> None:
    set_sales_emea(org, sales_emea)
    changes = people_actions.check_profile_changes(
        actor=org.outsider, person=org.outsider, data={"bio": "Hello"}
    )
    with commit() as callbacks:
        people_actions.do_update_profile(actor=org.outsider, person=org.outsider, changes=changes)
    assert callbacks == []


def test_new_and_reactivated_people_are_matched(
    org: World, sales_emea: Community, commit: Commit
) -> None:
    set_sales_emea(org, sales_emea)
    with commit():
        people_actions.do_create_person(
            actor=org.admin,
            username="new_seller",
            display_name="New Seller",
            department="Sales",
            location="Berlin",
        )
    assert "new_seller" in usernames(sales_emea)
    # Deactivating leaves the row (and the count) alone; reactivating re-applies the rule.
    dan = User.objects.get(username="dan_departed")
    with commit():
        people_actions.do_set_active(actor=org.admin, person=dan, active=True)
    assert "dan_departed" in usernames(sales_emea)
    with commit():
        people_actions.do_set_active(actor=org.admin, person=dan, active=False)
    assert "dan_departed" in usernames(sales_emea)
    assert_counts_right(sales_emea)


def test_becoming_a_guest_or_member_is_a_rule_change(
    org: World, sales_emea: Community, commit: Commit
) -> None:
    set_sales_emea(org, sales_emea)
    gail = User.objects.get(username="gail_guest")
    with commit():
        people_actions.do_update_profile(
            actor=org.admin,
            person=gail,
            changes=people_actions.check_profile_changes(
                actor=org.admin, person=gail, data={"role": "member"}
            ),
        )
    assert "gail_guest" in usernames(sales_emea)


def make_csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def test_an_hr_import_reapplies_rules_once_for_the_people_it_touched(
    org: World, sales_emea: Community, commit: Commit, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_sales_emea(org, sales_emea)
    org.outsider.employee_id = "E3"
    org.outsider.save(update_fields=["employee_id"])
    data = make_csv(
        ["employee_id", "email", "display_name", "department", "location"],
        [
            ["E3", "oscar_outsider@example.com", "Oscar Outsider", "Engineering", "Berlin"],
            ["E9", "vera@example.com", "Vera Vendor", "Sales", "London"],
            ["E10", "walt@example.com", "Walt West", "Sales", "New York"],
        ],
    )
    plan = plan_import(actor=org.admin, file=data)
    assert plan.errors == []
    calls: list[list[int]] = []
    real = actions.apply_rules_for_people

    def spy(user_ids: list[int]) -> object:
        calls.append(sorted(user_ids))
        return real(user_ids)

    monkeypatch.setattr("watercooler.communities.receivers.apply_rules_for_people", spy)
    with commit():
        result = do_apply_import(actor=org.admin, plan=plan)
    assert result.applied
    vera = User.objects.get(email="vera@example.com")
    walt = User.objects.get(email="walt@example.com")
    assert calls == [sorted([org.outsider.pk, vera.pk, walt.pk])]
    assert usernames(sales_emea, source="rule") == {"sally_sales", vera.username}
    assert_counts_right(sales_emea)


# --- Scale -----------------------------------------------------------------------------------


def test_ten_thousand_people_in_a_few_statements(
    org: World,
    sales_emea: Community,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    commit: Commit,
) -> None:
    users = [
        User(
            username=f"seller{i}",
            display_name=f"Seller {i}",
            sort_name=f"seller {i}",
            department=org.sales,
            location=org.london if i % 2 else org.berlin,
            password="!",
        )
        for i in range(10_000)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    # Reads are a fixed handful; writes are bulk INSERTs of 1,000 rows (memberships and the
    # change log): about 20 statements for 10,000 people, never one per person. The statement
    # count is the guard: a wall-clock bound measured the machine's load, not the code.
    with django_assert_max_num_queries(60):
        rule = set_sales_emea(org, sales_emea)
    assert rule.applied_at is not None
    sales_emea.refresh_from_db()
    assert sales_emea.member_count == 10_000 + 3  # + Oscar, Sally and the admin (owner)
    assert_counts_right(sales_emea)

    # Half of them move to New York in one HR update: re-applying for them is a fixed number
    # of reads per 900 people plus bulk writes (54 for these 10,000).
    moved = list(User.objects.filter(username__startswith="seller").values_list("pk", flat=True))
    User.objects.filter(pk__in=moved[::2]).update(location=Location.objects.get(name="New York"))
    with django_assert_max_num_queries(60):
        changed = actions.apply_rules_for_people(moved)
    assert changed == {sales_emea.pk: (0, 5000)}
    assert_counts_right(sales_emea)
    assert sales_emea.member_count == 5003


def test_with_no_rule_re_applying_costs_one_query(
    org: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(1):
        assert actions.apply_rules_for_people([org.outsider.pk]) == {}


def test_moving_office_through_the_api_reapplies_rules(
    org: World, sales_emea: Community, commit: Commit, api_as: type[ApiClient]
) -> None:
    set_sales_emea(org, sales_emea)
    with commit():
        response = api_as(org.outsider).patch("/me", {"location": "New York"})
    assert response.status_code == 200, response.content
    assert "oscar_outsider" not in usernames(sales_emea)
    assert_counts_right(sales_emea)
