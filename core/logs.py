"""Access logs that cannot tie an answer to a person or a moment: the development server's
request lines lose the client address, the time of day and the query string (the link of a
printed invitation code carries the code); gunicorn uses the format in gunicorn.conf.py."""

from __future__ import annotations

import logging
import re

#: werkzeug ≥ 3 writes address and time into the message itself: "ADDR - - [TIME] …"
_PREFIX = re.compile(r"^\S+ - - \[[^\]]*\] ")
#: the query string of a request line "GET /path?query HTTP/1.1"
_QUERY = re.compile(r"\?\S*(?= HTTP/)")


def without_query(request_line: str) -> str:
    return _QUERY.sub("", request_line, count=1)


class AnonymousAccessLog(logging.Filter):
    """Rewrite werkzeug's ``ADDRESS - - [TIME] "GET /path?query …" STATUS`` lines as
    ``"GET /path …" STATUS``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and "%s - - [%s]" in str(record.msg):
            record.msg = str(record.msg).replace("%s - - [%s] ", "")
            record.args = tuple(without_query(a) if isinstance(a, str) else a
                                for a in args[2:])
        elif isinstance(record.msg, str) and _PREFIX.match(record.msg):
            record.msg = without_query(_PREFIX.sub("", record.msg, count=1))
            if isinstance(args, tuple):
                record.args = tuple(without_query(a) if isinstance(a, str) else a
                                    for a in args)
        return True


def install() -> None:
    log = logging.getLogger("werkzeug")
    if not any(isinstance(f, AnonymousAccessLog) for f in log.filters):
        log.addFilter(AnonymousAccessLog())
