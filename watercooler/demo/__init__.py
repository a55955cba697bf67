"""The demo app: the demo organisation (Fernwick Outdoor Co.), built on top of every other app.

``manage.py demo`` fills an empty database with it; ``builder.py`` runs each part in the app
order. No other app imports from here.
"""
