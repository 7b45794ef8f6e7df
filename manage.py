#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consortium.settings")
    # manage.py is the developer's entry point: debug mode unless DEBUG=0 is given. The WSGI/ASGI
    # applications (gunicorn) default to DEBUG off and refuse to start without SECRET_KEY.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
