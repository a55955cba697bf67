"""Pages of the notifications app: the list, marking all read, opening one."""

from django.urls import path

from watercooler.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read/", views.mark_all_read, name="mark_all_read"),
    path("notifications/settings/", views.notification_settings, name="settings"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notifications/digest/", views.digest_preview, name="digest_preview"),
    path(
        "notifications/devices/<int:subscription_id>/remove/",
        views.remove_device,
        name="remove_device",
    ),
    path("notifications/mute/", views.mute, name="mute"),
    path("notifications/mutes/<int:mute_id>/unmute/", views.unmute, name="unmute"),
    path("notifications/<int:notification_id>/open/", views.open_notification, name="open"),
]
