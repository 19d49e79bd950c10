#!/usr/bin/python3
"""Request smuggling probes against an HTTP server (tests/cli/server.sh).

  smuggle.py PORT
Sends requests whose framing is ambiguous, each followed by a second request hidden in what
would be read as its body or as the next request; the server must answer the first once with
EXPECTED and close the connection, so no second response ever appears.
"""
import socket
import sys

port = int(sys.argv[1])
hidden = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
CASES = [
    ("xchunked", b"POST /ocsp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: %d\r\n\r\n" % len(hidden) + hidden, "400"),
    ("identity", b"POST /ocsp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n" + hidden, "400"),
    ("chunked-identity", b"POST /ocsp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n" + hidden, "400"),
    ("gzip-chunked", b"POST /ocsp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + hidden, "501"),
    ("no-host", b"GET /healthz HTTP/1.1\r\n\r\n" + hidden, "400"),
    ("two-hosts", b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + hidden, "400"),
    # HTTP/1.0 (docs/server.md): answered without Host, and the connection closed after it.
    ("http-1.0", b"GET /healthz HTTP/1.0\r\n\r\n" + hidden, "200"),
]
failed = []
for name, data, want in CASES:
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(data)
    got = b""
    try:
        while chunk := s.recv(65536):
            got += chunk
    except socket.timeout:
        failed.append(f"{name}: connection left open")
    s.close()
    statuses = [line.split(b" ")[1].decode() for line in got.split(b"\r\n") if line.startswith(b"HTTP/1.")]
    if statuses != [want]:
        failed.append(f"{name}: responses {statuses}, wanted [{want}]")
# A well-framed request still works and keeps the connection.
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(hidden + hidden)
got = b""
while got.count(b"HTTP/1.1 200") < 2:
    got += s.recv(65536)
s.close()
print("\n".join(failed) or f"{len(CASES)} smuggling probes: one answer each, connection closed")
sys.exit(1 if failed else 0)
