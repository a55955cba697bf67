"""The skills exchange through the API and the pages: offers, requests through their lifecycle,
mentoring, thanks and matching, with the outsider and the guest at every door."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from watercooler.notifications.models import Notification, NotificationKind
from watercooler.people.models import User
from watercooler.search.experts import find_experts
from watercooler.skills.models import Application, HelpRequest, Offer, Thanks
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db


def kinds_for(person: User) -> list[str]:
    return list(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def offer(api: ApiClient, **fields: Any) -> dict[str, Any]:
    fields.setdefault("skill", "Excel pivot tables")
    response = api.post("/skills/offers", fields)
    assert response.status_code == 201, response.content
    return dict(response.json())


def ask(api: ApiClient, **fields: Any) -> dict[str, Any]:
    fields.setdefault("skill", "Excel reporting")
    response = api.post("/skills/requests", fields)
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_a_request_moves_open_matched_done_and_both_sides_thank(
    world: World, api_as: type[ApiClient]
) -> None:
    asker, helper = api_as(world.outsider), api_as(world.teammate)
    offer(helper, skill="Excel pivot tables", mode="remote", time_commitment="an hour a week")
    made = ask(asker, description="Monthly sales report", mode="either")
    assert made["status"] == "open"
    detail = asker.get(f"/skills/requests/{made['id']}").json()
    assert detail["suggested"][0]["person"]["username"] == "theo_teammate"
    assert detail["suggested"][0]["offer_id"] is not None
    # Only the asker chooses who helps.
    assert (
        helper.post(
            f"/skills/requests/{made['id']}/match", {"username": "theo_teammate"}
        ).status_code
        == 403
    )
    matched = asker.post(f"/skills/requests/{made['id']}/match", {"username": "theo_teammate"})
    assert matched.json()["status"] == "matched"
    assert NotificationKind.SKILL_MATCH in kinds_for(world.teammate)
    again = asker.post(f"/skills/requests/{made['id']}/match", {"username": "theo_teammate"})
    assert again.status_code == 409
    # Either side completes; a stranger may not.
    assert api_as(world.owner).post(f"/skills/requests/{made['id']}/done").status_code == 403
    done = helper.post(f"/skills/requests/{made['id']}/done")
    assert done.json()["status"] == "done"
    assert NotificationKind.SKILL_DONE in kinds_for(world.outsider)
    thanks = asker.post(
        "/skills/thanks",
        {
            "username": "theo_teammate",
            "request_id": made["id"],
            "message": "The Excel report is perfect",
        },
    )
    assert thanks.status_code == 201, thanks.content
    back = helper.post(
        "/skills/thanks",
        {"username": "oscar_outsider", "request_id": made["id"], "message": "Fun to work on"},
    )
    assert back.status_code == 201
    assert NotificationKind.SKILL_THANKS in kinds_for(world.teammate)
    # Thanks for a request go to the other side only.
    wrong = api_as(world.owner).post(
        "/skills/thanks", {"username": "theo_teammate", "request_id": made["id"], "message": "hi"}
    )
    assert wrong.status_code == 422


def test_withdraw_and_status_lists(world: World, api_as: type[ApiClient]) -> None:
    asker = api_as(world.owner)
    made = ask(asker, skill="Kubernetes upgrade")
    assert api_as(world.outsider).post(f"/skills/requests/{made['id']}/withdraw").status_code == 403
    assert asker.post(f"/skills/requests/{made['id']}/withdraw").json()["status"] == "withdrawn"
    assert asker.post(f"/skills/requests/{made['id']}/withdraw").status_code == 409
    open_ids = [r["id"] for r in asker.get("/skills/requests").json()["items"]]
    assert made["id"] not in open_ids
    withdrawn = asker.get("/skills/requests", status="withdrawn").json()["items"]
    assert [r["id"] for r in withdrawn] == [made["id"]]


def test_mentoring_places_applications_and_mentees(world: World, api_as: type[ApiClient]) -> None:
    mentor = api_as(world.owner)
    made = offer(mentor, skill="Engineering management", is_mentoring=True, places=1)
    assert mentor.post(f"/skills/offers/{made['id']}/apply", {}).status_code == 409  # own offer
    first = api_as(world.teammate).post(f"/skills/offers/{made['id']}/apply", {"message": "Keen!"})
    assert first.status_code == 201
    assert api_as(world.teammate).post(f"/skills/offers/{made['id']}/apply", {}).status_code == 409
    second = api_as(world.outsider).post(f"/skills/offers/{made['id']}/apply", {})
    assert NotificationKind.SKILL_APPLICATION in kinds_for(world.owner)
    # Applicants see only their own application; the mentor sees all.
    assert (
        len(api_as(world.outsider).get(f"/skills/offers/{made['id']}").json()["applications"]) == 1
    )
    assert len(mentor.get(f"/skills/offers/{made['id']}").json()["applications"]) == 2
    # Only the mentor decides; applicants cannot accept themselves.
    assert (
        api_as(world.teammate).post(f"/skills/applications/{first.json()['id']}/accept").status_code
        == 403
    )
    assert (
        api_as(world.admin).post(f"/skills/applications/{first.json()['id']}/accept").status_code
        == 404
    )
    assert (
        mentor.post(f"/skills/applications/{first.json()['id']}/accept").json()["status"]
        == "accepted"
    )
    assert NotificationKind.SKILL_ACCEPTED in kinds_for(world.teammate)
    full = mentor.post(f"/skills/applications/{second.json()['id']}/accept")
    assert full.status_code == 409  # one place only
    assert (
        mentor.post(f"/skills/applications/{second.json()['id']}/decline").json()["status"]
        == "declined"
    )
    assert NotificationKind.SKILL_DECLINED in kinds_for(world.outsider)
    listed = mentor.get("/skills/offers").json()["items"]
    assert [(o["places"], o["places_taken"]) for o in listed] == [(1, 1)]
    mentees = mentor.get("/skills/mentees").json()["items"]
    assert [m["applicant"]["username"] for m in mentees] == ["theo_teammate"]


def test_bad_input_is_422_naming_the_field(world: World, api_as: type[ApiClient]) -> None:
    api = api_as(world.owner)
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("/skills/offers", {"skill": ""}, "skill"),
        ("/skills/offers", {"skill": "x" * 81}, "skill"),
        ("/skills/offers", {"skill": "Go", "is_mentoring": True, "places": 0}, "places"),
        ("/skills/offers", {"skill": "Go", "location": "Atlantis"}, "location"),
        ("/skills/offers", {"skill": "Go\x00"}, "skill"),
        ("/skills/requests", {"skill": "Go", "needed_by": "2001-01-01"}, "needed_by"),
        ("/skills/requests", {"skill": "Go", "mode": "telepathy"}, "mode"),
        ("/skills/thanks", {"username": "olivia_owner", "message": "me"}, "username"),
        ("/skills/thanks", {"username": "theo_teammate", "message": ""}, "message"),
    ]
    for path, data, field in cases:
        response = api.post(path, data)
        assert response.status_code in (400, 422), (data, response.content)
        fields = {e["field"] for e in response.json()["errors"]}
        assert any(field in f for f in fields), (data, fields)
    assert Offer.objects.count() == 0
    assert HelpRequest.objects.count() == 0
    made = ask(api)
    assert (
        api.post(f"/skills/requests/{made['id']}/match", {"username": "nobody"}).status_code == 422
    )
    assert HelpRequest.objects.get(pk=made["id"]).status == "open"


def test_guests_and_signed_out_are_kept_out(
    world: World, api_as: type[ApiClient], client_as: ClientAs
) -> None:
    made = ask(api_as(world.owner))
    guest = api_as(world.guest)
    for path in (
        "/skills/offers",
        "/skills/requests",
        f"/skills/requests/{made['id']}",
        "/skills/mentees",
    ):
        assert guest.get(path).status_code == 403
        assert api_as(None).get(path).status_code == 401
    assert guest.post("/skills/offers", {"skill": "x"}).status_code == 403
    for path in (
        "/skills/",
        "/skills/offers/new/",
        f"/skills/requests/{made['id']}/",
        "/skills/mine/",
    ):
        assert client_as(world.guest).get(path).status_code == 403
    assert Thanks.objects.count() == 0


def test_deactivated_people_leave_the_marketplace(world: World, api_as: type[ApiClient]) -> None:
    made = offer(api_as(world.teammate))
    world.teammate.is_active = False
    world.teammate.save()
    api = api_as(world.owner)
    assert api.get("/skills/offers").json()["items"] == []
    assert api.get(f"/skills/offers/{made['id']}").status_code == 404


def test_filters_and_offer_fits_requests(world: World, api_as: type[ApiClient]) -> None:
    berlin_offer = offer(
        api_as(world.outsider), skill="Negotiation coaching", mode="in_person", location="Berlin"
    )
    offer(api_as(world.owner), skill="Python reviews", mode="remote")
    api = api_as(world.teammate)
    assert [o["id"] for o in api.get("/skills/offers", location="Berlin").json()["items"]] == [
        berlin_offer["id"]
    ]
    assert {o["skill"] for o in api.get("/skills/offers", remote=True).json()["items"]} == {
        "Python reviews"
    }
    assert [o["skill"] for o in api.get("/skills/offers", department="Sales").json()["items"]] == [
        "Negotiation coaching"
    ]
    wanted = ask(api, skill="Negotiation for renewals")
    detail = api_as(world.outsider).get(f"/skills/offers/{berlin_offer['id']}").json()
    assert [r["id"] for r in detail["fitting_requests"]] == [wanted["id"]]


def test_thanks_show_on_the_profile_and_count_as_evidence(
    world: World, api_as: type[ApiClient], client_as: ClientAs
) -> None:
    forklift = make_person("fran", display_name="Fran Forklift")
    made = ask(api_as(world.owner), skill="Forklift certification")
    api_as(world.owner).post(f"/skills/requests/{made['id']}/match", {"username": "fran"})
    api_as(world.owner).post(
        "/skills/thanks",
        {"username": "fran", "request_id": made["id"], "message": "Passed first time!"},
    )
    experts = find_experts(world.outsider, "forklift")
    assert experts[0].person == forklift
    assert experts[0].evidence[0].text == "Thanked 1 time for help with forklift"
    profile = client_as(world.outsider).get("/people/fran/").content.decode()
    assert "Passed first time!" in profile
    assert "Passed first time!" not in client_as(world.guest).get("/people/fran/").content.decode()


# --- Pages --------------------------------------------------------------------------------------


def test_pages_walk_a_request_from_form_to_thanks(world: World, client_as: ClientAs) -> None:
    asker, helper = client_as(world.outsider), client_as(world.teammate)
    assert asker.get("/skills/").status_code == 200
    bad = asker.post("/skills/requests/new/", {"skill": "", "needed_by": "yesterday"})
    assert bad.status_code == 422
    assert "This field is required." in bad.content.decode()
    created = asker.post(
        "/skills/requests/new/",
        {
            "skill": "Excel macros",
            "mode": "remote",
            "needed_by": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert created.status_code == 302
    request_id = HelpRequest.objects.get().pk
    page = asker.get(created["Location"]).content.decode()
    assert "Who could help" in page
    asker.post(f"/skills/requests/{request_id}/match/", {"username": "theo_teammate"})
    helper_page = helper.get(f"/skills/requests/{request_id}/").content.decode()
    assert "Mark as done" in helper_page
    assert "Thank Oscar Outsider" in helper_page
    helper.post(f"/skills/requests/{request_id}/done/")
    asker.post(
        f"/skills/requests/{request_id}/thank/",
        {"username": "theo_teammate", "message": "Saved my week"},
    )
    assert HelpRequest.objects.get().status == "done"
    assert Thanks.objects.get().message == "Saved my week"
    # A stranger sees the request but no buttons.
    stranger = client_as(world.admin).get(f"/skills/requests/{request_id}/").content.decode()
    assert "Mark as done" not in stranger
    assert "Who could help" not in stranger


def test_pages_offer_mentoring_and_decide(world: World, client_as: ClientAs) -> None:
    mentor = client_as(world.owner)
    created = mentor.post(
        "/skills/offers/new/",
        {"skill": "Career mentoring", "is_mentoring": "on", "places": "2", "mode": "either"},
    )
    assert created.status_code == 302
    offer_id = Offer.objects.get().pk
    client_as(world.teammate).post(f"/skills/offers/{offer_id}/apply/", {"message": "Please"})
    application = Application.objects.get()
    page = mentor.get(f"/skills/offers/{offer_id}/").content.decode()
    assert "Applications" in page
    assert "0 of 2 places taken" in page
    mentor.post(f"/skills/applications/{application.pk}/accept/")
    assert Application.objects.get().status == "accepted"
    assert "Theo Teammate" in mentor.get("/skills/mine/").content.decode()
