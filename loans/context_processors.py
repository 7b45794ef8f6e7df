from django.utils.functional import SimpleLazyObject


def notifications(request):
    """The signed-in person's unread notices, for the header; counted only when a page shows it."""
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        from .models import Notification

        return Notification.objects.visible_to(user).filter(read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(unread)}
