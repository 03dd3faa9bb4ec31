"""What the other apps contribute to the members app's pages, declared here so that they can
register without importing members' views or services (and what those import).

members/ knows neither programme: meetings and cohorts register into these from their
``AppConfig.ready()``, and the pages below call whatever was registered, in the order of
``INSTALLED_APPS``.
"""

from peernet.seams import Seam

# Sections of the member's page (members.views.MemberHomeView): callables taking the request
# and the registration (read with its user) and returning None or a dict with a "template"
# key and that template's context.
member_panels: Seam = Seam("member page panels")

# Sections of a member's data export (members.services.member_data_export): callables taking
# the user and returning (section name, JSON-serialisable data).
member_data_exporters: Seam = Seam("member data exporters")

# What the other apps delete once its retention period is over, run by the scheduled purge
# (members.services.registrations_purge): callables taking the keyword ``now`` and returning how
# many rows went. The privacy notice shows each period (staff.privacy_notice).
personal_data_purges: Seam = Seam("personal data purges")

# Where the registration page learns of the next meeting (members.registration_notice):
# callables with no argument returning the next scheduled meeting (an object with ``title``,
# ``starts_at`` and ``ends_at``) or None. The first that answers is used.
next_meeting_sources: Seam = Seam("next meeting sources")
