"""Replies that calendar clients send to the organiser's address (iMIP, RFC 6047).

One pipeline whatever way a message comes in (a mail server's pipe through
``manage.py receive_mail``, or the IMAP poller of :mod:`meetings.replies.mailbox`):
:mod:`.parsing` reads the message without trusting any of it, and :mod:`.services` decides
whether the reply may be believed and records the answer through the answer service.
"""
