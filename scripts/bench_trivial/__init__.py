"""The floor to compare PeerNet's pages with: one Django view rendering a small template, with no
database, session, middleware or app, served by the same gunicorn and Django as the portal."""
