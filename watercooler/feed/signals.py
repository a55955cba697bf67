"""Domain signals the feed sends after a change commits, for apps above it (notifications,
search, insights) that the feed must not import. Each is sent with keyword arguments only."""

from django.dispatch import Signal

# post=Post, mentioned=list[User]
post_created = Signal()
# post=Post, mentioned=list[User] (only people newly mentioned by the edit)
post_updated = Signal()
# post=Post
post_deleted = Signal()
# reply=Reply, mentioned=list[User]
reply_created = Signal()
# reply=Reply
reply_deleted = Signal()
# reaction=Reaction (post or reply set)
reaction_added = Signal()
# reaction=Reaction (already deleted from the database)
reaction_removed = Signal()
# follower=User, followee=User
person_followed = Signal()
