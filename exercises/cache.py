"""Versioned caching: cached pages and figures are keyed by a version that every write bumps.

Nothing is ever invalidated by hand: a write increments the version (the library's, or one
runner's Profile.data_version), so the next read misses and recomputes. Works with the local-memory
cache on one machine and with Redis (REDIS_URL) across several web processes.

- `fragment()`: a piece of a library or program page, keyed by the content version.
- `runner_page`: a runner's whole read-only page, keyed by their data version (see its docstring).
- `api_response()`: an API answer's rendered JSON.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from .transactions import read_only

TIMEOUT = 60 * 60 * 24


def _key(namespace):
    return f"legwork:version:{namespace}"


def version(namespace):
    value = cache.get(_key(namespace))
    if value is None:
        value = 1
        cache.add(_key(namespace), value, None)
    return value


def bump(namespace):
    try:
        cache.incr(_key(namespace))
    except ValueError:
        cache.set(_key(namespace), 2, None)


def content_version():
    return version("content")


def enabled():
    return settings.LEGWORK_CACHE_PAGES


def hashed(*parts):
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()


def cached(key, compute, timeout=TIMEOUT):
    """cache.get_or_set that never stores None."""
    if not enabled():
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def fragment(key, template, context_fn, request=None, timeout=TIMEOUT):
    """The HTML of `template` rendered with `context_fn()`, computed only on a cache miss."""
    if not enabled():
        return mark_safe(render_to_string(template, context_fn(), request=request))
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, context_fn(), request=request)
        cache.set(key, html, timeout)
    return mark_safe(html)


def api_response(request, key, compute, timeout=TIMEOUT):
    """A DRF view's answer with `compute()`'s data cached under `key`.

    For JSON the rendered bytes are cached, so a hit neither rebuilds nor re-renders anything;
    other renderers (the browsable API) get the cached data.
    """
    from rest_framework.response import Response

    renderer = request.accepted_renderer
    if not enabled() or renderer.format != "json":
        return Response(cached(key, compute, timeout))
    key = f"{key}:{hashed(request.accepted_media_type)}"
    body = cache.get(key)
    if body is None:
        body = renderer.render(compute(), request.accepted_media_type, {"request": request})
        cache.set(key, body, timeout)
    return HttpResponse(body, content_type=renderer.media_type)


# Library and program pages change only when content is reloaded; a short timeout bounds how long
# another process's local-memory cache can lag behind a reload (Redis has no lag).
CONTENT_TIMEOUT = 300


def runner_page(view):
    """Serve a runner's own read-only page whole from the cache until their data changes.

    The key holds the runner, their data version (Profile.data_version, bumped in the same transaction
    as every write), their unit, the library's version, today's date, the full path, whether htmx asked,
    and this browser's CSRF secret, so forms in a cached page carry a token this browser can post.
    A request with messages waiting or without a CSRF cookie yet is rendered fresh.

    The page only reads, so it runs outside ATOMIC_REQUESTS (config/transactions.py).
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        key = _page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        hit = cache.get(key)
        if hit is not None:
            content, headers = hit
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            # The page also shows library content, whose version another process may not have seen bumped.
            cache.set(key, (response.content, dict(response.headers)), CONTENT_TIMEOUT)
        return response

    return read_only(wrapped)


def _page_key(request):
    secret = request.META.get("CSRF_COOKIE")
    if not enabled() or request.method != "GET" or not secret or not request.user.is_authenticated:
        return None
    if len(get_messages(request)):
        return None  # the page will show and consume them; never cache that
    profile = request.user.profile
    where = hashed(
        secret,
        request.get_host(),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
    )
    versions = f"{profile.data_version}:{profile.unit}:{content_version()}:{timezone.localdate()}"
    return f"page:{request.user.pk}:{versions}:{where}"
