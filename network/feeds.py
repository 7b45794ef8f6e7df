"""Each shared list as an Atom feed (RFC 4287), for feed readers and school websites."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from consortium.models import Library

from . import selectors
from .models import ReadingList, Subscription


def _aware(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(7, 0)), timezone.get_current_timezone())


def _authors(record) -> str:
    return "; ".join(a.get("name", "") for a in (record.authors or []) if a.get("name"))


def _library(request) -> Library | None:
    code = request.GET.get("library", "")
    if not code:
        return None
    library = Library.objects.filter(code__iexact=code).first()
    if library is None:
        raise Http404
    return library


def _days(request) -> int:
    return 90 if request.GET.get("days") == "90" else 30


class AcquisitionsFeed(Feed):
    feed_type = Atom1Feed
    author_name = "Silang"

    def get_object(self, request):
        return {"library": _library(request), "days": _days(request), "query": request.GET.urlencode()}

    def title(self, obj):
        where = obj["library"].name if obj["library"] else _("all member schools")
        return _("New acquisitions, last %(days)s days: %(where)s") % {"days": obj["days"], "where": where}

    def link(self, obj):
        return reverse("network:acquisitions") + (f"?{obj['query']}" if obj["query"] else "")

    def subtitle(self, obj):
        return _("Titles added to the union catalog by member school libraries.")

    def items(self, obj):
        return selectors.new_acquisitions(library=obj["library"], days=obj["days"], limit=200)

    def item_title(self, item):
        return str(item[0])

    def item_description(self, item):
        record, added, codes = item
        return _("%(authors)s %(year)s — added %(date)s at %(where)s") % {
            "authors": _authors(record),
            "year": record.year or "",
            "date": added.strftime("%d-%m-%Y"),
            "where": ", ".join(codes),
        }

    def item_link(self, item):
        return item[0].get_absolute_url()

    def item_updateddate(self, item):
        return _aware(item[1])

    def item_pubdate(self, item):
        return _aware(item[1])

    def item_author_name(self, item):
        return _authors(item[0]) or None


class SubscriptionsFeed(Feed):
    feed_type = Atom1Feed
    author_name = "Silang"

    def get_object(self, request):
        return {"library": _library(request), "query": request.GET.urlencode()}

    def title(self, obj):
        where = obj["library"].name if obj["library"] else _("all member schools")
        return _("Magazines and newspapers: %(where)s") % {"where": where}

    def link(self, obj):
        return reverse("network:subscription_list") + (f"?{obj['query']}" if obj["query"] else "")

    def subtitle(self, obj):
        return _("Serials the member school libraries subscribe to, with the issues they keep.")

    def items(self, obj):
        subscriptions = Subscription.objects.filter(active=True).select_related("library").order_by("-updated_at")
        if obj["library"]:
            subscriptions = subscriptions.filter(library=obj["library"])
        return subscriptions[:500]

    def item_title(self, item):
        return f"{item.title} ({item.library.code})"

    def item_description(self, item):
        return f"{item.get_kind_display()}, {item.get_frequency_display()}. {_('Holdings')}: {item.holdings_range}"

    def item_link(self, item):
        return reverse("network:subscription_list") + f"?library={item.library.code}#sub-{item.pk}"

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.library.name


class ReadingListFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, pk):
        return get_object_or_404(ReadingList.objects.visible_to(request.user).select_related("library", "owner"), pk=pk)

    def title(self, obj):
        return f"{obj.title} — {obj.class_name}, {obj.subject}"

    def link(self, obj):
        return obj.get_absolute_url()

    def subtitle(self, obj):
        return obj.description or _("Reading list of %(school)s.") % {"school": obj.library.name}

    def author_name(self, obj):
        return (obj.owner.get_full_name() or obj.owner.username) if obj.owner_id else obj.library.name

    def items(self, obj):
        return obj.items.select_related("record")

    def item_title(self, item):
        return str(item.record)

    def item_description(self, item):
        parts = [_authors(item.record), str(item.record.year or ""), item.note]
        return " — ".join(p for p in parts if p)

    def item_link(self, item):
        return item.record.get_absolute_url()

    def item_updateddate(self, item):
        return item.added_at

    def item_author_name(self, item):
        return _authors(item.record) or None
