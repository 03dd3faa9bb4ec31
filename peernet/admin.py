"""The admin pages that installed libraries register, cut down so that none shows a secret.

The admin discovers this module after those of allauth and django-celery-beat (it follows
INSTALLED_APPS), so what is changed here replaces what they registered.

- allauth.mfa's authenticators hold the TOTP secret and the recovery codes' seed in their
  ``data``: staff see whose authenticator it is, of which kind and when it was used, and may
  delete one for a member who lost their device, but never read or filter on ``data``.
- allauth's e-mail confirmations (registered only when keys are stored rather than signed)
  show the key that confirms an address: unregistered.
- Sessions are never registered: a session key signs its holder in.
"""

from allauth.account.models import EmailConfirmation
from allauth.mfa.models import Authenticator
from django.contrib import admin

SECRET_AUTHENTICATOR_FIELDS = ("data",)


class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    list_select_related = ("user",)
    search_fields = ("user__email",)
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def lookup_allowed(self, lookup, value, request=None):
        # A filter typed in the address bar (?data__contains=...) would read the secret.
        if lookup.split("__", 1)[0] in SECRET_AUTHENTICATOR_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)
admin.site.register(Authenticator, AuthenticatorAdmin)

if admin.site.is_registered(EmailConfirmation):
    admin.site.unregister(EmailConfirmation)
