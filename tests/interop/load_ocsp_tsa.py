#!/usr/bin/env python3
"""Parallel OCSP (with nonces, so each answer is signed when asked) and time-stamp traffic
against tanba-server for a fixed time; every OCSP answer is checked with python-cryptography
(status, nonce echoed, signature by the responder certificate) and every time-stamp answer's
status; answers are kept in OUT for openssl to check a sample.

  load_ocsp_tsa.py URL SECONDS CONNECTIONS ISSUER RESPONDER OUT CERT:STATUS... --tsq Q...

Bounded: only 127.0.0.1 targets, stops after SECONDS. Exit 0 when every answer was right;
prints one line "load: N ocsp, M tsa, E errors".
"""
import http.client
import os
import sys
import threading
import time
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp


def load_pem(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def verify_signature(cert, signature, data, hash_alg):
    key = cert.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, data, ec.ECDSA(hash_alg))
    elif isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, data, padding.PKCS1v15(), hash_alg)
    else:
        key.verify(signature, data)


def main():
    args = sys.argv[1:]
    tsq_at = args.index("--tsq")
    queries = args[tsq_at + 1:]
    url, seconds, connections, issuer_pem, responder_pem, out = args[:6]
    expected = [a.split(":") for a in args[6:tsq_at]]
    target = urllib.parse.urlparse(url)
    assert target.hostname == "127.0.0.1", "load tests stay on the loopback"
    issuer = load_pem(issuer_pem)
    responder = load_pem(responder_pem)
    certs = [(load_pem(p), ocsp.OCSPCertStatus.GOOD if s == "good" else ocsp.OCSPCertStatus.REVOKED) for p, s in expected]
    tsq = [open(q, "rb").read() for q in queries]
    deadline = time.monotonic() + float(seconds)
    lock = threading.Lock()
    counts = {"ocsp": 0, "tsa": 0}
    errors = []

    def worker(n):
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        i = 0
        while time.monotonic() < deadline:
            i += 1
            try:
                if i % 2:
                    cert, status = certs[i % len(certs)]
                    nonce = os.urandom(16)
                    req = (ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1())
                           .add_extension(x509.OCSPNonce(nonce), critical=False).build())
                    body = req.public_bytes(Encoding.DER)
                    conn.request("POST", "/ocsp", body, {"Content-Type": "application/ocsp-request"})
                    r = conn.getresponse()
                    der = r.read()
                    if r.status != 200:
                        raise RuntimeError(f"OCSP HTTP {r.status}")
                    resp = ocsp.load_der_ocsp_response(der)
                    if resp.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
                        raise RuntimeError(f"OCSP status {resp.response_status}")
                    if resp.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce != nonce:
                        raise RuntimeError("nonce not echoed")
                    if resp.certificate_status != status or resp.serial_number != cert.serial_number:
                        raise RuntimeError(f"certificate status {resp.certificate_status}, expected {status}")
                    if not resp.certificates or resp.certificates[0] != responder:
                        raise RuntimeError("responder certificate not included")
                    verify_signature(responder, resp.signature, resp.tbs_response_bytes, resp.signature_hash_algorithm)
                    with lock:
                        counts["ocsp"] += 1
                        k = counts["ocsp"]
                    with open(os.path.join(out, f"ocsp-{k}.der"), "wb") as f:
                        f.write(der)
                    with open(os.path.join(out, f"ocsp-{k}.req"), "wb") as f:
                        f.write(body)
                else:
                    q = n % len(tsq)
                    conn.request("POST", "/tsa", tsq[q], {"Content-Type": "application/timestamp-query"})
                    r = conn.getresponse()
                    der = r.read()
                    # TimeStampResp ::= SEQUENCE { status PKIStatusInfo SEQUENCE { INTEGER 0 (granted) ... }, token }
                    if r.status != 200 or der[:1] != b"\x30" or b"\x30\x03\x02\x01\x00" not in der[:12]:
                        raise RuntimeError(f"TSA HTTP {r.status} or not granted")
                    with lock:
                        counts["tsa"] += 1
                        k = counts["tsa"]
                    with open(os.path.join(out, f"tsa-{k}.tsr"), "wb") as f:
                        f.write(der)
                    os.symlink(os.path.abspath(queries[q]), os.path.join(out, f"tsa-{k}.tsq"))
            except Exception as e:  # every failure counts: wrong answers, resets, time-outs
                with lock:
                    errors.append(repr(e))
                conn.close()
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(int(connections))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"load: {counts['ocsp']} ocsp, {counts['tsa']} tsa, {len(errors)} errors")
    for e in errors[:10]:
        print("  " + e)
    return 0 if not errors and counts["ocsp"] and counts["tsa"] else 1

if __name__ == "__main__":
    sys.exit(main())
