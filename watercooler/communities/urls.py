"""Pages of communities: the directory, creating one, and a community's about, members,
requests and settings tabs (its feed, files and health tabs are the feed's, its events tab the
events app's; all share ``communities/base_community.html``)."""

from django.urls import path

from watercooler.communities import settings_views, views

app_name = "communities"

urlpatterns = [
    path("communities/", views.directory, name="directory"),
    path("communities/new/", views.create, name="create"),
    path("c/<str:handle>/about/", views.about, name="about"),
    path("c/<str:handle>/members/", views.members, name="members"),
    path("c/<str:handle>/members/add/", views.add_member, name="add_member"),
    path(
        "c/<str:handle>/members/<str:username>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("c/<str:handle>/members/<str:username>/role/", views.set_role, name="set_role"),
    path(
        "c/<str:handle>/members/<str:username>/transfer/",
        views.transfer_ownership,
        name="transfer_ownership",
    ),
    path("c/<str:handle>/requests/", views.requests, name="requests"),
    path(
        "c/<str:handle>/requests/<str:username>/approve/",
        views.answer_request,
        {"answer": "approve"},
        name="approve_request",
    ),
    path(
        "c/<str:handle>/requests/<str:username>/decline/",
        views.answer_request,
        {"answer": "decline"},
        name="decline_request",
    ),
    path("c/<str:handle>/settings/", settings_views.settings, name="settings"),
    path("c/<str:handle>/join/", views.join, name="join"),
    path("c/<str:handle>/leave/", views.leave, name="leave"),
    path("c/<str:handle>/following/", views.following, name="following"),
]
