"""Pages of the network app: thin adapters over network.services, scoped by the querysets' visible_to()."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from catalog.models import Record
from consortium import csvwriter, policy
from consortium.models import Library

from . import certificates, selectors, services
from .choices import BookingStatus, Expertise, FacilityKind, GuidelineCategory
from .filtersets import FacilityFilterSet
from .forms import (
    AnswerForm,
    AttendanceForm,
    BookingForm,
    EventForm,
    ExpertiseForm,
    FacilityForm,
    GuidelineForm,
    GuidelineVersionForm,
    NoteForm,
    PartnerForm,
    QuestionForm,
    ReadingListForm,
    ReadingListRequestForm,
    SubscriptionForm,
    TaskForm,
)
from .models import (
    Booking,
    Event,
    ExpertiseEntry,
    Facility,
    Guideline,
    GuidelineVersion,
    Partner,
    Question,
    ReadingList,
    ReadingListItem,
    Registration,
    Subscription,
    TaskAssignment,
)


def add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: field messages on their fields, the rest on top."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, field_errors in errors.items():
        form.add_error(field if field in form.fields else None, field_errors)


def _week_start(request) -> date:
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


class NetworkHomeView(LoginRequiredMixin, View):
    """The hub: facilities, librarians' cooperation, search tools and the school's partners."""

    def get(self, request):
        school = policy.school_id_of(request.user) or min(policy.library_ids_for(request.user), default=None)
        return render(
            request,
            "network/home.html",
            {
                "school": Library.objects.filter(pk=school).first() if school else None,
                "to_decide": Booking.objects.visible_to(request.user)
                .filter(status=BookingStatus.PENDING, facility__library_id__in=policy.staff_library_ids(request.user))
                .count(),
                "upcoming": Event.objects.visible_to(request.user)
                .filter(starts_at__gte=timezone.now())
                .order_by("starts_at")[:3],
                "can_read_network": policy.can_read_network(request.user),
                "can_see_report": bool(school) and policy.can_see_cooperation_report(request.user, school),
                "calendar_school": Library.objects.filter(
                    pk=min(policy.library_ids_for(request.user), default=0)
                ).first(),
            },
        )


# --- facilities and bookings ---------------------------------------------------------------------------------


class FacilityListView(LoginRequiredMixin, View):
    def get(self, request):
        queryset = Facility.objects.visible_to(request.user).select_related("library", "agreement")
        facilities = FacilityFilterSet(request.GET, queryset=queryset).qs
        staff = Library.objects.filter(pk__in=policy.staff_library_ids(request.user))
        return render(
            request,
            "network/facility_list.html",
            {
                "facilities": facilities,
                "kinds": FacilityKind.choices,
                "libraries": Library.objects.filter(facilities__isnull=False).distinct(),
                "my_libraries": [lib for lib in staff if policy.can_offer_facility(request.user, lib)],
            },
        )


class FacilityEditView(LoginRequiredMixin, View):
    template_name = "network/facility_form.html"

    def setup_objects(self, request, pk=None):
        if pk:
            self.facility = get_object_or_404(Facility.objects.visible_to(request.user), pk=pk)
            self.library = self.facility.library
        else:
            self.facility = None
            code = request.GET.get("library") or request.POST.get("library_code", "")
            self.library = get_object_or_404(Library, code__iexact=code) if code else None
            if self.library is None:
                staff = sorted(policy.staff_library_ids(request.user))
                self.library = Library.objects.filter(pk__in=staff[:1]).first()
        if self.library is None or not policy.can_offer_facility(request.user, self.library):
            raise PermissionDenied(_("Only this school's librarians may offer its facilities."))

    def render_form(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "facility": self.facility, "library": self.library},
            status=status,
        )

    def get(self, request, pk=None):
        self.setup_objects(request, pk)
        return self.render_form(FacilityForm(instance=self.facility, library=self.library))

    def post(self, request, pk=None):
        self.setup_objects(request, pk)
        form = FacilityForm(request.POST, instance=self.facility, library=self.library)
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            facility = services.facility_save(
                by=request.user, library=self.library, facility=self.facility, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.render_form(form, status=400)
        messages.success(request, _("Facility saved."))
        return redirect(facility)


def _bookable_libraries(user, facility):
    return [
        lib for lib in Library.objects.filter(pk__in=policy.staff_library_ids(user)) if policy.can_book_for(user, lib)
    ]


class FacilityDetailView(LoginRequiredMixin, View):
    """The facility with its week calendar and the booking form."""

    template_name = "network/facility_detail.html"

    def render_page(self, request, facility, form=None, status=200):
        first_day = _week_start(request)
        start, end = selectors.week_range(first_day)
        bookings = (
            Booking.objects.live()
            .filter(facility=facility, period__overlap=(start, end))
            .select_related("library")
            .order_by("period")
        )
        libraries = _bookable_libraries(request.user, facility)
        if form is None and libraries:
            form = BookingForm(libraries=libraries, initial={"library": libraries[0].pk})
        return render(
            request,
            self.template_name,
            {
                "facility": facility,
                "days": selectors.calendar_days(bookings, first_day=first_day),
                "previous_week": first_day - timedelta(days=7),
                "next_week": first_day + timedelta(days=7),
                "form": form,
                "can_edit": policy.can_offer_facility(request.user, facility.library_id),
                "visible_booking_ids": set(
                    Booking.objects.visible_to(request.user).filter(facility=facility).values_list("pk", flat=True)
                ),
            },
            status=status,
        )

    def get(self, request, pk):
        facility = get_object_or_404(Facility.objects.visible_to(request.user).select_related("library"), pk=pk)
        return self.render_page(request, facility)

    def post(self, request, pk):
        facility = get_object_or_404(Facility.objects.visible_to(request.user).select_related("library"), pk=pk)
        libraries = _bookable_libraries(request.user, facility)
        if not libraries:
            raise PermissionDenied(_("Only librarians of member schools book facilities."))
        form = BookingForm(request.POST, libraries=libraries)
        if not form.is_valid():
            return self.render_page(request, facility, form, status=400)
        library = next(lib for lib in libraries if lib.pk == form.cleaned_data["library"])
        try:
            booking = services.booking_create(
                facility=facility, library=library, by=request.user, **form.cleaned_for_service()
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.render_page(request, facility, form, status=400)
        messages.success(request, _("Booking sent: the owner will approve or decline it."))
        return redirect(booking)


class BookingListView(LoginRequiredMixin, View):
    """My school's bookings: those waiting for our decision and those we made."""

    def get(self, request):
        mine = policy.library_ids_for(request.user)
        bookings = Booking.objects.visible_to(request.user).select_related("facility__library", "library")
        return render(
            request,
            "network/booking_list.html",
            {
                "to_decide": bookings.filter(status=BookingStatus.PENDING, facility__library_id__in=mine),
                "made": bookings.filter(library_id__in=mine).order_by("-period")[:100],
                "for_our_facilities": bookings.filter(facility__library_id__in=mine)
                .exclude(status=BookingStatus.PENDING)
                .order_by("-period")[:100],
            },
        )


BOOKING_ACTIONS = {
    "approve": services.booking_approve,
    "decline": services.booking_decline,
    "cancel": services.booking_cancel,
}


class BookingDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        booking = get_object_or_404(
            Booking.objects.visible_to(request.user).select_related("facility__library", "library", "agreement"),
            pk=pk,
        )
        can_decide = policy.can_decide_booking(request.user, booking) and booking.status == BookingStatus.PENDING
        can_cancel = (
            policy.can_cancel_booking(request.user, booking)
            and booking.status in (BookingStatus.PENDING, BookingStatus.APPROVED)
            and booking.period.upper > timezone.now()
        )
        return render(
            request,
            "network/booking_detail.html",
            {"booking": booking, "can_decide": can_decide, "can_cancel": can_cancel, "form": NoteForm()},
        )


class BookingActionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        booking = get_object_or_404(Booking.objects.visible_to(request.user), pk=pk)
        if action not in BOOKING_ACTIONS:
            raise Http404
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            BOOKING_ACTIONS[action](booking=booking, by=request.user, note=note)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Booking updated."))
        return redirect(booking)


class SchoolCalendarView(LoginRequiredMixin, View):
    """A school's week: bookings of its facilities and bookings it made elsewhere."""

    def get(self, request, code):
        library = get_object_or_404(Library, code__iexact=code)
        if not (policy.is_coordinator(request.user) or policy.is_staff_of(request.user, library)):
            raise Http404
        first_day = _week_start(request)
        start, end = selectors.week_range(first_day)
        bookings = (
            Booking.objects.visible_to(request.user)
            .live()
            .filter(Q(facility__library=library) | Q(library=library), period__overlap=(start, end))
            .select_related("facility__library", "library")
            .order_by("period")
        )
        return render(
            request,
            "network/school_calendar.html",
            {
                "library": library,
                "days": selectors.calendar_days(bookings, first_day=first_day),
                "previous_week": first_day - timedelta(days=7),
                "next_week": first_day + timedelta(days=7),
            },
        )


class UsageView(LoginRequiredMixin, View):
    """Usage of shared facilities per agreement (approved bookings, hours)."""

    def get(self, request):
        try:
            since = date.fromisoformat(request.GET.get("since", ""))
        except ValueError:
            since = timezone.localdate().replace(month=1, day=1)
        start, _end = selectors.week_range(since)
        bookings = Booking.objects.visible_to(request.user).filter(period__startswith__gte=start)
        rows = selectors.usage_by_agreement(bookings)
        return render(
            request,
            "network/usage.html",
            {
                "rows": rows,
                "since": since,
                "total_bookings": sum(r["bookings"] for r in rows),
                "total_hours": sum(r["hours"] for r in rows),
            },
        )


# --- librarians' network ---------------------------------------------------------------------------------------


def _network_reader(request):
    if not policy.can_read_network(request.user):
        raise PermissionDenied(_("The librarians' network is for library staff, teachers and coordinators."))


class EventListView(LoginRequiredMixin, View):
    def get(self, request):
        _network_reader(request)
        events = (
            Event.objects.visible_to(request.user)
            .select_related("organiser")
            .annotate(registered=Count("registrations"))
        )
        now = timezone.now()
        return render(
            request,
            "network/event_list.html",
            {
                "upcoming": events.filter(ends_at__gte=now).order_by("starts_at"),
                "past": events.filter(ends_at__lt=now).order_by("-starts_at")[:50],
                "can_organise": policy.can_organise_events(request.user),
            },
        )


class EventEditView(LoginRequiredMixin, View):
    template_name = "network/event_form.html"

    def get_event(self, request, pk):
        if pk is None:
            if not policy.can_organise_events(request.user):
                raise PermissionDenied(_("Only librarians and coordinators organise meetings and training."))
            return None
        event = get_object_or_404(Event.objects.visible_to(request.user), pk=pk)
        if not policy.can_manage_event(request.user, event):
            raise PermissionDenied(_("Only the organisers may change this event."))
        return event

    def get(self, request, pk=None):
        event = self.get_event(request, pk)
        return render(request, self.template_name, {"form": EventForm(instance=event), "event": event})

    def post(self, request, pk=None):
        event = self.get_event(request, pk)
        form = EventForm(request.POST, instance=event)
        if form.is_valid():
            try:
                event = services.event_save(by=request.user, event=event, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Event saved."))
                return redirect(event)
        return render(request, self.template_name, {"form": form, "event": event}, status=400)


class EventDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        _network_reader(request)
        event = get_object_or_404(Event.objects.visible_to(request.user).select_related("organiser"), pk=pk)
        registrations = list(event.registrations.select_related("user", "library"))
        mine = next((r for r in registrations if r.user_id == request.user.pk), None)
        can_manage = policy.can_manage_event(request.user, event)
        started = event.starts_at <= timezone.now()
        return render(
            request,
            "network/event_detail.html",
            {
                "event": event,
                "registrations": registrations if can_manage else [],
                "count": len(registrations),
                "mine": mine,
                "can_register": policy.can_register_for_events(request.user) and not started and mine is None,
                "is_full": len(registrations) >= event.capacity,
                "can_manage": can_manage,
                "attendance_form": AttendanceForm(
                    registrations=registrations,
                    initial={"attended": [r.user_id for r in registrations if r.attended], "minutes": event.minutes},
                )
                if can_manage and started
                else None,
                "started": started,
            },
        )


class EventActionView(LoginRequiredMixin, View):
    def post(self, request, pk, action):
        event = get_object_or_404(Event.objects.visible_to(request.user), pk=pk)
        try:
            if action == "register":
                services.event_register(event=event, by=request.user)
                messages.success(request, _("You are registered."))
            elif action == "unregister":
                services.event_unregister(event=event, by=request.user)
                messages.success(request, _("Registration withdrawn."))
            elif action == "attendance":
                registrations = list(event.registrations.select_related("user", "library"))
                form = AttendanceForm(request.POST, registrations=registrations)
                if not form.is_valid():
                    messages.error(request, _("Please correct the attendance list."))
                    return redirect(event)
                services.event_record_attendance(
                    event=event,
                    by=request.user,
                    attended_user_ids=form.cleaned_data["attended"],
                    minutes=form.cleaned_data["minutes"],
                )
                messages.success(request, _("Attendance and minutes saved."))
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(event)


class CertificateView(LoginRequiredMixin, View):
    """The PDF certificate of attendance: the participant, the organisers and coordinators."""

    def get(self, request, pk, user_id):
        event = get_object_or_404(Event.objects.visible_to(request.user), pk=pk)
        registration = get_object_or_404(
            Registration.objects.select_related("user", "library"), event=event, user_id=user_id, attended=True
        )
        if registration.user_id != request.user.pk and not policy.can_manage_event(request.user, event):
            raise Http404
        response = HttpResponse(certificates.render_certificate(registration), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="sertifikat-{event.pk}-{registration.user_id}.pdf"'
        return response


class GuidelineListView(LoginRequiredMixin, View):
    def get(self, request):
        _network_reader(request)
        guidelines = Guideline.objects.select_related("library").annotate(n_versions=Count("versions"))
        category, q = request.GET.get("category", ""), request.GET.get("q", "").strip()
        if category in GuidelineCategory.values:
            guidelines = guidelines.filter(category=category)
        if q:
            guidelines = guidelines.filter(Q(title__icontains=q) | Q(description__icontains=q))
        return render(
            request,
            "network/guideline_list.html",
            {
                "guidelines": guidelines,
                "categories": GuidelineCategory.choices,
                "can_publish": policy.can_contribute_to_network(request.user),
                "form": GuidelineForm() if policy.can_contribute_to_network(request.user) else None,
            },
        )

    def post(self, request):
        _network_reader(request)
        form = GuidelineForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                guideline = services.guideline_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Guideline published."))
                return redirect(guideline)
        guidelines = Guideline.objects.select_related("library").annotate(n_versions=Count("versions"))
        return render(
            request,
            "network/guideline_list.html",
            {"guidelines": guidelines, "categories": GuidelineCategory.choices, "can_publish": True, "form": form},
            status=400,
        )


class GuidelineDetailView(LoginRequiredMixin, View):
    def context(self, request, guideline, form=None):
        can_edit = policy.can_edit_guideline(request.user, guideline)
        return {
            "guideline": guideline,
            "versions": guideline.versions.select_related("uploaded_by"),
            "can_edit": can_edit,
            "form": form or (GuidelineVersionForm() if can_edit else None),
        }

    def get(self, request, pk):
        _network_reader(request)
        guideline = get_object_or_404(Guideline.objects.select_related("library"), pk=pk)
        return render(request, "network/guideline_detail.html", self.context(request, guideline))

    def post(self, request, pk):
        _network_reader(request)
        guideline = get_object_or_404(Guideline.objects.select_related("library"), pk=pk)
        form = GuidelineVersionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.guideline_add_version(guideline=guideline, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("New version added."))
                return redirect(guideline)
        return render(request, "network/guideline_detail.html", self.context(request, guideline, form), status=400)


class GuidelineFileView(LoginRequiredMixin, View):
    """A version's file, served only after the policy says yes (the files are not under /media/)."""

    def get(self, request, pk, number):
        _network_reader(request)
        version = get_object_or_404(GuidelineVersion, guideline_id=pk, number=number)
        return FileResponse(
            version.file.open("rb"),
            as_attachment=True,
            filename=version.original_name,
            content_type=version.content_type,
        )


class ExpertiseListView(LoginRequiredMixin, View):
    """The expertise directory, and the tasks of agreements divided by expertise (coordinators assign them)."""

    def get(self, request, form=None, task_form=None, status=200):
        _network_reader(request)
        entries = ExpertiseEntry.objects.select_related("user", "library")
        area = request.GET.get("area", "")
        if area in Expertise.values:
            entries = entries.filter(area=area)
        can_add = bool(policy.library_ids_for(request.user)) and not policy.is_api_key(request.user)
        can_assign = policy.can_edit_agreements(request.user)
        return render(
            request,
            "network/expertise_list.html",
            {
                "entries": entries,
                "areas": Expertise.choices,
                "form": form or (ExpertiseForm() if can_add else None),
                "tasks": TaskAssignment.objects.select_related("agreement", "assignee", "library")[:100],
                "task_form": task_form or (TaskForm() if can_assign else None),
            },
            status=status,
        )

    def post(self, request):
        _network_reader(request)
        if "remove" in request.POST:
            entry = get_object_or_404(ExpertiseEntry, pk=request.POST.get("remove"))
            try:
                services.expertise_remove(entry=entry, by=request.user)
            except PermissionDenied:
                raise Http404 from None
            return redirect("network:expertise_list")
        if "task" in request.POST:
            task_form = TaskForm(request.POST)
            if task_form.is_valid():
                try:
                    services.task_assign(by=request.user, **task_form.cleaned_data)
                except ValidationError as exc:
                    add_errors(task_form, exc)
                else:
                    messages.success(request, _("Task recorded."))
                    return redirect("network:expertise_list")
            return self.get(request, task_form=task_form, status=400)
        form = ExpertiseForm(request.POST)
        if form.is_valid():
            try:
                services.expertise_add(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Added to the directory."))
                return redirect("network:expertise_list")
        return self.get(request, form=form, status=400)


class QuestionListView(LoginRequiredMixin, View):
    def get(self, request, form=None, status=200):
        _network_reader(request)
        questions = (
            Question.objects.visible_to(request.user)
            .search(request.GET.get("q", ""))
            .select_related("asked_by", "library")
            .annotate(n_answers=Count("answers", distinct=True))
        )
        area = request.GET.get("area", "")
        if area in Expertise.values:
            questions = questions.filter(area=area)
        can_ask = policy.can_contribute_to_network(request.user)
        return render(
            request,
            "network/question_list.html",
            {
                "questions": questions[:100],
                "areas": Expertise.choices,
                "form": form or (QuestionForm() if can_ask else None),
            },
            status=status,
        )

    def post(self, request):
        _network_reader(request)
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                question = services.question_ask(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Question sent to colleagues."))
                return redirect(question)
        return self.get(request, form=form, status=400)


class QuestionDetailView(LoginRequiredMixin, View):
    def render_page(self, request, question, form=None, status=200):
        can_answer = policy.can_contribute_to_network(request.user)
        return render(
            request,
            "network/question_detail.html",
            {
                "question": question,
                "answers": question.answers.select_related("answered_by", "library"),
                "form": form or (AnswerForm() if can_answer else None),
            },
            status=status,
        )

    def get(self, request, pk):
        _network_reader(request)
        question = get_object_or_404(Question.objects.visible_to(request.user).select_related("asked_by"), pk=pk)
        return self.render_page(request, question)

    def post(self, request, pk):
        _network_reader(request)
        question = get_object_or_404(Question.objects.visible_to(request.user).select_related("asked_by"), pk=pk)
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.answer_post(question=question, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Answer posted."))
                return redirect(question)
        return self.render_page(request, question, form, status=400)


# --- shared search tools -----------------------------------------------------------------------------------------


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheet programs read UTF-8 with the byte-order mark
    writer = csvwriter.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _authors(record) -> str:
    return "; ".join(a.get("name", "") for a in (record.authors or []) if a.get("name"))


def _list_library(request):
    code = request.GET.get("library", "")
    if not code:
        return None
    library = Library.objects.filter(code__iexact=code).first()
    if library is None:
        raise Http404
    return library


class AcquisitionsView(View):
    """New acquisitions of one school or of the whole network, last 30 or 90 days; page and CSV."""

    def get(self, request, as_csv=False):
        library = _list_library(request)
        days = 90 if request.GET.get("days") == "90" else 30
        rows = selectors.new_acquisitions(library=library, days=days, limit=2000 if as_csv else 300)
        if as_csv:
            return _csv_response(
                f"acquisitions-{library.code if library else 'network'}-{days}.csv",
                ["record_id", "title", "authors", "year", "isbn", "date_added", "libraries"],
                [
                    [
                        r.pk,
                        str(r),
                        _authors(r),
                        r.year or "",
                        " ".join(r.isbns or []),
                        added.isoformat(),
                        " ".join(codes),
                    ]
                    for r, added, codes in rows
                ],
            )
        return render(
            request,
            "network/acquisitions.html",
            {
                "rows": rows,
                "library": library,
                "days": days,
                "libraries": Library.objects.filter(status="active"),
                "query": request.GET.urlencode(),
            },
        )


class SubscriptionListView(View):
    """Magazines and newspapers each school subscribes to, with holdings ranges; page and CSV."""

    def get(self, request, as_csv=False):
        library = _list_library(request)
        subscriptions = Subscription.objects.select_related("library").order_by("title", "library__name")
        if library:
            subscriptions = subscriptions.filter(library=library)
        if request.GET.get("kind"):
            subscriptions = subscriptions.filter(kind=request.GET["kind"])
        if as_csv:
            return _csv_response(
                f"subscriptions-{library.code if library else 'network'}.csv",
                ["library", "title", "issn", "kind", "frequency", "publisher", "from", "until", "holdings", "active"],
                [
                    [
                        s.library.code,
                        s.title,
                        s.issn,
                        s.kind,
                        s.frequency,
                        s.publisher,
                        s.holdings_from,
                        s.holdings_to or "",
                        s.holdings_note,
                        "yes" if s.active else "no",
                    ]
                    for s in subscriptions
                ],
            )
        manageable = [
            lib
            for lib in Library.objects.filter(pk__in=policy.staff_library_ids(request.user))
            if policy.can_manage_subscriptions(request.user, lib)
        ]
        return render(
            request,
            "network/subscription_list.html",
            {
                "subscriptions": subscriptions,
                "library": library,
                "libraries": Library.objects.filter(subscriptions__isnull=False).distinct(),
                "manageable": manageable,
                "query": request.GET.urlencode(),
            },
        )


class SubscriptionEditView(LoginRequiredMixin, View):
    def setup_objects(self, request, pk):
        if pk:
            self.subscription = get_object_or_404(Subscription, pk=pk)
            self.library = self.subscription.library
        else:
            self.subscription = None
            code = request.GET.get("library") or request.POST.get("library_code", "")
            self.library = get_object_or_404(Library, code__iexact=code)
        if not policy.can_manage_subscriptions(request.user, self.library):
            raise PermissionDenied(_("Only this school's librarians may change its subscriptions."))

    def get(self, request, pk=None):
        self.setup_objects(request, pk)
        form = SubscriptionForm(instance=self.subscription)
        return render(request, "network/simple_form.html", self.context(form))

    def context(self, form):
        return {
            "form": form,
            "title": _("Subscription") + f": {self.library.name}",
            "library_code": self.library.code,
            "back": reverse_lazy_list("network:subscription_list", self.library.code),
        }

    def post(self, request, pk=None):
        self.setup_objects(request, pk)
        form = SubscriptionForm(request.POST, instance=self.subscription)
        if form.is_valid():
            try:
                services.subscription_save(
                    by=request.user, library=self.library, subscription=self.subscription, **form.cleaned_data
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Subscription saved."))
                return redirect(reverse_lazy_list("network:subscription_list", self.library.code))
        return render(request, "network/simple_form.html", self.context(form), status=400)


def reverse_lazy_list(name: str, code: str) -> str:
    from django.urls import reverse

    return f"{reverse(name)}?library={code}"


class ReadingListListView(View):
    def get(self, request):
        lists = (
            ReadingList.objects.visible_to(request.user)
            .select_related("library", "owner")
            .annotate(n_items=Count("items"))
        )
        library = _list_library(request)
        if library:
            lists = lists.filter(library=library)
        q = request.GET.get("q", "").strip()
        if q:
            lists = lists.filter(Q(title__icontains=q) | Q(subject__icontains=q) | Q(class_name__icontains=q))
        can_build = request.user.is_authenticated and policy.can_build_reading_list(request.user)
        mine = lists.filter(owner=request.user) if request.user.is_authenticated else lists.none()
        return render(
            request,
            "network/readinglist_list.html",
            {"lists": lists[:200], "mine": mine, "can_build": can_build, "library": library},
        )


class ReadingListCreateView(LoginRequiredMixin, View):
    def get(self, request):
        if not policy.can_build_reading_list(request.user):
            raise PermissionDenied(_("Only teachers and librarians build reading lists."))
        return render(request, "network/readinglist_form.html", {"form": ReadingListForm()})

    def post(self, request):
        if not policy.can_build_reading_list(request.user):
            raise PermissionDenied(_("Only teachers and librarians build reading lists."))
        form = ReadingListForm(request.POST)
        if form.is_valid():
            try:
                reading_list = services.reading_list_create(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Reading list created: now add titles from the union catalog."))
                return redirect(reading_list)
        return render(request, "network/readinglist_form.html", {"form": form}, status=400)


class ReadingListDetailView(View):
    """The list with availability across schools; its owner adds titles from the union catalog and requests it."""

    def get(self, request, pk):
        from catalog.search import SearchParams, search

        reading_list = get_object_or_404(
            ReadingList.objects.visible_to(request.user).select_related("library", "owner"), pk=pk
        )
        items = list(reading_list.items.select_related("record"))
        can_edit = policy.can_edit_reading_list(request.user, reading_list)
        availability = selectors.availability([i.record for i in items], school_id=reading_list.library_id)
        q = request.GET.get("q", "").strip()
        hits = []
        if can_edit and q:
            result = search(SearchParams(q=q, page_size=10), actor=request.user, jump=False)
            on_list = {i.record_id for i in items}
            hits = [hit for hit in result.hits if hit.record.pk not in on_list]
        return render(
            request,
            "network/readinglist_detail.html",
            {
                "reading_list": reading_list,
                "rows": [(item, availability[item.record_id]) for item in items],
                "can_edit": can_edit,
                "can_request": can_edit and policy.can_request_ill(request.user) and bool(items),
                "request_form": ReadingListRequestForm(),
                "q": q,
                "hits": hits,
            },
        )


class ReadingListItemsView(LoginRequiredMixin, View):
    """Add a title (POST record) or remove one (POST remove=item id)."""

    def post(self, request, pk):
        reading_list = get_object_or_404(ReadingList.objects.visible_to(request.user), pk=pk)
        try:
            if request.POST.get("remove"):
                item = get_object_or_404(ReadingListItem, pk=request.POST["remove"], reading_list=reading_list)
                services.reading_list_remove(item=item, by=request.user)
                messages.success(request, _("Title removed from the list."))
            else:
                record = get_object_or_404(Record, pk=request.POST.get("record") or 0)
                services.reading_list_add(
                    reading_list=reading_list, by=request.user, record=record, note=request.POST.get("note", "")[:300]
                )
                messages.success(request, _("Added: %(title)s") % {"title": record})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(reading_list)


class ReadingListRequestView(LoginRequiredMixin, View):
    """One click: interlibrary-loan requests for every title of the list not on the school's shelf."""

    def post(self, request, pk):
        reading_list = get_object_or_404(ReadingList.objects.visible_to(request.user), pk=pk)
        form = ReadingListRequestForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(reading_list)
        try:
            outcome = services.reading_list_request(
                reading_list=reading_list, by=request.user, needed_by=form.cleaned_data.get("needed_by")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(reading_list)
        created, skipped = outcome["created"], outcome["skipped"]
        if created:
            messages.success(
                request,
                _("%(n)s interlibrary-loan requests made for this list.") % {"n": len(created)},
            )
        for record, reason in skipped:
            messages.warning(request, f"{record}: {reason}")
        if not created and not skipped:
            messages.info(request, _("Nothing to request."))
        return redirect(reading_list)


class ReadingListCsvView(View):
    def get(self, request, pk):
        reading_list = get_object_or_404(ReadingList.objects.visible_to(request.user), pk=pk)
        items = list(reading_list.items.select_related("record"))
        availability = selectors.availability([i.record for i in items], school_id=reading_list.library_id)
        return _csv_response(
            f"reading-list-{reading_list.pk}.csv",
            ["record_id", "title", "authors", "year", "isbn", "note", "available_at", "held_by"],
            [
                [
                    i.record_id,
                    str(i.record),
                    _authors(i.record),
                    i.record.year or "",
                    " ".join(i.record.isbns or []),
                    i.note,
                    " ".join(lib.code for lib in availability[i.record_id]["available_at"]),
                    " ".join(lib.code for lib in availability[i.record_id]["held_by"]),
                ]
                for i in items
            ],
        )


# --- school partners -----------------------------------------------------------------------------------------------


class PartnerListView(LoginRequiredMixin, View):
    def setup_library(self, request, code):
        library = get_object_or_404(Library, code__iexact=code)
        if not policy.can_see_partners(request.user, library):
            raise Http404
        return library

    def render_page(self, request, library, form=None, status=200):
        can_manage = policy.can_manage_partners(request.user, library)
        return render(
            request,
            "network/partner_list.html",
            {
                "library": library,
                "partners": Partner.objects.filter(library=library),
                "form": form or (PartnerForm() if can_manage else None),
            },
            status=status,
        )

    def get(self, request, code):
        return self.render_page(request, self.setup_library(request, code))

    def post(self, request, code):
        library = self.setup_library(request, code)
        form = PartnerForm(request.POST)
        if form.is_valid():
            try:
                services.partner_save(by=request.user, library=library, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Partner recorded."))
                return redirect("network:partner_list", library.code)
        return self.render_page(request, library, form, status=400)


class CooperationReportView(LoginRequiredMixin, View):
    """The principal's one page: what the library gave and received through cooperation, for budget decisions."""

    def get(self, request, code):
        library = get_object_or_404(Library, code__iexact=code)
        if not policy.can_see_cooperation_report(request.user, library):
            raise Http404
        try:
            year = int(request.GET.get("year", ""))
        except ValueError:
            year = timezone.localdate().year
        report = selectors.cooperation_report(library=library, year=year)
        return render(request, "network/report.html", {"library": library, "year": year, "report": report})
