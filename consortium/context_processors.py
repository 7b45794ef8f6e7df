from . import policy


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_role": policy.role_of(user),
        "nav_is_coordinator": policy.is_coordinator(user),
    }
