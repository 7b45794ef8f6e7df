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
from .choices import Role, Service
from .filtersets import LibraryFilterSet
from .forms import LIBRARY_FIELDS, ApiKeyForm, LibraryForm, PersonForm
from .models import ApiKey, Library, Membership


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
        context["cities"] = (
            Library.objects.visible_to(self.request.user).order_by("city").values_list("city", flat=True).distinct()
        )
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
        context["staff"] = None
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
        return render(
            request,
            self.template_name,
            {"library": self.library, "keys": keys, "form": form, "new_key": new_key},
            status=status,
        )

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


def send_welcome_email(request, user) -> None:
    """Invite a new person to choose their password (the password-reset link, worded as a welcome)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    context = {
        "user": user,
        "protocol": "https" if request.is_secure() else "http",
        "domain": request.get_host(),
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    body = render_to_string("registration/welcome_email.txt", context)
    send_mail(_("Your Silang account"), body, None, [user.email])


class PeopleView(LoginRequiredMixin, View):
    """A library's staff and students; its librarians register students, coordinators add staff."""

    template_name = "consortium/people.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.library = get_object_or_404(Library.objects.visible_to(request.user), code=kwargs["code"])
        if not policy.can_see_people_of(request.user, self.library):
            raise PermissionDenied(_("Only this library's staff and coordinators see its people."))
        return super().dispatch(request, *args, **kwargs)

    def roles(self):
        roles = []
        if policy.can_add_student(self.request.user, self.library):
            roles += [(role, role.label) for role in (Role.STUDENT, Role.TEACHER, Role.PRINCIPAL)]
        if policy.can_manage_staff(self.request.user, self.library):
            roles.append((Role.LIBRARIAN, Role.LIBRARIAN.label))
        return roles

    def render_page(self, form, status=200):
        library = self.library
        context = {
            "library": library,
            "form": form if self.roles() else None,
            "staff": library.memberships.select_related("user").order_by("user__first_name"),
            "students": library.students.select_related("user").order_by("user__first_name"),
            "can_manage_staff": policy.can_manage_staff(self.request.user, library),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, code):
        return self.render_page(PersonForm(roles=self.roles()))

    def post(self, request, code):
        form = PersonForm(request.POST, roles=self.roles())
        if not self.roles():
            raise PermissionDenied(_("You may not add people to this library."))
        if not form.is_valid():
            return self.render_page(form, status=400)
        try:
            user = services.person_add(library=self.library, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
            for field, field_errors in errors.items():
                form.add_error(field if field in form.fields else None, field_errors)
            return self.render_page(form, status=400)
        send_welcome_email(request, user)
        messages.success(
            request,
            _("%(name)s added; an e-mail to choose a password was sent.")
            % {"name": user.get_full_name() or user.username},
        )
        return redirect("consortium:people", code=self.library.code)


class StaffRemoveView(LoginRequiredMixin, View):
    def post(self, request, code, pk):
        library = get_object_or_404(Library.objects.visible_to(request.user), code=code)
        membership = get_object_or_404(Membership.objects.filter(library=library), pk=pk)
        services.staff_remove(membership=membership, by=request.user)
        messages.success(request, _("%(name)s is no longer on the staff.") % {"name": membership.user})
        return redirect("consortium:people", code=library.code)


class ConsortiumSettingsView(LoginRequiredMixin, FormView):
    """Network-wide settings (loan period, answer time, retention) for coordinators."""

    template_name = "consortium/settings_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not policy.is_coordinator(request.user):
            raise PermissionDenied(_("Only a coordinator may change the consortium settings."))
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        from .forms import ConsortiumSettingsForm
        from .models import ConsortiumSettings

        return ConsortiumSettingsForm(**self.get_form_kwargs(), instance=ConsortiumSettings.load())

    def form_valid(self, form):
        services.consortium_settings_update(by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Changes saved."))
        return redirect("consortium_settings")


class UploadedFileView(View):
    """Any uploaded file, after its owner's visible_to() (consortium/files.py); 404 otherwise."""

    def get(self, request, name):
        from .files import serve_upload

        return serve_upload(request, name)
