"""Pages of the people app: directory, profiles, org chart, settings, administration, sign-in by code."""

from django.urls import path

from watercooler.people import views

app_name = "people"

urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/<str:username>/", views.profile, name="profile"),
    path("people/<str:username>/edit/", views.edit_profile, name="edit_profile"),
    path("people/<str:username>/org/", views.org_chart, name="org_chart"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/tokens/", views.create_token, name="create_token"),
    path("settings/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("manage/people/", views.admin_people, name="admin_people"),
    path("manage/people/new/", views.admin_create_person, name="admin_create_person"),
    path("manage/people/import/", views.admin_import, name="admin_import"),
    path("manage/people/<str:username>/", views.admin_person, name="admin_person"),
    path("manage/settings/", views.admin_site_settings, name="admin_site_settings"),
    path("accounts/access-code/", views.access_code_login, name="access_code_login"),
    path("accounts/invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
