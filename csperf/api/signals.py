"""A login's API tokens die with its password and with the login itself.

Whenever a user row is saved after a new password was set (``set_password``: the password page,
HR's reset on the logins page, ``csperf manage changepassword``) or while the login is disabled,
its tokens are deleted. Django's own re-hashing of an unchanged password at login (a hasher
upgrade) does not count: it clears ``_password`` before saving.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from csperf.api.models import ApiToken


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="csperf-token-credentials")
def _note_credentials(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None:
        return
    new_password = getattr(instance, "_password", None) is not None
    disabled = not instance.is_active and (update_fields is None or "is_active" in update_fields)
    instance._csperf_revoke_tokens = new_password or disabled


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="csperf-token-revoke")
def _revoke_tokens(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if getattr(instance, "_csperf_revoke_tokens", False):
        instance._csperf_revoke_tokens = False
        ApiToken.objects.filter(user_id=instance.pk).delete()
