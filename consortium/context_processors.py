from django.conf import settings

from . import policy


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_role": policy.role_of(user),
        "nav_is_coordinator": policy.is_coordinator(user),
        # The login throttle, told on the login page (django-axes settings).
        "login_failure_limit": settings.AXES_FAILURE_LIMIT,
        "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
