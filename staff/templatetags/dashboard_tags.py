"""The staff dashboard on the admin's index page (templates/admin/index.html).

A tag rather than a custom AdminSite or a wrapped index view: the admin stays Django's own,
and the page asks for the panels only when it is drawn.
"""

from django import template

from staff import dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_dashboard(context) -> dashboard.Dashboard:
    return dashboard.Dashboard(panels=dashboard.panels_collect(request=context["request"]))
