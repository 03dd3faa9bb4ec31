"""What the review queue reads: the search staff type and the filters they pick.

The admin's queue (:mod:`members.admin.registrations`) only passes their input here, so that
the rule of what a search finds is written once, beside the indexes that serve it.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal

from . import eligibility
from .choices import FlagCode, RegistrationStatus
from .models import Registration, RegistrationFlag, User

# What the flag filter offers besides each flag: requests likely eligible, and requests with
# no flag at all.
FLAG_LIKELY = "likely"
FLAG_NONE = "none"


def registrations_search(*, queryset: QuerySet, search_term: str) -> QuerySet:
    """The requests of ``queryset`` that a search finds (all of them when it names nothing).

    Every word is found in the name, e-mail address, organisation or job title (as Django's
    search would), and names are also found without their accents or apostrophes, however
    they were typed (Cote finds Côté, Skwxwu7mesh finds Sḵwx̱wú7mesh, decomposed or not).

    Each table is searched on its own, through a subquery, so that on PostgreSQL each lookup
    reads its trigram index (members/migrations/0003_admin_indexes.py); a join with one OR
    over both tables would read every row of both.
    """
    # PostgreSQL refuses a NUL character in a query: it can only be a mistake or a probe.
    search_term = search_term.replace("\x00", "")
    matches = Q()
    for word in smart_split(search_term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        if not word:
            continue
        matches &= _word_matches(word)
    folded = " ".join(eligibility.name_key(search_term, "").split())
    if folded:
        matches |= Q(pk__in=Registration.objects.filter(person_key__contains=folded).values("pk"))
    return queryset.filter(matches) if matches else queryset


def _word_matches(word: str) -> Q:
    users = User.objects.filter(
        Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
    )
    registrations = Registration.objects.filter(
        Q(organisation_name__icontains=word) | Q(job_title__icontains=word)
    )
    return Q(user__in=users.values("pk")) | Q(pk__in=registrations.values("pk"))


def registrations_flagged(*, queryset: QuerySet, flag: str | None) -> QuerySet:
    """The requests of ``queryset`` with a flag (a :class:`FlagCode`, FLAG_LIKELY or
    FLAG_NONE); all of them for any other value."""
    if flag == FLAG_LIKELY:
        return queryset.filter(eligibility.likely_eligible())
    # EXISTS rather than a join: each request is looked up in the flags' index while the
    # queue is read in its own order, and a request is never listed twice.
    flags = RegistrationFlag.objects.filter(registration=OuterRef("pk"))
    if flag == FLAG_NONE:
        return queryset.filter(~Exists(flags))
    if flag in FlagCode.values:
        return queryset.filter(Exists(flags.filter(code=flag)))
    return queryset


def registrations_pending_count() -> int:
    """How many requests await a decision."""
    return Registration.objects.filter(status=RegistrationStatus.PENDING).count()
