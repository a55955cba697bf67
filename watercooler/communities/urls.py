"""Pages of communities: the directory, creating one, and a community's about, members,
requests and settings tabs (its feed, files and health tabs are the feed's, its events tab the
events app's; all share ``communities/base_community.html``)."""

app_name = "communities"

urlpatterns: list = []
