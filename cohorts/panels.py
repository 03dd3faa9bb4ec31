"""The cohorts section of a member's page (``members.seams.member_panels``).

members/ does not know this app: its page calls what the apps registered (``cohorts/apps.py``
registers this), and this one answers when the member's organisation is linked to a community
profile.
"""

from . import selectors


def member_community_panel(request, registration) -> dict | None:
    communities = selectors.community_for_organisation(
        organisation_id=registration.known_organisation_id
    )
    if not communities:
        return None
    return {"template": "cohorts/member_panel.html", "communities": communities}
