"""The API's page on the site: HR ends a login's API tokens from the access page (/org/access/).

Its URL sits in the ``org`` namespace beside the access page (``org:revoke-tokens``), composed in
``csperf.web.urls``: the organisation app does not import the API, which sits above it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from csperf.api import actions as token_actions
from csperf.core.errors import InvalidInput
from csperf.core.views import action_view
from csperf.org.access import get_login_for_user


@action_view
def revoke_tokens(request: HttpRequest, login_id: int) -> HttpResponse:
    """HR ends one API token of a login (``token``) or all of them, with a reason."""
    login = get_login_for_user(request.user, login_id)
    raw = request.POST.get("token", "").strip()
    if raw and (not raw.isdigit() or len(raw) > 18):
        raise InvalidInput(_("Choose a token from the list."), field="token")
    count = token_actions.revoke_tokens(
        request.user,
        login,
        reason=request.POST.get("reason", ""),
        token_id=int(raw) if raw else None,
    )
    messages.success(
        request,
        ngettext(
            "%(count)d API token of %(name)s revoked.",
            "%(count)d API tokens of %(name)s revoked.",
            count,
        )
        % {"count": count, "name": login.username},
    )
    return redirect("org:access")


# Added to the ``org`` URL namespace by csperf.web.urls (under /org/).
org_urlpatterns = [
    path("access/logins/<int:login_id>/tokens/", revoke_tokens, name="revoke-tokens"),
]
