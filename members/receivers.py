"""Answers to allauth's signals."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from . import services


@receiver(email_confirmed)
def registration_on_email_confirmed(sender, request, email_address, **kwargs):
    services.registration_email_confirmed(user=email_address.user)
