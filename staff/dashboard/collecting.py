"""The sections of the staff dashboard, collected from the apps that registered one in
:data:`staff.seams.dashboard_panels`, and the permission rule they share."""

from staff.seams import dashboard_panels

from .panels import Panel


def panels_collect(*, request) -> list[Panel]:
    """Every app's section, in the order they registered in (that of ``INSTALLED_APPS``);
    ``request=None`` for the digest."""
    panels = []
    for dashboard_panel in dashboard_panels:
        panel = dashboard_panel(request)
        if panel is not None:
            panels.append(panel)
    return panels


def may_view(request, model) -> bool:
    """Whether the person signed in may view ``model``'s rows in the admin (always true for
    the digest, which has no request)."""
    if request is None:
        return True
    options = model._meta
    return request.user.has_perm(f"{options.app_label}.view_{options.model_name}")
