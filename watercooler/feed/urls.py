"""Pages of conversations: the home feed (wired as "home" in the project URL map), posts, replies,
reactions, polls, topics, follows, and the composer's @mention and #topic suggestions."""

from django.urls import path

from watercooler.feed import views

app_name = "feed"

urlpatterns = [
    # Posts and their threads
    path("posts/new/", views.create_post, name="create_post"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/card/", views.post_card, name="post_card"),
    path("posts/<int:post_id>/edit/", views.edit_post, name="edit_post"),
    path("posts/<int:post_id>/history/", views.post_history, name="post_history"),
    path("posts/<int:post_id>/delete/", views.delete_post, name="delete_post"),
    path("posts/<int:post_id>/pin/", views.pin_post, name="pin_post"),
    path("posts/<int:post_id>/react/", views.react_post, name="react_post"),
    path("posts/<int:post_id>/reactions/", views.post_reactions, name="post_reactions"),
    path("posts/<int:post_id>/vote/", views.vote, name="vote"),
    path("posts/<int:post_id>/replies/", views.replies, name="replies"),
    path("replies/<int:reply_id>/react/", views.react_reply, name="react_reply"),
    path("replies/<int:reply_id>/reactions/", views.reply_reactions, name="reply_reactions"),
    path("replies/<int:reply_id>/delete/", views.delete_reply, name="delete_reply"),
    # Topics
    path("topics/", views.topics, name="topics"),
    path("topics/suggest/", views.topic_suggest, name="topic_suggest"),
    path("topics/<str:name>/", views.topic, name="topic"),
    path("topics/<str:name>/follow/", views.follow_topic, name="follow_topic"),
    # People: suggestions while typing, follows. Longer than people's /people/<username>/ routes;
    # "mentions" is listed first so it never reads as a username.
    path("people/mentions/", views.mention_suggest, name="mention_suggest"),
    path("people/<str:username>/follow/", views.follow_person, name="follow_person"),
    path("people/<str:username>/posts/", views.author_posts, name="author_posts"),
    path("people/<str:username>/replies/", views.author_replies, name="author_replies"),
    path("people/<str:username>/followers/", views.followers, name="followers"),
    path("people/<str:username>/following/", views.following, name="following"),
]
