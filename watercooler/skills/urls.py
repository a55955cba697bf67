"""Skills exchange pages."""

from django.urls import path

from watercooler.skills import views

app_name = "skills"

urlpatterns = [
    path("skills/", views.marketplace, name="marketplace"),
    path("skills/mine/", views.mine, name="mine"),
    path("skills/offers/new/", views.new_offer, name="new_offer"),
    path("skills/offers/<int:offer_id>/", views.offer_detail, name="offer"),
    path("skills/offers/<int:offer_id>/close/", views.close_offer, name="close_offer"),
    path("skills/offers/<int:offer_id>/apply/", views.apply, name="apply"),
    path(
        "skills/applications/<int:application_id>/accept/",
        views.decide,
        {"accept": True},
        name="accept",
    ),
    path(
        "skills/applications/<int:application_id>/decline/",
        views.decide,
        {"accept": False},
        name="decline",
    ),
    path("skills/requests/new/", views.new_request, name="new_request"),
    path("skills/requests/<int:request_id>/", views.request_detail, name="request"),
    path("skills/requests/<int:request_id>/match/", views.match, name="match"),
    path("skills/requests/<int:request_id>/done/", views.complete, name="complete"),
    path("skills/requests/<int:request_id>/withdraw/", views.withdraw, name="withdraw"),
    path("skills/requests/<int:request_id>/thank/", views.thank, name="thank"),
]
