"""Django's createsuperuser, without its ways around the password validators.

Django skips AUTH_PASSWORD_VALIDATORS for ``--noinput`` (DJANGO_SUPERUSER_PASSWORD) and lets an
interactive user answer "y" to "Bypass password validation"; here both end in an error naming the
rules, and no login is created.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    help = createsuperuser.Command.help + " The password must pass the configured validators."

    def handle(self, *args: Any, **options: Any) -> Any:
        manager_class = type(self.UserModel._default_manager)
        original = manager_class.create_superuser
        model = self.UserModel

        def checked(manager: Any, *a: Any, **fields: Any) -> Any:
            password = fields.get("password")
            if password is not None:
                try:
                    validate_password(
                        password, model(**{model.USERNAME_FIELD: fields.get(model.USERNAME_FIELD)})
                    )
                except ValidationError as exc:
                    raise CommandError("password: " + " ".join(exc.messages)) from None
            return original(manager, *a, **fields)

        with mock.patch.object(manager_class, "create_superuser", checked):
            return super().handle(*args, **options)
