"""Search pages: results, experts, the type-ahead, and asking an expert."""

from django.urls import path

from watercooler.search import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/experts/", views.experts_page, name="experts"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("posts/<int:post_id>/ask-expert/", views.ask_expert, name="ask_expert"),
]
