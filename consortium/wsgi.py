import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consortium.settings")
application = get_wsgi_application()
# What is loaded at start lives as long as the worker: keep it out of the full collections that would otherwise
# rescan it during requests.
gc.freeze()
