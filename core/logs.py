"""Access logs that cannot tie an answer to a person or a moment: the development server's
request lines lose the client address and the time of day (gunicorn uses the format in
gunicorn.conf.py)."""

from __future__ import annotations

import logging
import re

#: werkzeug ≥ 3 writes address and time into the message itself: "ADDR - - [TIME] …"
_PREFIX = re.compile(r"^\S+ - - \[[^\]]*\] ")


class AnonymousAccessLog(logging.Filter):
    """Rewrite werkzeug's ``ADDRESS - - [TIME] "REQUEST" STATUS`` lines as ``"REQUEST" STATUS``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and "%s - - [%s]" in str(record.msg):
            record.msg = str(record.msg).replace("%s - - [%s] ", "")
            record.args = args[2:]
        elif isinstance(record.msg, str) and _PREFIX.match(record.msg):
            record.msg = _PREFIX.sub("", record.msg, count=1)
        return True


def install() -> None:
    log = logging.getLogger("werkzeug")
    if not any(isinstance(f, AnonymousAccessLog) for f in log.filters):
        log.addFilter(AnonymousAccessLog())
