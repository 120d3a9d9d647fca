"""Production server settings: ``gunicorn -c gunicorn.conf.py 'app:create_app()'``.
Access log lines carry neither the client address nor the time nor the query string (the
link of a printed invitation code carries the code): anonymity model."""

bind = "127.0.0.1:8000"
workers = 2
worker_class = "sync"
timeout = 30
graceful_timeout = 20
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
forwarded_allow_ips = "127.0.0.1"
