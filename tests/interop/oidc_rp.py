#!/usr/bin/env python3
"""An independent OpenID Connect relying party (python3-authlib) against tanba-server.

  oidc_rp.py flow CONFIG.json   the end-to-end flow and every refusal; writes the ID token
                                it got to CONFIG["keep"] for the rotation check
  oidc_rp.py rotated CONFIG.json  after a restart with a new signing key: the JWKS holds both
                                keys and the kept ID token still verifies

CONFIG: {"base", "client", "secret", "redirect", "jwt_client", "jwt_key" (PEM), "jwt_redirect",
         "cert", "key" (the card holder's AUTH certificate and key, for `openssl cms -sign`),
         "iin", "bin", "keep"}
The card's part (signing the challenge) is done as NCALayer does it: a CMS over the nonce.
"""
import base64
import json
import re
import subprocess
import sys
import tempfile
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from authlib.oidc.core import CodeIDToken

checks = 0


def check(cond, what):
    global checks
    if not cond:
        sys.exit("FAIL: " + what)
    checks += 1


def query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


class Rp:
    def __init__(self, cfg):
        self.cfg = cfg
        self.base = cfg["base"]
        d = requests.get(self.base + "/.well-known/openid-configuration").json()
        self.disc = d

    def card_cms(self, nonce):
        """What NCALayer's createCMSSignatureFromBase64 returns: an attached CMS over the nonce."""
        with tempfile.NamedTemporaryFile() as f:
            f.write(nonce.encode())
            f.flush()
            der = subprocess.run(["openssl", "cms", "-sign", "-binary", "-nodetach", "-in", f.name, "-signer", self.cfg["cert"],
                                  "-inkey", self.cfg["key"], "-outform", "DER"], check=True, capture_output=True).stdout
        return base64.b64encode(der).decode()

    def login(self, url, sign=None):
        """The login page at `url` (the authorization request), and its card login: the redirect."""
        page = requests.get(url, allow_redirects=False)
        check(page.status_code == 200 and "text/html" in page.headers["Content-Type"], f"login page: {page.status_code} {page.text[:300]}")
        check("script-src 'self'" in page.headers.get("Content-Security-Policy", ""), "the login page has no CSP")
        m = re.search(r'<script type="application/json" id="request">(.*?)</script>', page.text, re.S)
        check(m is not None, "no request in the login page")
        params = json.loads(m.group(1))["params"]
        nonce = requests.post(self.base + "/api/v1/auth/challenge").json()["nonce"]
        body = {"params": params, "nonce": nonce, "cms": (sign or self.card_cms)(nonce)}
        r = requests.post(self.base + "/oidc/authorize/login", json=body)
        check(r.status_code == 200, f"card login: {r.status_code} {r.text}")
        return r.json()["redirect"]

    def session(self, scope="openid profile kz_iin organisation"):
        return OAuth2Session(self.cfg["client"], self.cfg["secret"], scope=scope, redirect_uri=self.cfg["redirect"],
                             code_challenge_method="S256")

    def authorize(self, s, **extra):
        verifier, nonce = generate_token(48), generate_token(20)
        url, state = s.create_authorization_url(self.disc["authorization_endpoint"], code_verifier=verifier, nonce=nonce, **extra)
        return url, state, verifier, nonce

    def id_claims(self, id_token, nonce, access_token, client=None):
        keys = JsonWebKey.import_key_set(requests.get(self.disc["jwks_uri"]).json())
        claims = jwt.decode(id_token, keys, claims_cls=CodeIDToken,
                            claims_options={"iss": {"essential": True, "value": self.disc["issuer"]}},
                            claims_params={"nonce": nonce, "client_id": client or self.cfg["client"], "access_token": access_token})
        claims.validate(leeway=5)
        return claims

    def token_raw(self, form, auth=None):
        return requests.post(self.disc["token_endpoint"], data=form, auth=auth)


def flow(cfg):
    rp = Rp(cfg)
    d = rp.disc
    check(d["issuer"] == cfg["base"] and d["authorization_endpoint"] == cfg["base"] + "/oidc/authorize", f"discovery: {d}")
    check(d["code_challenge_methods_supported"] == ["S256"] and d["response_types_supported"] == ["code"], f"discovery: {d}")
    check({"private_key_jwt", "client_secret_basic"} <= set(d["token_endpoint_auth_methods_supported"]), f"discovery: {d}")
    check(d.get("end_session_endpoint") == cfg["base"] + "/oidc/logout", f"discovery: {d}")

    # The flow: authorize with PKCE, the card login, code → tokens, ID token against the JWKS.
    s = rp.session()
    url, state, verifier, nonce = rp.authorize(s)
    back = rp.login(url)
    q = query(back)
    check(back.startswith(cfg["redirect"] + "?") and q.get("state") == state and q.get("iss") == d["issuer"] and q.get("code"), f"redirect: {back}")
    tok = s.fetch_token(d["token_endpoint"], authorization_response=back, code_verifier=verifier)
    check(tok["token_type"] == "Bearer" and 0 < tok["expires_in"] <= 600, f"token response: {tok}")
    claims = rp.id_claims(tok["id_token"], nonce, tok["access_token"])
    check(claims["iin"] == cfg["iin"] and claims["amr"] == ["hwk", "sc"] and claims["acr"] == "urn:tanba:acr:smartcard", f"claims: {claims}")
    check(claims["family_name"] and claims["given_name"] and claims["aud"] == cfg["client"] and claims["auth_time"] <= claims["iat"], f"claims: {claims}")
    check("pinfl" not in claims, f"uz_pinfl was not asked for: {claims}")
    header = json.loads(base64.urlsafe_b64decode(tok["id_token"].split(".")[0] + "=="))
    check(header["alg"] == "ES256" and header["kid"] in [k["kid"] for k in requests.get(d["jwks_uri"]).json()["keys"]], f"header: {header}")
    info = s.get(d["userinfo_endpoint"]).json()
    check(info["sub"] == claims["sub"] and info["iin"] == cfg["iin"], f"userinfo: {info}")
    json.dump({"id_token": tok["id_token"], "nonce": nonce, "access_token": tok["access_token"]}, open(cfg["keep"], "w"))

    # The same person logs in again: the same sub.
    s2 = rp.session(scope="openid")
    url, state, verifier, nonce = rp.authorize(s2)
    back = rp.login(url)
    tok2 = s2.fetch_token(d["token_endpoint"], authorization_response=back, code_verifier=verifier)
    c2 = rp.id_claims(tok2["id_token"], nonce, tok2["access_token"])
    check(c2["sub"] == claims["sub"] and "iin" not in c2 and "family_name" not in c2, f"scope openid only: {c2}")

    # Code replay (RFC 6749 §4.1.2): invalid_grant, and the tokens it gave are revoked.
    replay = rp.token_raw({"grant_type": "authorization_code", "code": query(back)["code"], "redirect_uri": cfg["redirect"],
                           "code_verifier": verifier}, auth=(cfg["client"], cfg["secret"]))
    check(replay.status_code == 400 and replay.json()["error"] == "invalid_grant", f"code replay: {replay.status_code} {replay.text}")
    gone = requests.get(d["userinfo_endpoint"], headers={"Authorization": "Bearer " + tok2["access_token"]})
    check(gone.status_code == 401 and "invalid_token" in gone.headers.get("WWW-Authenticate", ""), f"after replay: {gone.status_code} {gone.text}")

    # Wrong redirect URI: an error page, never a redirect (OIDC Core §3.1.2.6).
    s3 = rp.session()
    url, *_ = rp.authorize(s3)
    bad = url.replace(requests.utils.quote(cfg["redirect"], safe=""), requests.utils.quote(cfg["redirect"] + "/evil", safe=""))
    check(bad != url, "could not change the redirect URI")
    r = requests.get(bad, allow_redirects=False)
    check(r.status_code == 400 and "Location" not in r.headers and "OIDC_REDIRECT_URI_MISMATCH" in r.text, f"wrong redirect URI: {r.status_code} {r.text[:200]}")
    r = requests.get(url.replace("client_id=" + cfg["client"], "client_id=nobody"), allow_redirects=False)
    check(r.status_code in (400, 404) and "Location" not in r.headers, f"unknown client: {r.status_code}")

    # Missing PKCE, plain PKCE, no openid scope: errors redirected with state.
    for what, q_ in [("no code_challenge", {"code_challenge": None}), ("plain", {"code_challenge_method": "plain"}),
                     ("no openid", {"scope": "profile"}), ("response_type token", {"response_type": "token"})]:
        params = {"client_id": cfg["client"], "redirect_uri": cfg["redirect"], "response_type": "code", "scope": "openid", "state": "st-1",
                  "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"}
        for k, v in q_.items():
            if v is None:
                params.pop(k)
                params.pop("code_challenge_method")
            else:
                params[k] = v
        r = requests.get(d["authorization_endpoint"] + "?" + urlencode(params), allow_redirects=False)
        loc = r.headers.get("Location", "")
        want = "unsupported_response_type" if what.startswith("response_type") else "invalid_scope" if what == "no openid" else "invalid_request"
        check(r.status_code == 302 and loc.startswith(cfg["redirect"]) and query(loc).get("error") == want and query(loc).get("state") == "st-1",
              f"{what}: {r.status_code} {loc}")

    # A wrong code_verifier, then the right one: the code was spent on the failed try.
    s4 = rp.session()
    url, state, verifier, nonce = rp.authorize(s4)
    back = rp.login(url)
    code = query(back)["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": cfg["redirect"]}
    r = rp.token_raw(dict(form, code_verifier=generate_token(48)), auth=(cfg["client"], cfg["secret"]))
    check(r.status_code == 400 and r.json()["error"] == "invalid_grant", f"wrong verifier: {r.status_code} {r.text}")
    r = rp.token_raw(form, auth=(cfg["client"], cfg["secret"]))
    check(r.status_code == 400 and r.json()["error"] in ("invalid_grant", "invalid_request"), f"no verifier: {r.status_code} {r.text}")

    # Client authentication: a wrong secret → 401 invalid_client with WWW-Authenticate.
    url, state, verifier, nonce = rp.authorize(rp.session())
    code = query(rp.login(url))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": cfg["redirect"], "code_verifier": verifier}
    r = rp.token_raw(form, auth=(cfg["client"], cfg["secret"] + "x"))
    check(r.status_code == 401 and r.json()["error"] == "invalid_client" and "WWW-Authenticate" in r.headers, f"wrong secret: {r.status_code} {r.text}")
    r = rp.token_raw(dict(form, client_id=cfg["client"], client_secret=cfg["secret"]))  # client_secret_post, the code still unused
    check(r.status_code == 200 and "id_token" in r.json(), f"client_secret_post: {r.status_code} {r.text}")
    r = rp.token_raw(dict(form, grant_type="password"), auth=(cfg["client"], cfg["secret"]))
    check(r.status_code == 400 and r.json()["error"] == "unsupported_grant_type", f"grant_type password: {r.status_code} {r.text}")

    # private_key_jwt (RFC 7523), a pairwise client on another host: its own sub; an assertion
    # is used once.
    jwt_rp = Rp(dict(cfg, client=cfg["jwt_client"], redirect=cfg["jwt_redirect"]))
    key = open(cfg["jwt_key"]).read()
    sj = OAuth2Session(cfg["jwt_client"], key, scope="openid kz_iin", redirect_uri=cfg["jwt_redirect"], code_challenge_method="S256",
                       token_endpoint_auth_method="private_key_jwt")
    sj.register_client_auth_method(PrivateKeyJWT(d["token_endpoint"], alg="ES256"))
    url, state, verifier, nonce = jwt_rp.authorize(sj)
    back = jwt_rp.login(url)
    tj = sj.fetch_token(d["token_endpoint"], authorization_response=back, code_verifier=verifier)
    cj = jwt_rp.id_claims(tj["id_token"], nonce, tj["access_token"], client=cfg["jwt_client"])
    check(cj["iin"] == cfg["iin"] and cj["sub"] != claims["sub"], f"pairwise sub: {cj} vs {claims['sub']}")
    assertion = private_key_jwt_sign(key, cfg["jwt_client"], d["token_endpoint"], alg="ES256")
    for expect in (200, 401):
        url, state, verifier, nonce = jwt_rp.authorize(sj)
        code = query(jwt_rp.login(url))["code"]
        r = rp.token_raw({"grant_type": "authorization_code", "code": code, "redirect_uri": cfg["jwt_redirect"], "code_verifier": verifier,
                          "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion": assertion})
        check(r.status_code == expect, f"assertion use wanted {expect}: {r.status_code} {r.text}")
    other = private_key_jwt_sign(open(cfg["key"]).read(), cfg["jwt_client"], d["token_endpoint"], alg="ES256")  # another key
    r = rp.token_raw({"grant_type": "authorization_code", "code": code, "redirect_uri": cfg["jwt_redirect"], "code_verifier": verifier,
                      "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion": other})
    check(r.status_code == 401 and r.json()["error"] == "invalid_client", f"assertion by another key: {r.status_code} {r.text}")

    # A code older than the code lifetime (the server runs with 5 s).
    url, state, verifier, nonce = rp.authorize(rp.session())
    code = query(rp.login(url))["code"]
    time.sleep(6)
    r = rp.token_raw({"grant_type": "authorization_code", "code": code, "redirect_uri": cfg["redirect"], "code_verifier": verifier},
                     auth=(cfg["client"], cfg["secret"]))
    check(r.status_code == 400 and r.json()["error"] == "invalid_grant", f"late code: {r.status_code} {r.text}")

    # RP-initiated logout ends the OIDC session: the access token is refused after it.
    url, state, verifier, nonce = rp.authorize(s)
    back = rp.login(url)
    t5 = s.fetch_token(d["token_endpoint"], authorization_response=back, code_verifier=verifier)
    check(s.get(d["userinfo_endpoint"]).status_code == 200, "userinfo before logout")
    r = requests.get(d["end_session_endpoint"] + "?" + urlencode({"id_token_hint": t5["id_token"], "post_logout_redirect_uri": cfg["redirect"],
                                                                   "state": "bye"}), allow_redirects=False)
    check(r.status_code == 302 and query(r.headers["Location"]).get("state") == "bye", f"logout: {r.status_code} {r.headers}")
    r = s.get(d["userinfo_endpoint"])
    check(r.status_code == 401, f"userinfo after logout: {r.status_code} {r.text}")
    r = requests.get(d["end_session_endpoint"] + "?" + urlencode({"id_token_hint": t5["id_token"][:-4] + "AAAA"}), allow_redirects=False)
    check(r.status_code == 400, f"logout with a forged hint: {r.status_code}")
    print(f"oidc_rp: {checks} checks passed")


def rotated(cfg):
    rp = Rp(cfg)
    kept = json.load(open(cfg["keep"]))
    kids = [k["kid"] for k in requests.get(rp.disc["jwks_uri"]).json()["keys"]]
    old = json.loads(base64.urlsafe_b64decode(kept["id_token"].split(".")[0] + "=="))["kid"]
    check(len(kids) == 2 and old in kids, f"JWKS after rotation: {kids}, old {old}")
    rp.id_claims(kept["id_token"], kept["nonce"], kept["access_token"])  # still verifies (leeway: it has not expired)
    s = rp.session()
    url, state, verifier, nonce = rp.authorize(s)
    tok = s.fetch_token(rp.disc["token_endpoint"], authorization_response=rp.login(url), code_verifier=verifier)
    new = json.loads(base64.urlsafe_b64decode(tok["id_token"].split(".")[0] + "=="))["kid"]
    check(new != old and new in kids, f"new tokens' kid {new}")
    rp.id_claims(tok["id_token"], nonce, tok["access_token"])
    print(f"oidc_rp rotated: {checks} checks passed")


if __name__ == "__main__":
    {"flow": flow, "rotated": rotated}[sys.argv[1]](json.load(open(sys.argv[2])))
