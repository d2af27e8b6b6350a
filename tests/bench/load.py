"""A closed-loop HTTP load generator: a few connections, each sends its next request
as soon as the previous answer is complete.

One thread drives every connection through a selector, so the generator costs
little CPU (it runs pinned to a core of its own) and its timing is not disturbed
by thread switches. Connections are kept alive where the server allows it;
gunicorn's sync workers close each one after the answer, and the generator
reconnects, as nginx in front of them would. Each connection starts at its own
place in the list of requests, spread evenly, so a long random list gives each
an independent sequence.
"""

import selectors
import socket
import time
from dataclasses import dataclass, field


def request_bytes(host, port, path, headers=None):
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive",
             "Accept-Encoding: gzip", "User-Agent: newsroom-bench"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass
class Result:
    seconds: float
    latencies: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    tally: dict = field(default_factory=dict)  # (request, header value): answers

    @property
    def requests(self):
        return len(self.latencies)

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share):
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def share(self, status):
        return self.statuses.get(status, 0) / self.requests if self.requests else 0.0


class _Connection:
    def __init__(self, address, requests, offset):
        self.address = address
        self.requests = requests
        self.index = offset
        self.sock = None

    def open(self, selector):
        self.sock = socket.create_connection(self.address)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        selector.register(self.sock, selectors.EVENT_READ, self)

    def close(self, selector):
        if self.sock is not None:
            selector.unregister(self.sock)
            self.sock.close()
            self.sock = None

    def send(self, selector):
        if self.sock is None:
            self.open(selector)
        self.buffer = b""
        self.expected = None  # total bytes of the answer, once the headers are in
        self.chunked = self.closes = False
        self.status = 0
        self.headers = {}
        self.request = self.requests[self.index % len(self.requests)]
        self.started = time.perf_counter()
        self.sock.sendall(self.request)
        self.index += 1

    def receive(self):
        """Read what arrived; True once the answer is complete."""
        data = self.sock.recv(262_144)
        if not data:
            self.closes = True
            return True  # the server closed: the answer ends here
        self.buffer += data
        if self.expected is None and not self.chunked:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return False
            head = self.buffer[:end].decode("latin-1").lower().split("\r\n")
            self.status = int(head[0].split()[1])
            headers = dict(line.split(":", 1) for line in head[1:] if ":" in line)
            headers = {name.strip(): value.strip() for name, value in headers.items()}
            self.headers = headers
            self.closes = headers.get("connection") == "close"
            if "content-length" in headers:
                self.expected = end + 4 + int(headers["content-length"])
            elif headers.get("transfer-encoding") == "chunked":
                self.chunked = True
            elif self.status in {204, 304}:
                self.expected = end + 4
            else:
                self.closes = True
                return False  # read until the server closes
        if self.chunked:
            return self.buffer.endswith(b"0\r\n\r\n")
        return self.expected is not None and len(self.buffer) >= self.expected


def _connections(host, port, requests, connections):
    return [_Connection((host, port), requests, number * len(requests) // connections)
            for number in range(connections)]


def run(host, port, requests, seconds, connections=2, warmup=0.5, min_requests=10,
        tally=None):
    """Drive ``requests`` (raw request bytes, taken in turn) for ``seconds``; a Result.

    Answers are counted once every connection has had one answered and ``warmup``
    seconds have passed, for ``seconds`` or until ``min_requests`` are counted,
    whichever is later: a slow page still gets enough samples. Requests still
    running then are awaited and not counted, so the server is idle again when
    this returns and the next measurement starts from a clean slate. With ``tally``
    (a header name, lower case), Result.tally counts the answers by request and the
    value of that header.
    """
    selector = selectors.DefaultSelector()
    clients = _connections(host, port, requests, connections)
    result = Result(seconds=0.0)
    warm = set()
    started = time.perf_counter()
    counting_from = last = None
    busy = len(clients)
    for client in clients:
        client.send(selector)
    try:
        while busy:
            for key, _mask in selector.select(timeout=1):
                client = key.data
                if not client.receive():
                    continue
                finished = time.perf_counter()
                if client.closes:
                    client.close(selector)
                stopping = counting_from is not None and (
                    finished - counting_from >= seconds and result.requests >= min_requests)
                if counting_from is not None and not stopping:
                    result.latencies.append(finished - client.started)
                    result.statuses[client.status] = result.statuses.get(client.status, 0) + 1
                    if tally:
                        key = (client.request, client.headers.get(tally))
                        result.tally[key] = result.tally.get(key, 0) + 1
                    last = finished
                warm.add(client)
                if (counting_from is None and len(warm) == len(clients)
                        and finished - started >= warmup):
                    counting_from = finished
                if stopping:
                    busy -= 1
                else:
                    client.send(selector)
    finally:
        for client in clients:
            client.close(selector)
        selector.close()
    result.seconds = (last - counting_from) if last else 0.0
    return result


def run_count(host, port, requests, count, connections=2):
    """Send exactly ``count`` requests (taken in turn); a Result with their timings."""
    selector = selectors.DefaultSelector()
    clients = _connections(host, port, requests, connections)
    result = Result(seconds=0.0)
    start = time.perf_counter()
    sent = 0
    for client in clients[:count]:
        client.send(selector)
        sent += 1
    try:
        while result.requests < count:
            for key, _mask in selector.select(timeout=30):
                client = key.data
                if not client.receive():
                    continue
                result.latencies.append(time.perf_counter() - client.started)
                result.statuses[client.status] = result.statuses.get(client.status, 0) + 1
                if client.closes:
                    client.close(selector)
                if sent < count:
                    client.send(selector)
                    sent += 1
    finally:
        for client in clients:
            client.close(selector)
        selector.close()
    result.seconds = time.perf_counter() - start
    return result


def run_rate(host, port, requests, rate, seconds, connections=16, timeout=30.0):
    """Open-loop load: send ``requests`` (taken in turn) at ``rate`` per second for ``seconds``.

    Unlike run(), the next request does not wait for the previous answer: requests are
    due on a fixed schedule, sent on an idle connection (at most ``connections`` open),
    and queued here while all are busy. A latency counts from the moment a request was
    due, so time spent queueing behind a slow server is in it. A connection the server
    refuses or resets, and an answer slower than ``timeout`` seconds, count as status 0.
    """
    selector = selectors.DefaultSelector()
    clients = _connections(host, port, requests, connections)
    idle, waiting = list(clients), []
    result = Result(seconds=0.0)
    started = time.perf_counter()
    due, sent = started, 0
    end = started + seconds

    def error(client):
        result.latencies.append(time.perf_counter() - client.due)
        result.statuses[0] = result.statuses.get(0, 0) + 1
        client.close(selector)

    def dispatch(client, moment):
        client.due = moment
        try:
            client.send(selector)
        except OSError:
            error(client)
            idle.append(client)

    try:
        while True:
            now = time.perf_counter()
            while due <= now and due < end:
                waiting.append(due)
                sent += 1
                due = started + sent / rate
            while waiting and idle:
                dispatch(idle.pop(), waiting.pop(0))
            busy = [client for client in clients if client not in idle]
            if due >= end and not waiting and not busy:
                break
            for client in busy:
                if client.sock is not None and now - client.due > timeout:
                    error(client)
                    idle.append(client)
            wait = max(0.0, min(due, end) - time.perf_counter()) if due < end else 0.2
            for key, _mask in selector.select(timeout=min(wait, 0.2)):
                client = key.data
                try:
                    complete = client.receive()
                except OSError:
                    error(client)
                    idle.append(client)
                    continue
                if not complete:
                    continue
                result.latencies.append(time.perf_counter() - client.due)
                status = client.status if client.status else 0
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if client.closes:
                    client.close(selector)
                idle.append(client)
    finally:
        for client in clients:
            client.close(selector)
        selector.close()
    result.seconds = time.perf_counter() - started
    return result
