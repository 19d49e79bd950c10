#!/usr/bin/python3
"""Hostile clients against tanba-server (tests/cli/server_hostile.sh).

  hostile_clients.py hold PORT COUNT SECONDS
      COUNT idle connections from 127.0.0.2 (reopened when the server closes them), while
      127.0.0.1 asks GET /healthz on a new connection every 20 ms for SECONDS; prints
      "ok=N failed=N held=N" (held: 127.0.0.2's connections still open at the end).
  hostile_clients.py evict PORT COUNT
      COUNT keep-alive connections from 127.0.0.2, each after one answered request; then one
      request from 127.0.0.1 on a new connection. Prints "answered=0|1 oldest_closed=0|1
      newest_closed=0|1".
"""
import select
import socket
import sys
import threading
import time

REQ = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"


def connect(source, port, timeout=2.0):
    s = socket.socket()
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def closed(s):
    """True when the server closed the connection (readable with EOF or reset)."""
    r, _, _ = select.select([s], [], [], 0)
    if not r:
        return False
    try:
        return s.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def ask(source, port, s=None):
    own = s is None
    try:
        s = s or connect(source, port)
        s.sendall(REQ)
        got = b""
        while b"\r\n\r\n" not in got:
            chunk = s.recv(4096)
            if not chunk:
                return False
            got += chunk
        head, _, rest = got.partition(b"\r\n\r\n")
        length = next((int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")), 0)
        while len(rest) < length:
            rest += s.recv(4096)
        return head.startswith(b"HTTP/1.1 200")
    except OSError:
        return False
    finally:
        if own and s:
            s.close()


def hold(port, count, seconds):
    conns = []
    stop = time.time() + seconds
    results = {"ok": 0, "failed": 0}

    def normal_client():
        while time.time() < stop:
            results["ok" if ask("127.0.0.1", port) else "failed"] += 1
            time.sleep(0.02)

    t = threading.Thread(target=normal_client)
    t.start()
    while time.time() < stop:
        conns = [c for c in conns if not (closed(c) and c.close() is None)]
        while len(conns) < count and time.time() < stop:
            try:
                conns.append(connect("127.0.0.2", port, timeout=0.5))
            except OSError:
                break
        time.sleep(0.2)
    t.join()
    held = sum(1 for c in conns if not closed(c))
    print(f"ok={results['ok']} failed={results['failed']} held={held}")


def evict(port, count):
    conns = []
    for _ in range(count):
        s = connect("127.0.0.2", port)
        if not ask("127.0.0.2", port, s):
            print("keep-alive request failed", file=sys.stderr)
            sys.exit(1)
        conns.append(s)
        time.sleep(0.01)  # the first is idle longest
    answered = ask("127.0.0.1", port)
    time.sleep(0.3)
    print(f"answered={int(answered)} oldest_closed={int(closed(conns[0]))} newest_closed={int(closed(conns[-1]))}")


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "hold":
        hold(port, int(sys.argv[3]), float(sys.argv[4]))
    else:
        evict(port, int(sys.argv[3]))
