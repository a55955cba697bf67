"""Pages of the people app: directory, profiles, org chart, settings, administration, sign-in by code."""

from django.urls import path

from watercooler.people import account_views, admin_views, views

app_name = "people"

urlpatterns = [
    # Directory and profiles (views.py)
    path("people/", views.directory, name="directory"),
    path("people/<str:username>/", views.profile, name="profile"),
    path("people/<str:username>/edit/", views.edit_profile, name="edit_profile"),
    path("people/<str:username>/org/", views.org_chart, name="org_chart"),
    # One's own account (account_views.py)
    path("settings/", account_views.settings_page, name="settings"),
    path("settings/tokens/", account_views.create_token, name="create_token"),
    path("settings/tokens/<int:token_id>/revoke/", account_views.revoke_token, name="revoke_token"),
    path("accounts/access-code/", account_views.access_code_login, name="access_code_login"),
    path(
        "accounts/invitation/<str:token>/",
        account_views.accept_invitation,
        name="accept_invitation",
    ),
    # Administration (admin_views.py)
    path("manage/people/", admin_views.admin_people, name="admin_people"),
    path("manage/people/new/", admin_views.admin_create_person, name="admin_create_person"),
    path("manage/people/import/", admin_views.admin_import, name="admin_import"),
    path("manage/people/<str:username>/", admin_views.admin_person, name="admin_person"),
    path("manage/settings/", admin_views.admin_site_settings, name="admin_site_settings"),
]
