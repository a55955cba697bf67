"""Notifications about events: receivers of the events app's domain signals."""
