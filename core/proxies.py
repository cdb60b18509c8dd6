"""Behind a reverse proxy: trust its ``X-Forwarded-*`` headers, and only its.

``PROXY_FIX`` (``KEPU_PROXY_FIX``) is the number of proxies in front of Kepu that set those
headers (1 for one nginx). With it, client addresses (rate limits, logs) are the real clients'
and generated URLs (feed links, email links) carry the public scheme, host and prefix. With 0
(the default) the headers are ignored: a client could otherwise claim any address.
"""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    """Wrap the WSGI app in Werkzeug's ProxyFix when ``PROXY_FIX`` proxies are trusted."""
    trusted = int(app.config.get("PROXY_FIX") or 0)
    if trusted > 0:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=trusted,
            x_proto=trusted,
            x_host=trusted,
            x_port=trusted,
            x_prefix=trusted,
        )
