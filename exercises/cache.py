"""Caching of library and program content, with Django's cache and a version that lives in the database.

Library and program pages (and their API answers) change only when content does. They are cached with
the number in `exercises.ContentVersion` as the cache `version=`. That number is read from the database on
every request (one small query), and an admin save or a `load_content` run bumps it in its own transaction,
so every web process, whatever its cache (local memory or Redis), uses new entries from its next request.

Nothing a runner logged is cached here: a runner's pages are computed from the database on every request,
with precomputed figures (`logbook.ExerciseStat`) where a page would otherwise scan their history.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .models import ContentVersion

# Keyed by the content version, so an entry is never wrong; the timeout only frees memory.
TIMEOUT = 60 * 60 * 24


def content_version():
    return ContentVersion.current()


class ContentCachedViewSet:
    """A read-only DRF viewset of library or program content whose answers are cached by content version."""

    def list(self, request, *args, **kwargs):
        return content_response(
            request,
            f"api:{self.basename}",
            lambda: super(ContentCachedViewSet, self).list(request, *args, **kwargs).data,
        )

    def retrieve(self, request, *args, **kwargs):
        return content_response(
            request,
            f"api:{self.basename}",
            lambda: super(ContentCachedViewSet, self).retrieve(request, *args, **kwargs).data,
        )


def hashed(*parts):
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()


def content_html(key, version, template, context_fn, request=None):
    """`template` rendered with `context_fn()`, cached under `key` for this content version."""
    if not settings.LEGWORK_CACHE_CONTENT:
        return mark_safe(render_to_string(template, context_fn(), request=request))
    html = cache.get(key, version=version)
    if html is None:
        html = render_to_string(template, context_fn(), request=request)
        cache.set(key, html, TIMEOUT, version=version)
    return mark_safe(html)


def content_response(request, key, compute):
    """A DRF view's answer for content, as JSON bytes cached for this content version.

    `compute()` returns the view's data. Other renderers (the browsable API) are rendered each time.
    """
    from rest_framework.response import Response

    renderer = request.accepted_renderer
    if not settings.LEGWORK_CACHE_CONTENT or renderer.format != "json":
        return Response(compute())
    version = content_version()
    key = f"{key}:{hashed(request.get_host(), request.get_full_path(), request.accepted_media_type)}"
    body = cache.get(key, version=version)
    if body is None:
        body = renderer.render(compute(), request.accepted_media_type, {"request": request})
        cache.set(key, body, TIMEOUT, version=version)
    return HttpResponse(body, content_type=renderer.media_type)
