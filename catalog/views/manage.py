"""Librarians' and coordinators' catalog pages: holdings, imports, exports, duplicates, merge and split."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from consortium import policy
from consortium.models import Library

from .. import jobs, services
from ..choices import ImportStatus, ReviewStatus
from ..exporting import EXPORTERS, FORMATS
from ..forms import HoldingForm, ImportAnswerForm, ImportUploadForm, RecordPickForm
from ..ingest import no_copies_message
from ..models import CatalogAudit, ExportJob, Holding, ImportJob, MatchReview, Record
from ..search import SearchParams, hit_for, library_names, search


def _library_for_staff(request, code, *, write: bool = True) -> Library:
    """The library whose catalog pages these are; reading needs its staff, writing its librarians (an
    acting library: a suspended one reads but does not act)."""
    library = get_object_or_404(Library.objects.visible_to(request.user), code=code)
    if write and not policy.can_manage_holdings(request.user, library):
        raise PermissionDenied(_("Only this library's librarians may manage its catalog."))
    if not write and not (policy.is_coordinator(request.user) or policy.is_staff_of(request.user, library)):
        raise PermissionDenied(_("Only this library's librarians may manage its catalog."))
    return library


def _form_errors(form, exc: ValidationError) -> None:
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, field_errors in errors.items():
        form.add_error(field if field in form.fields else None, field_errors)


class HoldingListView(LoginRequiredMixin, ListView):
    """A library's copies, newest first, with a barcode/title search."""

    template_name = "catalog/holding_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.library = _library_for_staff(self.request, self.kwargs["code"], write=False)
        holdings = Holding.objects.filter(library=self.library).select_related("record").order_by("-updated_at")
        query = self.request.GET.get("q", "").strip()[:200]
        if query:
            holdings = holdings.filter(barcode__iexact=query) | holdings.filter(record__title__icontains=query)
        status = self.request.GET.get("status", "")
        if status:
            holdings = holdings.filter(status=status)
        return holdings

    def get_context_data(self, **kwargs):
        from ..choices import HoldingStatus

        return super().get_context_data(library=self.library, statuses=HoldingStatus.choices, **kwargs)


class HoldingCreateView(LoginRequiredMixin, View):
    template_name = "catalog/holding_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.record = get_object_or_404(Record, pk=kwargs["pk"])
        self.library = _library_for_staff(request, kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, **kwargs):
        return render(
            request, self.template_name, {"form": HoldingForm(), "record": self.record, "library": self.library}
        )

    def post(self, request, **kwargs):
        form = HoldingForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.holding_create(record=self.record, library=self.library, by=request.user, **data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Copy %(barcode)s added.") % {"barcode": data["barcode"]})
                return redirect(self.record)
        return render(
            request, self.template_name, {"form": form, "record": self.record, "library": self.library}, status=400
        )


class HoldingEditView(LoginRequiredMixin, View):
    template_name = "catalog/holding_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.holding = get_object_or_404(Holding.objects.select_related("record", "library"), pk=kwargs["pk"])
        if not policy.can_manage_holdings(request.user, self.holding.library):
            raise PermissionDenied(_("Only this library's librarians may manage its catalog."))
        return super().dispatch(request, *args, **kwargs)

    def context(self, form):
        return {"form": form, "record": self.holding.record, "library": self.holding.library, "holding": self.holding}

    def get(self, request, pk):
        return render(request, self.template_name, self.context(HoldingForm(instance=self.holding)))

    def post(self, request, pk):
        form = HoldingForm(request.POST, instance=Holding.objects.get(pk=self.holding.pk))
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            try:
                if "withdraw" in request.POST:
                    services.holding_withdraw(holding=self.holding, by=request.user, version=version)
                else:
                    services.holding_update(holding=self.holding, by=request.user, version=version, **data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Copy %(barcode)s saved.") % {"barcode": self.holding.barcode})
                return redirect(self.holding.record)
        return render(request, self.template_name, self.context(form), status=400)


class ImportListView(LoginRequiredMixin, View):
    """Upload a file for the library and see earlier imports with their reports."""

    template_name = "catalog/import_list.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.library = _library_for_staff(request, kwargs["code"], write=request.method != "GET")
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, status=200, **extra):
        jobs = (
            ImportJob.objects.visible_to(self.request.user)
            .filter(library=self.library)
            .exclude(status=ImportStatus.WAITING)
            .select_related("uploaded_by")[:30]
        )
        context = {"library": self.library, "form": form, "jobs": jobs, **extra}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, code):
        return self.render_page(ImportUploadForm())

    def post(self, request, code):
        if "answer" in request.POST:
            return self.answer(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form, status=400)
        upload = form.cleaned_data["file"]
        # Records without a single copy would not show the school as holding them: the file is kept, not queued,
        # until the librarian chooses between one copy per record and stopping.
        ask = form.records > 0 and form.copies == 0
        job = jobs.import_job_create(
            library=self.library, upload=upload, name=upload.name, by=policy.person(request.user), wait=ask
        )
        if ask:
            return self.render_page(ImportUploadForm(), waiting=job, no_copies=no_copies_message(form.records))
        return redirect(job)

    def answer(self, request):
        form = ImportAnswerForm(request.POST)
        if not form.is_valid():
            return self.render_page(ImportUploadForm(), status=400)
        waiting = ImportJob.objects.visible_to(request.user).filter(library=self.library, status=ImportStatus.WAITING)
        job = get_object_or_404(waiting, pk=form.cleaned_data["job"])
        if form.cleaned_data["answer"] == ImportAnswerForm.STOP:
            jobs.import_job_discard(job=job)
            messages.info(request, _("The import was stopped; nothing was imported."))
            return redirect("catalog:import_list", code=self.library.code)
        return redirect(jobs.import_job_confirm(job=job, one_copy_per_record=True))


class ImportDetailView(LoginRequiredMixin, View):
    template_name = "catalog/import_detail.html"

    def get(self, request, pk):
        job = get_object_or_404(ImportJob.objects.visible_to(request.user).select_related("library"), pk=pk)
        if job.status == ImportStatus.RUNNING and jobs.recover_interrupted():
            job.refresh_from_db()  # its worker was gone: the page says so instead of "running" forever
        percent = int(100 * job.processed / job.total) if job.total else 0
        return render(
            request, self.template_name, {"job": job, "library": job.library, "percent": percent, "report": job.report}
        )


class ExportView(View):
    """Export page: one library's records or the whole union catalog, built by the worker as a file to download
    (a big catalog takes minutes: no request waits for it)."""

    template_name = "catalog/export.html"

    def context(self, request, **extra):
        libraries = Library.objects.visible_to(request.user).filter(source_records__isnull=False).distinct()
        recent = (
            ExportJob.objects.filter(requested_by=request.user).select_related("library")[:10]
            if request.user.is_authenticated
            else []
        )
        return {"libraries": libraries, "formats": FORMATS, "jobs": recent, **extra}

    def get(self, request):
        return render(request, self.template_name, self.context(request))

    def post(self, request):
        if not policy.can_export_catalog(request.user):
            return redirect(f"{reverse('login')}?next={reverse('catalog:export')}")
        fmt = request.POST.get("format", "")
        context = self.context(request)
        if fmt not in EXPORTERS:
            context["error"] = _("Choose MARC21, MARCXML or CSV.")
            return render(request, self.template_name, context, status=400)
        code = request.POST.get("library", "")
        library = None
        if code:
            library = context["libraries"].filter(code=code).first()
            if library is None:
                context["error"] = _("Choose a library from the list.")
                return render(request, self.template_name, context, status=400)
        job = jobs.export_job_create(library=library, fmt=fmt, by=request.user)
        return redirect(job)


class ExportDetailView(LoginRequiredMixin, View):
    template_name = "catalog/export_detail.html"

    def get_job(self, request, pk) -> ExportJob:
        return get_object_or_404(ExportJob.objects.visible_to(request.user).select_related("library"), pk=pk)

    def get(self, request, pk):
        job = self.get_job(request, pk)
        if job.status == ImportStatus.RUNNING and jobs.recover_interrupted():
            job.refresh_from_db()
        return render(request, self.template_name, {"job": job, "report": job.report})


class ExportDownloadView(ExportDetailView):
    def get(self, request, pk):
        job = self.get_job(request, pk)
        if job.status != ImportStatus.DONE or not job.file:
            raise Http404
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.file.name.rsplit("/", 1)[-1],
            content_type=FORMATS[job.format],
        )


class ReviewListView(LoginRequiredMixin, ListView):
    """Possible duplicates waiting for a coordinator."""

    template_name = "catalog/review_list.html"
    paginate_by = 30

    def get_queryset(self):
        if not policy.can_curate_catalog(self.request.user):
            raise PermissionDenied(_("Only a coordinator may decide about possible duplicates."))
        # Most likely duplicates first: the obvious ones can be ticked and decided together.
        return (
            MatchReview.objects.filter(status=ReviewStatus.OPEN)
            .select_related("record", "candidate", "source__library")
            .order_by("-score", "created_at", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        libraries = library_names()
        context["comparisons"] = [(review, review_rows(review, libraries)) for review in context["object_list"]]
        return context


# The record fields shown side by side for a possible duplicate, and the dedup feature each one is read for
# (catalog.matching): a field is marked when its feature spoke against the pair.
REVIEW_FIELDS = (
    ("title", gettext_lazy("Title"), {"title", "designation"}),
    ("subtitle", gettext_lazy("Subtitle"), {"title", "designation"}),
    ("authors", gettext_lazy("Authors"), {"author"}),
    ("publisher", gettext_lazy("Publisher"), {"publisher"}),
    ("year", gettext_lazy("Year"), {"year"}),
    ("edition", gettext_lazy("Edition"), {"edition"}),
    ("physical_description", gettext_lazy("Physical description"), {"pages", "volumes"}),
    ("isbns", gettext_lazy("ISBN"), {"isbn"}),
    ("material_type", gettext_lazy("Material type"), {"material_type"}),
)


def review_rows(review: MatchReview, libraries=None) -> list[tuple[str, str, str, bool]]:
    """(label, the new record's value, the earlier record's value, whether the field differs) per field."""
    return comparison_rows(review.record, review.candidate, differing=review.differing, libraries=libraries)


def comparison_rows(left: Record, right: Record, *, differing=None, libraries=None) -> list[tuple[str, str, str, bool]]:
    """Two records' fields side by side, and the schools holding each. A field is marked when one of `differing`
    (dedup features) is read from it, or, without them, when both records have a value and the values differ.
    `libraries`: library_names(), when the caller compares many pairs."""

    def shown(record, name):
        value = getattr(record, name)
        if name == "authors":
            return "; ".join(author["name"] for author in value or ())
        if name == "isbns":
            return ", ".join(value or ())
        if name == "material_type":
            return record.get_material_type_display()
        return "" if value is None else str(value)

    rows = []
    for name, label, features in REVIEW_FIELDS:
        mine, theirs = shown(left, name), shown(right, name)
        if mine or theirs:
            if differing is None:
                differs = bool(mine and theirs and mine != theirs)
            else:
                differs = bool(features & set(differing))
            rows.append((label, mine, theirs, differs))
    libraries = libraries if libraries is not None else library_names()
    holders = [
        ", ".join(libraries[i].name for i in record.holding_library_ids if i in libraries) for record in (left, right)
    ]
    if any(holders):
        rows.append((_("Held by"), *holders, False))
    return rows


def merge_unconfirmed(request) -> bool:
    """A merge from the duplicate queue is confirmed by a tick next to the comparison (a split undoes it, but copies
    and addresses move at once); keeping apart needs none. Says what to do when the tick is missing."""
    if request.POST.get("decision") != "merge" or request.POST.get("confirm"):
        return False
    if not policy.can_curate_catalog(request.user):
        raise PermissionDenied(_("Only a coordinator may decide about possible duplicates."))
    messages.error(request, _("Tick the box that confirms you compared the records, then merge."))
    return True


class ReviewBulkDecideView(LoginRequiredMixin, View):
    """Decide the ticked possible duplicates the same way."""

    def post(self, request):
        ids = [value for value in request.POST.getlist("review") if value.isdigit()]
        decision = request.POST.get("decision")
        if not ids or decision not in ("merge", "apart"):
            messages.error(request, _("Tick at least one possible duplicate, then choose merge or keep apart."))
            return redirect("catalog:review_list")
        if merge_unconfirmed(request):
            return redirect("catalog:review_list")
        try:
            count = services.review_decide_many(
                reviews=[int(pk) for pk in ids], merge=decision == "merge", by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(count)s decisions saved.") % {"count": count})
        return redirect("catalog:review_list")


class ReviewDecideView(LoginRequiredMixin, View):
    def post(self, request, pk):
        review = get_object_or_404(MatchReview, pk=pk)
        if merge_unconfirmed(request):
            return redirect("catalog:review_list")
        try:
            services.review_decide(review=review, merge=request.POST.get("decision") == "merge", by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Decision saved."))
        return redirect("catalog:review_list")


class CuratorRequiredMixin(LoginRequiredMixin):
    """Merging and splitting are for coordinators (consortium.policy); anyone else gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not policy.can_curate_catalog(request.user):
            raise PermissionDenied(_("Only a coordinator may merge or split records."))
        return super().dispatch(request, *args, **kwargs)


class RecordCurateView(CuratorRequiredMixin, View):
    """Find a record to merge with this one (the catalog's search), or split schools' source records out of it."""

    template_name = "catalog/record_curate.html"
    candidates_shown = 20

    def dispatch(self, request, *args, **kwargs):
        self.record = get_object_or_404(Record, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, pick_form, *, error=None, status=200):
        sources = self.record.sources.select_related("library").order_by("pk")
        audit = CatalogAudit.objects.filter(record_ids__contains=[self.record.pk]).select_related("actor")[:20]
        return render(
            self.request,
            self.template_name,
            {
                "record": self.record,
                "pick_form": pick_form,
                "candidates": self.candidates(pick_form),
                "error": error,
                "sources": sources,
                "audit": audit,
            },
            status=status,
        )

    def candidates(self, pick_form):
        """Search hits other than this record; an ISBN or barcode typed in the box finds its record too."""
        if not pick_form.is_bound or not pick_form.is_valid():
            return None
        params = SearchParams(q=pick_form.cleaned_data["q"], page_size=self.candidates_shown + 1)
        result = search(params, actor=self.request.user)
        hits = [hit for hit in result.hits if hit.record.pk != self.record.pk]
        jumped = result.jump_record_id
        if jumped and jumped != self.record.pk and all(hit.record.pk != jumped for hit in hits):
            record = Record.objects.filter(pk=jumped).first()
            if record is not None:
                hits.insert(0, hit_for(record, library_names(), actor=self.request.user))
        return hits[: self.candidates_shown]

    def get(self, request, pk):
        return self.render_page(RecordPickForm(request.GET if "q" in request.GET else None))

    def post(self, request, pk):
        chosen = self.record.sources.filter(pk__in=[v for v in request.POST.getlist("source") if v.isdigit()])
        try:
            new = services.record_split(record=self.record, sources=list(chosen), by=request.user)
        except ValidationError as exc:
            return self.render_page(RecordPickForm(), error=" ".join(exc.messages), status=400)
        messages.success(request, _("Split off as record %(n)s.") % {"n": new.pk})
        return redirect(new)


class RecordMergeView(CuratorRequiredMixin, View):
    """The confirmation of a merge: both records side by side, then the POST that merges `merge` into `keep`."""

    template_name = "catalog/record_merge.html"

    def dispatch(self, request, *args, **kwargs):
        self.keep = get_object_or_404(Record, pk=kwargs["keep"])
        self.merge = get_object_or_404(Record, pk=kwargs["merge"])
        # Where the coordinator came from, to go back to (the curate page of either record).
        self.back = self.merge if request.GET.get("from") == str(self.merge.pk) else self.keep
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, *, error=None, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "keep": self.keep,
                "merge": self.merge,
                "back": self.back,
                "rows": comparison_rows(self.keep, self.merge),
                "error": error,
            },
            status=status,
        )

    def get(self, request, keep, merge):
        return self.render_page()

    def post(self, request, keep, merge):
        try:
            kept = services.record_merge(keep=self.keep, merge=self.merge, by=request.user)
        except ValidationError as exc:
            return self.render_page(error=" ".join(exc.messages), status=400)
        messages.success(request, _("Record %(n)s merged into this one.") % {"n": merge})
        return redirect(kept)
