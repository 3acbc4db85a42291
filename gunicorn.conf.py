"""Gunicorn settings, read automatically when gunicorn starts in this directory (docs/deploy.md).

Anything here can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os

wsgi_app = "config.wsgi"
bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# The load balancer logs requests; set ACCESS_LOG=- to have gunicorn log them to stdout as well.
accesslog = os.environ.get("ACCESS_LOG") or None
# Header limits (gunicorn's own defaults, stated so they are not lost); bodies are capped by the proxy's
# client_max_body_size and by config.middleware.RequestLimitsMiddleware before Django reads them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# A request that needs more than this is a bug: every request is bounded (docs/deploy.md).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
