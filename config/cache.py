"""Versioned caching: cached figures are keyed by a version that every write bumps.

Nothing is ever invalidated by hand: a write increments the version (the library's, or one
runner's), so the next read misses and recomputes. Works with the local-memory cache on one
machine and with Redis (REDIS_URL) across several web processes.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

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


def user_version(user_id):
    return version(f"user:{user_id}")


def bump_user(user_id):
    bump(f"user:{user_id}")


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


# Library and program pages change only when content is reloaded; a short timeout bounds how long
# another process's local-memory cache can lag behind a reload (Redis has no lag).
CONTENT_TIMEOUT = 300


def user_fragment(request, name, template, context_fn, *parts, timeout=TIMEOUT):
    """A fragment of a runner's own page, cached until their data changes (Profile.data_version).

    The CSRF secret is part of the key so forms inside the fragment carry this browser's token.
    """
    from django.middleware.csrf import get_token

    get_token(request)
    profile = request.user.profile
    raw = "|".join(str(p) for p in parts)
    key = "user:{}:{}:{}:{}:{}:{}".format(
        request.user.pk,
        profile.data_version,
        profile.unit,
        name,
        request.META.get("CSRF_COOKIE", ""),
        hashlib.sha1(raw.encode()).hexdigest(),
    )
    return fragment(key, template, context_fn, request=request, timeout=timeout)
