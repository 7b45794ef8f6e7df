from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from . import policy, services
from .choices import Service
from .filtersets import LibraryFilterSet
from .forms import LIBRARY_FIELDS, ApiKeyForm, LibraryForm
from .models import ApiKey, Library


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        libraries = Library.objects.visible_to(self.request.user)
        context["library_count"] = libraries.active().count()
        context["city_count"] = libraries.active().values("city").distinct().count()
        return context


def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy, whatever its class
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class LibraryListView(FilterView):
    filterset_class = LibraryFilterSet
    template_name = "consortium/library_list.html"
    paginate_by = 25

    def get_queryset(self):
        return Library.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cities"] = Library.objects.visible_to(self.request.user).order_by("city").values_list(
            "city", flat=True).distinct()
        context["service_choices"] = Service.choices
        return context


class LibraryDetailView(DetailView):
    template_name = "consortium/library_detail.html"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Library.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        library = self.object
        user = self.request.user
        context["can_edit"] = policy.can_edit_library(user, library)
        context["can_manage_keys"] = policy.can_manage_api_keys(user, library)
        context["service_choices"] = Service.choices
        if policy.can_see_people_of(user, library):
            context["staff"] = library.memberships.select_related("user").order_by("user__last_name")
        return context


class LibraryFormMixin(LoginRequiredMixin):
    form_class = LibraryForm
    template_name = "consortium/library_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["can_manage_membership"] = policy.can_manage_membership(self.request.user)
        return kwargs


class LibraryCreateView(LibraryFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not policy.can_manage_membership(request.user):
            raise PermissionDenied(_("Only a coordinator may add member libraries."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            library = services.library_create(by=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Library %(name)s added.") % {"name": library.name})
        return redirect(library)


class LibraryUpdateView(LibraryFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        self.library = get_object_or_404(Library.objects.visible_to(request.user), code=kwargs["code"])
        if request.user.is_authenticated and not policy.can_edit_library(request.user, self.library):
            raise PermissionDenied(_("Only this library's librarians or a coordinator may change it."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.library
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(library=self.library, **kwargs)

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in LIBRARY_FIELDS if name in form.changed_data}
        try:
            library = services.library_update(library=self.library, by=self.request.user, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Changes saved."))
        return redirect(library)


class ApiKeyListView(LoginRequiredMixin, View):
    """A library's API keys: list, create (the raw key is shown once), revoke."""

    template_name = "consortium/apikey_list.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.library = get_object_or_404(Library.objects.visible_to(request.user), code=kwargs["code"])
        if not policy.can_manage_api_keys(request.user, self.library):
            raise PermissionDenied(_("Only this library's librarians may manage its API keys."))
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, request, form, new_key=None, status=200):
        keys = self.library.api_keys.select_related("created_by")
        return render(request, self.template_name,
                      {"library": self.library, "keys": keys, "form": form, "new_key": new_key}, status=status)

    def get(self, request, code):
        return self.render_page(request, ApiKeyForm())

    def post(self, request, code):
        form = ApiKeyForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        key, raw = services.api_key_create(library=self.library, by=request.user, **form.cleaned_data)
        # Rendered, not redirected: the raw key exists only in this response.
        return self.render_page(request, ApiKeyForm(), new_key={"key": key, "raw": raw})


class ApiKeyRevokeView(LoginRequiredMixin, View):
    def post(self, request, code, pk):
        library = get_object_or_404(Library.objects.visible_to(request.user), code=code)
        key = get_object_or_404(ApiKey.objects.filter(library=library), pk=pk)
        services.api_key_revoke(key=key, by=request.user)
        messages.success(request, _("API key %(name)s revoked.") % {"name": key.name})
        return redirect("consortium:apikey_list", code=library.code)
