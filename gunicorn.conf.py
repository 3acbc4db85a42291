"""Gunicorn settings, read automatically when gunicorn starts in this directory (docs/deploy.md).

Anything here can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import gc
import os

wsgi_app = "config.wsgi"
bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# The load balancer logs requests; set ACCESS_LOG=- to have gunicorn log them to stdout as well.
accesslog = os.environ.get("ACCESS_LOG") or None


def post_worker_init(worker):
    """Load everything a request needs, then move it out of the garbage collector's sight.

    Django's URLconf, templates and models are hundreds of thousands of long-lived objects; without
    this, each full collection walks all of them and stalls a request by tens of milliseconds.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - import every view module now, not on the first request
    gc.collect()
    gc.freeze()
