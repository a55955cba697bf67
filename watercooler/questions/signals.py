"""Domain signals questions send after a change commits, for apps above it (notifications) that
questions must not import. Each is sent with keyword arguments only."""

from django.dispatch import Signal

# post=Post (the question), reply=Reply (the accepted answer), by=User (who accepted it)
answer_accepted = Signal()
