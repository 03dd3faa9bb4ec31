"""The members app in the Django admin: accounts, the reference list of governments and the
review queue, one module each. Importing this package registers them all."""

from .accounts import UserAdmin
from .organisations import KnownOrganisationAdmin
from .registrations import RegistrationAdmin

__all__ = ["KnownOrganisationAdmin", "RegistrationAdmin", "UserAdmin"]
