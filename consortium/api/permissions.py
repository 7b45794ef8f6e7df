from rest_framework import permissions

from consortium.policy import is_api_key


class ReadOnlyKeyCannotWrite(permissions.BasePermission):
    """A read-scope API key may only read; finer rules live in consortium.policy and the services."""

    message = "This API key is read-only."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return not (is_api_key(request.user) and not request.user.can_write)


class ReadForAnyoneWriteSignedIn(permissions.BasePermission):
    """Public reads (the directory, the catalog); writes need an authenticated actor."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)
