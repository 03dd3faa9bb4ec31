"""Pieces shared by the apps' admin pages: the missing-translation column, the 400 answer
to a change form sent back with errors, and the "are you sure" pages of actions that decide
on each selected row."""

from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .languages import language_codes, other_language

LANGUAGE_NAMES = {"en": _("English"), "fr": _("French")}


def text_is_empty(value) -> bool:
    return value is None or not str(value).strip()


def missing_languages(obj, fields) -> list[str]:
    """Languages in which one of ``fields`` is empty while the other language has it."""
    missing = []
    for code in language_codes():
        other = other_language(code)
        if any(
            text_is_empty(getattr(obj, f"{field}_{code}"))
            and not text_is_empty(getattr(obj, f"{field}_{other}"))
            for field in fields
        ):
            missing.append(code)
    return missing


def translation_status(missing: list[str], *, missing_text=None) -> str:
    """The translation column: complete, or which language is missing (``missing_text``
    has one ``%s`` for the languages)."""
    if not missing:
        return format_html('<span class="translation-ok">{}</span>', _("Complete"))
    labels = ", ".join(str(LANGUAGE_NAMES[code]) for code in missing)
    text = (missing_text or _("Missing: %s")) % labels
    return format_html('<strong class="translation-missing">{}</strong>', text)


class InvalidFormStatusMixin:
    """A change form sent back with errors answers 400, as the portal's public forms do."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        if request.method == "POST" and context.get("errors"):
            response.status_code = 400
        return response


class ReadOnlyAdminMixin:
    """Rows staff read but never add, change or delete here (members' answers, mail that
    arrived)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def confirmation_page_render(
    model_admin, request, *, template: str, title: str, status: int = 200, **context
) -> TemplateResponse:
    """An "are you sure" page (a ``template`` that extends admin/peernet/confirm.html) about
    rows of ``model_admin``, in the admin's frame, with ``context`` for its blocks."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": model_admin.model._meta,
            **context,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
        status=status,
    )


def decision_report(model_admin, request, *, decide: Callable[[], object], success: str) -> None:
    """Call ``decide()`` and tell the staff member how it went: the service's refusal
    (``ValidationError``) as an error, otherwise ``success``."""
    try:
        decide()
    except ValidationError as error:
        model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
    else:
        model_admin.message_user(request, success, messages.SUCCESS)


def selection_decide(
    model_admin, request, rows: Iterable, decide: Callable[[object], object]
) -> int:
    """Call ``decide(row)`` for each row and return how many it decided; a row the service
    refuses (``ValidationError``) is named in a warning and the others are still decided."""
    decided = 0
    for row in rows:
        try:
            decide(row)
        except ValidationError as error:
            model_admin.message_user(
                request, f"{row}: {' '.join(error.messages)}", messages.WARNING
            )
        else:
            decided += 1
    return decided
