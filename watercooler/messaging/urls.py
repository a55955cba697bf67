"""Messaging pages: the inbox, a conversation, one message, starting one, settings, blocks."""

from django.urls import path

from watercooler.messaging import views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/new/", views.start, name="start"),
    path("messages/<int:conversation_id>/", views.conversation, name="conversation"),
    path("messages/<int:conversation_id>/send/", views.send, name="send"),
    path("messages/<int:conversation_id>/manage/", views.manage, name="manage"),
    path("messages/m/<int:message_id>/", views.message_fragment, name="message"),
    path("messages/m/<int:message_id>/react/", views.react, name="react"),
    path("messages/m/<int:message_id>/edit/", views.edit, name="edit"),
    path("messages/m/<int:message_id>/delete/", views.delete, name="delete"),
    path("messages/settings/", views.settings, name="settings"),
    path("messages/block/<str:username>/", views.block, name="block"),
]
