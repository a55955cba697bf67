"""Turns the feed's domain signals into notifications (see watercooler/feed/signals.py)."""
