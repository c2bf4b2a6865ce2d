"""One request's lines from the daemons' log files, in time order.

Every daemon logs with oslo.log, whose context format puts the request id
(and the global one, when the caller sent one) on each line a request
causes: the API's, and through the RPC context, the conductors',
scheduler's and computes'. A record's extra lines (a traceback, a
multi-line message) follow it and are taken with it: those that do not
start with a timestamp, and those oslo.log prefixes with the same
timestamp and process id but no context.
"""
import dataclasses
import datetime
import os
import re

# oslo.log's default line start: '2024-01-02 03:04:05.678 1234 '.
_LINE_START = re.compile(r'^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?) (\d+) ')
# A record's own first line: timestamp, pid, level, logger name, then its
# context in brackets ('[-]' for none); oslo.log's exception lines have no
# brackets there.
_RECORD = re.compile(r'^\S+ \S+ \d+ [A-Z]+ \S+ \[')


@dataclasses.dataclass(order=True)
class Line:
    when: datetime.datetime
    source_index: int
    number: int
    source: str = dataclasses.field(compare=False)
    text: str = dataclasses.field(compare=False)

    def __str__(self):
        return '%s: %s' % (self.source, self.text)


def _timestamp(text):
    match = _LINE_START.match(text)
    if not match:
        return None, None
    return datetime.datetime.fromisoformat(match.group(1).replace(' ', 'T')), match.group(2)


def lines_of(path, request_id, source_index=0):
    """The lines of the log file ``path`` about ``request_id``."""
    found = []
    source = os.path.basename(path)
    last = None  # (timestamp, pid) of the last matching record
    with open(path, errors='replace') as log:
        for number, text in enumerate(log):
            text = text.rstrip('\n')
            when, pid = _timestamp(text)
            if request_id in text:
                last = (when, pid) if when else last
                if when is None and found:
                    when = found[-1].when
                found.append(Line(when or datetime.datetime.min, source_index, number,
                                  source, text))
            elif last is not None and (when is None or (
                    (when, pid) == last and not _RECORD.match(text))):
                found.append(Line(last[0] or datetime.datetime.min, source_index, number,
                                  source, text))
            else:
                last = None
    return found


def log_files(log_dir):
    """The log files of ``log_dir`` (``*.log``), sorted by name."""
    return sorted(os.path.join(log_dir, name) for name in os.listdir(log_dir)
                  if name.endswith('.log') and os.path.isfile(os.path.join(log_dir, name)))


def collect(request_id, paths):
    """Every line about ``request_id`` in ``paths``, in time order (lines
    of the same instant keep their file's order)."""
    found = []
    for index, path in enumerate(paths):
        found.extend(lines_of(path, request_id, index))
    return sorted(found)
