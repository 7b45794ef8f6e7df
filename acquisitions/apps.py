from django.apps import AppConfig


class AcquisitionsConfig(AppConfig):
    name = "acquisitions"
    verbose_name = "Collection cooperation"
