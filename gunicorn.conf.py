"""gunicorn's settings for Kepu (`make serve`, deploy/kepu-web.service).

Every value can be changed without editing this file: the KEPU_* variables below, or gunicorn's
own command-line options (which win over this file). Kepu's own settings (database, secret key,
proxies ...) are read by the app as everywhere else: instance/config.py and KEPU_* variables.
"""

import multiprocessing
import os

from core.serving import check_before_serving


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


#: where to listen; behind nginx keep it on loopback (or a unix socket: unix:/run/kepu/web.sock)
bind = os.environ.get("KEPU_BIND", "127.0.0.1:8000")
#: sync workers: two per core plus one, as gunicorn advises for requests that wait on a database
workers = _int("KEPU_WORKERS", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
#: a request taking longer than this (an XLSX of a whole county, say) is cut and its worker
#: replaced; keep it above the slowest export and below nginx's proxy_read_timeout
timeout = _int("KEPU_TIMEOUT", 120)
#: on SIGHUP or SIGTERM, requests under way get this long to finish
graceful_timeout = _int("KEPU_GRACEFUL_TIMEOUT", 30)
#: seconds an idle keep-alive connection from nginx stays open
keepalive = 5
#: a worker is replaced after this many requests (jittered), so slow leaks cannot grow forever
max_requests = _int("KEPU_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10

#: only Kepu's own ProxyFix (KEPU_PROXY_FIX) decides which forwarded headers are trusted
forwarded_allow_ips = ""
#: Kepu writes one line per request itself (core/logs.py: request id, user, duration, secrets
#: masked), so gunicorn's own access log is off unless KEPU_ACCESS_LOG names a file (or "-" for
#: stdout), for tools that read the combined format; its secrets are masked too (logger_class)
accesslog = os.environ.get("KEPU_ACCESS_LOG") or None
access_log_format = (
    '%(h)s - - %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms rid=%({x-request-id}o)s'
)
logger_class = "core.serving.AccessLogger"
errorlog = "-"
loglevel = os.environ.get("KEPU_LOG_LEVEL", "info").lower()
proc_name = "kepu-web"


def on_starting(server):
    """Before any worker starts: build the app once, so a bad setting or an unsafe layout stops
    the server with a clear message (and the workers find Kepu's modules already imported)."""
    check_before_serving(server.cfg.workers)
