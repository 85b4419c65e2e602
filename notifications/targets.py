"""Where webhooks may be sent: public addresses only, over HTTPS.

A webhook URL is staff input that makes the server send requests, so it must not reach inward — the database, the
broker, a cloud's metadata service, anything on a private network. It is checked twice:

- at registration (`public_webhook_url`): the scheme must be https (http only when `WEBHOOK_ALLOW_HTTP` is set, for
  development), and a host that is an IP address, or a name that resolves now, must be public;
- at delivery (`webhook_session`): requests-hardened resolves the name, refuses a private, loopback, link-local,
  reserved or multicast address (IPv4-mapped IPv6 and numeric forms included, as the resolver reads them) and
  connects to the very address it checked, so a name that resolves elsewhere later (DNS rebinding) gets nowhere.
  Redirects are never followed.

`WEBHOOK_ALLOW_LOOPBACK` lets a development machine or the test suite deliver to a receiver on 127.0.0.1.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress

__all__ = ["InvalidIPAddress", "public_webhook_url", "scheme_allowed", "webhook_session"]


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if settings.WEBHOOK_ALLOW_LOOPBACK and address.is_loopback:
        return True
    return address.is_global and not address.is_multicast


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses `host` stands for: itself when it is an IP address, else what it resolves to now (none when it
    does not resolve; delivery checks again)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    # An IPv6 link-local answer carries its zone ("fe80::1%eth0"), which ipaddress does not read.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]


def scheme_allowed(url: str) -> bool:
    """https, or http where `WEBHOOK_ALLOW_HTTP` allows it."""
    return urlsplit(url).scheme in (("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",))


def public_webhook_url(url: str) -> None:
    """Refuse a webhook URL that is not https (unless allowed) or that names a non-public address."""
    parts = urlsplit(url)
    if not scheme_allowed(url):
        raise ValidationError(_("Use an https:// address."), code="scheme")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ValidationError(_("The port is not a number from 0 to 65535."), code="port") from None
    host = parts.hostname or ""
    if not host:
        raise ValidationError(_("The address has no host."), code="host")
    if any(not _is_public(address) for address in _addresses(host, port)):
        raise ValidationError(
            _("%(host)s is not a public address: webhooks go only to partners' servers on the internet.")
            % {"host": host},
            code="private",
        )


def webhook_session() -> HTTPSession:
    """A requests session that connects only to public addresses and never follows a redirect."""
    return HTTPSession(
        Config(
            ip_filter_enable=True,
            ip_filter_allow_loopback_ips=settings.WEBHOOK_ALLOW_LOOPBACK,
            never_redirect=True,
            default_timeout=(settings.WEBHOOK_TIMEOUT_SECONDS, settings.WEBHOOK_TIMEOUT_SECONDS),
        )
    )
