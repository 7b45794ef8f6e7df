"""Notices for network activity go to the same inbox as interlibrary loan (loans.Notification), e-mailed on commit."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from loans import notices
from loans.models import Notification


def librarians_of(library_id: int):
    return get_user_model().objects.filter(memberships__library_id=library_id, memberships__role="librarian")


def notify(users, kind: str, template: str, **found) -> None:
    """An in-app notice to each person, and one e-mail after the transaction commits (none for a rollback).
    `template`: the message's English text (gettext_noop), `found` its values (loans.notices)."""
    recipients = {user.pk: user for user in users if user is not None}.values()
    params = notices.values(**found)
    message = notices.render(template, params)
    Notification.objects.bulk_create(
        [
            Notification(user=user, request=None, kind=kind, message=message, template=template, params=params)
            for user in recipients
        ]
    )
    emails = [user.email for user in recipients if user.email]
    if emails:
        transaction.on_commit(lambda: send_mail(f"Silang: {message[:70]}", message, None, emails, fail_silently=True))
