from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "Interoperability (SRU, OAI-PMH, SLiMS)"

    def ready(self):
        from catalog.signals import import_finished

        from .ucs import drop_stand_ins

        def replace_stand_ins(sender, library, report, **kwargs):
            # Real copies arrived: the "held, copies unknown" holdings of those records go.
            drop_stand_ins(library.pk)

        import_finished.connect(replace_stand_ins, dispatch_uid="interop-drop-stand-ins", weak=False)
