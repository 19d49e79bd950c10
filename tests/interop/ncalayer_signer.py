#!/usr/bin/env python3
"""A local signer that speaks NCALayer's WebSocket protocol (kz.gov.pki.knca.commonUtils), for
tests: the browser page talks to it as it would to NCALayer on 127.0.0.1:13579, and it signs with
a key on a PKCS#11 token (SoftHSM2) through `tanba sign`.

  ncalayer_signer.py PORT TANBA KEY_URI PIN_FILE CERT

Protocol (as recorded in tests/data/kz/ncalayer-protocol): a greeting {"result":{"version"}},
then one answer per request: {"code":"200","responseObject":…} or {"code":"500","message":…}.
Handled: getActiveTokens, createCMSSignatureFromBase64 [storage, keyType, base64 data, attach].
"""
import asyncio
import base64
import json
import os
import subprocess
import sys
import tempfile

import websockets

STORAGE = "AKKZIDCardStore"  # what NCALayer calls a Kazakh ID card


class Signer:
    def __init__(self, tanba, key_uri, pin_file, cert):
        self.tanba, self.key_uri, self.pin_file, self.cert = tanba, key_uri, pin_file, cert
        self.requests = []  # the methods asked for, in order

    def cms(self, data, attach):
        with tempfile.TemporaryDirectory() as d:
            doc, out = os.path.join(d, "data"), os.path.join(d, "data.p7s")
            open(doc, "wb").write(data)
            cmd = [self.tanba, "sign", doc, "--key", self.key_uri, "--pin-file", self.pin_file, "--cert", self.cert, "--out", out]
            subprocess.run(cmd + ([] if attach else ["--detached"]), check=True, capture_output=True)
            return base64.b64encode(open(out, "rb").read()).decode()

    def answer(self, request):
        module, method, args = request.get("module"), request.get("method"), request.get("args", [])
        self.requests.append(method)
        if module != "kz.gov.pki.knca.commonUtils":
            return {"code": "500", "message": "module " + str(module) + " is not installed"}
        if method == "getActiveTokens":
            return {"code": "200", "responseObject": [STORAGE]}
        if method == "createCMSSignatureFromBase64":
            if len(args) != 4 or args[0] != STORAGE or args[1] != "AUTHENTICATION" or not isinstance(args[3], bool):
                return {"code": "500", "message": "java.lang.IllegalArgumentException: argument type mismatch. Method: " + method}
            return {"code": "200", "responseObject": self.cms(base64.b64decode(args[2]), args[3])}
        return {"code": "500", "message": "action.canceled"}

    async def session(self, ws, *_):
        await ws.send(json.dumps({"result": {"version": "1.2"}}))
        try:
            async for message in ws:
                await ws.send(json.dumps(self.answer(json.loads(message))))
        except websockets.ConnectionClosed:  # the page closes when it has its answer
            pass


async def serve(port, signer, started=None, stop=None):
    async with websockets.serve(signer.session, "127.0.0.1", port):
        if started:
            started.set()
        await (stop.wait() if stop else asyncio.Future())


if __name__ == "__main__":
    port, tanba, key_uri, pin_file, cert = sys.argv[1:6]
    asyncio.run(serve(int(port), Signer(tanba, key_uri, pin_file, cert)))
