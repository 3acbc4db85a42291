"""Gunicorn settings, read automatically when gunicorn starts in this directory (docs/deploy.md).

Anything here can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os

wsgi_app = "config.wsgi"
bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# The load balancer logs requests; set ACCESS_LOG=- to have gunicorn log them to stdout as well.
accesslog = os.environ.get("ACCESS_LOG") or None
