"""Questions and accepted answers (views.py): the questions page, choosing the answer."""

from django.urls import path

from watercooler.questions import views

app_name = "answers"

urlpatterns = [
    path("questions/", views.questions, name="questions"),
    path("posts/<int:post_id>/answer/", views.accept_answer, name="accept"),
    path("posts/<int:post_id>/answer/clear/", views.clear_answer, name="clear"),
]
