#!/usr/bin/python3
"""A small PKI HTTP server for the tests, built on python3-cryptography (independent of tanba):
GET serves files from a directory (CRLs); POST /ocsp answers OCSP requests for one CA,
signed by that CA, echoing the request's nonce.

  pki_http_server.py PORT DIR CA_CERT CA_KEY STATE_FILE [TSA_COMMAND...]

Each request is noted as "METHOD PATH" in the file named by PKI_SERVER_LOG, when set.
STATE_FILE (re-read per request) is JSON: {"revoked": ["SERIALHEX", ...], "nonce": "echo"|"wrong"}.
POST /tsa runs TSA_COMMAND with the request file and the response file appended (the TSA under
test), and returns what it wrote.
"""
import datetime
import http.server
import json
import os
import subprocess
import sys
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

port, root, ca_path, key_path, state_path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
tsa_command = sys.argv[6:]
ca = x509.load_pem_x509_certificate(open(ca_path, "rb").read())
key = serialization.load_pem_private_key(open(key_path, "rb").read(), password=None)


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=root, **kw)

    def log_message(self, *a):
        pass

    def note(self):
        if os.environ.get("PKI_SERVER_LOG"):
            with open(os.environ["PKI_SERVER_LOG"], "a") as f:
                f.write(f"{self.command} {self.path}\n")

    def do_GET(self):
        self.note()
        super().do_GET()

    def do_POST(self):
        self.note()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/tsa":
            with tempfile.TemporaryDirectory() as tmp:
                req, resp = os.path.join(tmp, "q"), os.path.join(tmp, "r")
                open(req, "wb").write(body)
                subprocess.run(tsa_command + ["--request", req, "--out", resp], check=True)
                data = open(resp, "rb").read()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        state = json.load(open(state_path))
        req = ocsp.load_der_ocsp_request(body)
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        builder = ocsp.OCSPResponseBuilder()
        if req.issuer_key_hash != ocsp.OCSPRequestBuilder().add_certificate(ca, ca, hashes.SHA1()).build().issuer_key_hash:
            out = ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
        else:
            revoked = any(int(s, 16) == req.serial_number for s in state["revoked"])
            # The builder wants the certificate: a stand-in with the requested serial, issued
            # under the CA's name (only its serial and issuer enter the CertID).
            stub = (x509.CertificateBuilder().subject_name(ca.subject).issuer_name(ca.subject)
                    .public_key(key.public_key()).serial_number(req.serial_number)
                    .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                    .sign(key, hashes.SHA256()))
            builder = builder.add_response(
                cert=stub, issuer=ca, algorithm=hashes.SHA1(),
                cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
                this_update=now - datetime.timedelta(minutes=1), next_update=now + datetime.timedelta(hours=1),
                revocation_time=now - datetime.timedelta(hours=1) if revoked else None,
                revocation_reason=x509.ReasonFlags.key_compromise if revoked else None)
            for ext in req.extensions:
                if isinstance(ext.value, x509.OCSPNonce):
                    nonce = ext.value.nonce if state.get("nonce", "echo") == "echo" else bytes(16)
                    builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
            out = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, ca).sign(key, hashes.SHA256())
        data = out.public_bytes(serialization.Encoding.DER)
        self.send_response(200)
        self.send_header("Content-Type", "application/ocsp-response")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
