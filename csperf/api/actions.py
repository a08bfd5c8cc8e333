"""Ending API tokens: the holder ends the one presented, HR ends a login's tokens with a reason.

(Changing or resetting a password and disabling a login end them too: csperf/api/signals.py.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from csperf.api.models import ApiToken
from csperf.core import audit
from csperf.core.errors import InvalidInput, NotAllowed, require_reason
from csperf.org.access import can_manage_org

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def tokens_of(user: User) -> list[ApiToken]:
    """A login's tokens, newest first (only their dates are kept: the token itself never is)."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at"))


def revoke_presented(user: User, raw_token: str) -> None:
    """The holder ends the token they authenticated with (``POST /api/auth/revoke``)."""
    with transaction.atomic():
        if ApiToken.revoke(raw_token):
            audit.record(user, "revoke_token", user, field="api_token")


def revoke_tokens(actor: User, user: User, *, reason: str, token_id: int | None = None) -> int:
    """HR ends one of a login's tokens, or all of them; returns how many ended."""
    if not can_manage_org(actor):
        raise NotAllowed(_("Only HR may revoke API tokens."))
    reason = require_reason(reason)
    with transaction.atomic():
        tokens = ApiToken.objects.select_for_update().filter(user=user)
        if token_id is not None:
            tokens = tokens.filter(pk=token_id)
            if not tokens.exists():
                raise InvalidInput(
                    _("%(name)s has no API token number %(id)s.")
                    % {"name": user.username, "id": token_id},
                    field="token",
                )
        ids = sorted(tokens.values_list("pk", flat=True))
        if ids:
            audit.record(actor, "revoke_token", user, field="api_token", old=ids, reason=reason)
            ApiToken.objects.filter(pk__in=ids).delete()
    return len(ids)
