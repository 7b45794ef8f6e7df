from __future__ import annotations

from django.db import models


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, actor) -> AgreementQuerySet:
        """Drafts: coordinators. In review or awaiting signatures: also the parties' staff (and keys).
        Active, expired and terminated: every signed-in member and member key. Everyone else: nothing (404)."""
        from consortium import policy

        return self.filter(policy.agreement_visibility(actor)).distinct()


class SignatureQuerySet(models.QuerySet):
    def visible_to(self, actor) -> SignatureQuerySet:
        """Signatures (and signed papers) of the agreements the actor may read."""
        from .models import Agreement

        return self.filter(agreement__in=Agreement.objects.visible_to(actor).values("pk"))
