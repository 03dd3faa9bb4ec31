"""What the other apps contribute to the staff's pages, declared here so that they can register
without importing the staff app's views or dashboard (and what those import).

The staff app uses only the shared plumbing of ``peernet/``: members, meetings and cohorts
register into these from their ``AppConfig.ready()``, and the pages call whatever was
registered, in the order of ``INSTALLED_APPS``.
"""

from peernet.seams import Seam

# Sections of the staff dashboard and of the daily digest (staff.dashboard.panels_collect):
# callables taking the request (None for the digest) and returning a staff.dashboard.Panel, or
# None when the person signed in may see nothing of it.
dashboard_panels: Seam = Seam("dashboard panels")

# The meetings the home page lists (staff.views.HomeView): callables with no argument returning
# the meetings not over yet, soonest first (a queryset or list of objects with ``pk``,
# ``title``, ``starts_at``, ``ends_at`` and ``is_cancelled``). Their lists are read in turn.
upcoming_meetings: Seam = Seam("upcoming meetings")
