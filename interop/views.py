"""A library's SLiMS / INLISLite connection page: SLiMS node credentials (UCS push), the OPAC to harvest and the
harvests' reports."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from consortium import policy
from consortium.models import Library

from . import services
from .forms import OpacSourceForm, SlimsNodeForm
from .models import SlimsNode


class LibraryConnectionMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.library = get_object_or_404(Library.objects.visible_to(request.user), code=kwargs["code"])
        if not policy.can_manage_api_keys(request.user, self.library):
            raise PermissionDenied(_("Only this library's librarians may manage its SLiMS connection."))
        return super().dispatch(request, *args, **kwargs)


class ConnectionView(LibraryConnectionMixin, View):
    template_name = "interop/connection.html"

    def render_page(self, request, *, node_form=None, opac_form=None, new_node=None, status=200):
        source = getattr(self.library, "opac_source", None) if hasattr(self.library, "opac_source") else None
        runs = source.runs.all()[:5] if source else []
        context = {
            "library": self.library,
            "nodes": self.library.slims_nodes.all(),
            "node_form": node_form or SlimsNodeForm(),
            "opac_form": opac_form or OpacSourceForm(instance=source),
            "source": source,
            "runs": runs,
            "new_node": new_node,
            "server_url": request.build_absolute_uri("/").rstrip("/"),
            "p2p_url": request.build_absolute_uri("/slims/"),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, code):
        return self.render_page(request)

    def post(self, request, code):
        action = request.POST.get("action")
        if action == "node":
            form = SlimsNodeForm(request.POST)
            if not form.is_valid():
                return self.render_page(request, node_form=form, status=400)
            node, password = services.slims_node_create(library=self.library, by=request.user, **form.cleaned_data)
            # Rendered, not redirected: the password exists only in this response.
            return self.render_page(request, new_node={"node": node, "password": password})
        if action == "opac":
            source = getattr(self.library, "opac_source", None) if hasattr(self.library, "opac_source") else None
            form = OpacSourceForm(request.POST, instance=source)
            if not form.is_valid():
                return self.render_page(request, opac_form=form, status=400)
            try:
                services.opac_source_save(library=self.library, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
                return self.render_page(request, opac_form=form, status=400)
            messages.success(request, _("OPAC address saved."))
            return redirect("interop:connection", code=self.library.code)
        if action == "harvest":
            source = getattr(self.library, "opac_source", None) if hasattr(self.library, "opac_source") else None
            if source is None:
                messages.error(request, _("Save the OPAC address first."))
            else:
                services.harvest_queue(source=source, by=request.user)
                messages.success(request, _("The harvest is queued; its report appears below when it is done."))
            return redirect("interop:connection", code=self.library.code)
        messages.error(request, _("Unknown action."))
        return redirect("interop:connection", code=self.library.code)


class NodeRevokeView(LibraryConnectionMixin, View):
    def post(self, request, code, pk):
        node = get_object_or_404(SlimsNode.objects.filter(library=self.library), pk=pk)
        services.slims_node_revoke(node=node, by=request.user)
        messages.success(request, _("SLiMS node %(id)s revoked.") % {"id": node.node_id})
        return redirect("interop:connection", code=self.library.code)
