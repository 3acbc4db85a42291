"""Who is asking: the client's real address and the username a log-in names.

One rule for the lockout (django-axes), the API throttles and the password-reset limit: `X-Forwarded-For`
is believed only when the request came from one of the proxies in `LEGWORK_TRUSTED_PROXIES`, and then
only its right-most address that is not itself a trusted proxy (the one our own proxy saw). A client
talking to us directly can put anything in that header; it is ignored.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

USERNAME_MAX = 150  # django.contrib.auth's User.username; axes stores at most 255


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address):
    return address is not None and any(address in net for net in _networks(tuple(settings.LEGWORK_TRUSTED_PROXIES)))


def client_address(request):
    """The client's address: REMOTE_ADDR, or what a trusted proxy says it saw in X-Forwarded-For."""
    remote = request.META.get("REMOTE_ADDR", "")
    peer = _address(remote)
    if not _trusted(peer):
        return str(peer) if peer else remote[:45] or None
    hops = [_address(part) for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    # Right to left: each trusted proxy appended the address it was talking to.
    for hop in reversed(hops):
        if hop is None:
            break  # garbage in the header: stop believing it at that point
        if not _trusted(hop):
            return str(hop)
    return str(peer)


def login_username(request, credentials=None):
    """The username a log-in attempt names, as the lockout records it: a string, no NULs, at most 150
    characters (longer names cannot exist, and the lockout's own column holds 255)."""
    if credentials and "username" in credentials:
        value = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        try:
            value = data.get("username")
        except AttributeError:
            value = None
    if value is None:
        return None
    return str(value).replace("\x00", "")[:USERNAME_MAX]
