"""API tokens: only a hash is stored; the token itself is shown once, when issued."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token of {self.user} until {self.expires_at:%Y-%m-%d}"

    @classmethod
    def issue(cls, user: User) -> tuple[ApiToken, str]:
        token = "csp_" + secrets.token_urlsafe(32)
        obj = cls.objects.create(
            user=user,
            digest=_digest(token),
            expires_at=timezone.now() + timedelta(days=settings.CSPERF_TOKEN_DAYS),
        )
        return obj, token

    @classmethod
    def user_for(cls, token: str) -> Any | None:
        obj = (
            cls.objects.select_related("user")
            .filter(digest=_digest(token), expires_at__gt=timezone.now())
            .first()
        )
        if obj is None or not obj.user.is_active:
            return None
        now = timezone.now()
        # to the minute (as HR's logins page shows it): no database write on every API read
        if obj.last_used_at is None or now - obj.last_used_at >= timedelta(minutes=1):
            cls.objects.filter(pk=obj.pk).update(last_used_at=now)
        return obj.user

    @classmethod
    def revoke(cls, token: str) -> int:
        """Delete the token (its owner logs out of the API); how many rows went."""
        return cls.objects.filter(digest=_digest(token)).delete()[0]
