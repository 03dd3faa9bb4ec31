"""Answers to the members app's signals (members never imports meetings)."""

from django.dispatch import receiver

from members.signals import member_approved, member_withdrawn
from peernet.dispatch import task_start_on_commit

from . import services


@receiver(member_approved, dispatch_uid="meetings.invite_new_member")
def invite_new_member(sender, registration, **kwargs):
    # Sent inside the approving transaction: the task starts only if the approval commits.
    task_start_on_commit("meetings.member_invitations_send", registration.user_id)


@receiver(member_withdrawn, dispatch_uid="meetings.member_departure")
def forget_departed_member(sender, registration, **kwargs):
    services.member_departure(user=registration.user)
