"""Notifications about communities: receivers of the communities app's domain signals."""
