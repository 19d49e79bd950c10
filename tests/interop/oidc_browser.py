#!/usr/bin/env python3
"""The OIDC login page in headless Chromium (Debian's chromium + chromedriver, python3-selenium),
signing with a SoftHSM2 key through a local NCALayer-protocol signer (ncalayer_signer.py).

  oidc_browser.py CONFIG.json
CONFIG: {"base", "client", "secret", "redirect" (http://127.0.0.1:PORT/callback, served here),
         "ncalayer_port", "tanba", "key_uri", "pin_file", "cert", "iin"}

The relying party starts the flow (authlib, PKCE), the browser opens the authorization URL, the
user clicks "Sign in with NCALayer", and must land on the redirect URI with a code that the
relying party exchanges for an ID token naming the IIN. The browser's console must stay clean.
"""
import asyncio
import http.server
import json
import sys
import threading
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, sys.path[0])
import ncalayer_signer  # noqa: E402


def callback_server(port, landed):
    class Callback(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if urlsplit(self.path).path == "/callback":
                landed.append(self.path)
            body = b'<!DOCTYPE html><html lang="en"><meta charset="utf-8"><link rel="icon" href="data:,"><title>RP</title><p id="done">signed in</p></html>'
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def signer_thread(cfg):
    signer = ncalayer_signer.Signer(cfg["tanba"], cfg["key_uri"], cfg["pin_file"], cfg["cert"])
    started = threading.Event()
    loop = asyncio.new_event_loop()

    def run():
        asyncio.set_event_loop(loop)
        ready = asyncio.Event()

        async def main():
            waiter = asyncio.ensure_future(ncalayer_signer.serve(cfg["ncalayer_port"], signer, ready))
            await ready.wait()
            started.set()
            await waiter

        loop.run_until_complete(main())

    threading.Thread(target=run, daemon=True).start()
    if not started.wait(10):
        sys.exit("FAIL: the NCALayer signer did not start")
    return signer


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--window-size=1024,768"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def main(cfg):
    disc = requests.get(cfg["base"] + "/.well-known/openid-configuration").json()
    port = urlsplit(cfg["redirect"]).port
    landed = []
    callback_server(port, landed)
    signer = signer_thread(cfg)
    rp = OAuth2Session(cfg["client"], cfg["secret"], scope="openid profile kz_iin", redirect_uri=cfg["redirect"], code_challenge_method="S256")
    verifier, nonce = generate_token(48), generate_token(20)
    url, state = rp.create_authorization_url(disc["authorization_endpoint"], code_verifier=verifier, nonce=nonce)

    driver = browser()
    try:
        driver.get(url)
        wait = WebDriverWait(driver, 30)
        wait.until(expected_conditions.element_to_be_clickable((By.ID, "ncalayer")))
        client = driver.find_element(By.ID, "client").text
        assert client == cfg["client"], f"the page names the client {client!r}"
        driver.find_element(By.ID, "ncalayer").click()
        try:
            wait.until(lambda d: d.current_url.startswith(cfg["redirect"]))
        except Exception:
            status = driver.find_element(By.ID, "status").text if "/oidc/" in driver.current_url else ""
            sys.exit(f"FAIL: never landed on the redirect URI: at {driver.current_url}, status {status!r}, "
                     f"signer saw {signer.requests}, console {driver.get_log('browser')}")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "done")))
        landing = driver.current_url
        console = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    finally:
        driver.quit()

    assert console == [], f"console messages: {console}"
    assert signer.requests == ["getActiveTokens", "createCMSSignatureFromBase64"], f"signer requests: {signer.requests}"
    assert len(landed) == 1, f"callback hits: {landed}"
    q = {k: v[0] for k, v in parse_qs(urlsplit(landing).query).items()}
    assert q["state"] == state and q["iss"] == disc["issuer"] and q["code"], f"landing: {landing}"
    tok = rp.fetch_token(disc["token_endpoint"], authorization_response=landing, code_verifier=verifier)
    keys = JsonWebKey.import_key_set(requests.get(disc["jwks_uri"]).json())
    claims = jwt.decode(tok["id_token"], keys, claims_cls=CodeIDToken,
                        claims_options={"iss": {"essential": True, "value": disc["issuer"]}},
                        claims_params={"nonce": nonce, "client_id": cfg["client"], "access_token": tok["access_token"]})
    claims.validate(leeway=5)
    assert claims["iin"] == cfg["iin"], f"claims: {claims}"
    print("oidc_browser: landed on the redirect URI with a code; ID token for", "IIN", "checked")


if __name__ == "__main__":
    main(json.load(open(sys.argv[1])))
