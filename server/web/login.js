// The OpenID Connect login page: a challenge from the server, signed with the card through
// NCALayer (a CMS over the nonce) or the Web eID browser extension, then the code's redirect.
'use strict';
(function () {
  const request = JSON.parse(document.getElementById('request').textContent);
  const status = document.getElementById('status');
  const buttons = Array.from(document.querySelectorAll('button'));
  document.getElementById('client').textContent = request.params.client_id;

  function show(message, error) {
    status.textContent = message;
    status.className = error ? 'error' : '';
  }

  async function challenge() {
    const r = await fetch('/api/v1/auth/challenge', { method: 'POST' });
    if (!r.ok) throw new Error('the server gave no challenge (' + r.status + ')');
    return (await r.json()).nonce;
  }

  async function finish(body) {
    body.params = request.params;
    const r = await fetch('/oidc/authorize/login', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body)
    });
    const answer = await r.json();
    if (!r.ok) throw new Error(answer.detail || answer.title || ('the login was refused (' + r.status + ')'));
    window.location.assign(answer.redirect);
  }

  // NCALayer's WebSocket protocol: a greeting, then one answer per request.
  function ncalayer(calls) {
    return new Promise(function (resolve, reject) {
      const ws = new WebSocket(request.ncalayer);
      const results = [];
      let greeted = false;
      ws.onerror = function () { reject(new Error('NCALayer is not running on this computer')); };
      ws.onmessage = function (event) {
        const m = JSON.parse(event.data);
        if (!greeted) { greeted = true; ws.send(JSON.stringify(calls[0])); return; }
        if (String(m.code) !== '200') { ws.close(); reject(new Error('NCALayer: ' + (m.message || m.code))); return; }
        results.push(m.responseObject);
        if (results.length === calls.length) { ws.close(); resolve(results); return; }
        const next = calls[results.length];
        ws.send(JSON.stringify(typeof next === 'function' ? next(results) : next));
      };
    });
  }

  async function withNcalayer() {
    const nonce = await challenge();
    show('Confirm the signature in NCALayer…');
    const results = await ncalayer([
      { module: 'kz.gov.pki.knca.commonUtils', method: 'getActiveTokens' },
      function (done) {
        const storage = Array.isArray(done[0]) && done[0].length ? done[0][0] : 'PKCS12';
        return { module: 'kz.gov.pki.knca.commonUtils', method: 'createCMSSignatureFromBase64',
                 args: [storage, 'AUTHENTICATION', btoa(nonce), true] };
      }
    ]);
    await finish({ nonce: nonce, cms: results[1] });
  }

  // The Web eID extension's page messages (web-eid.js protocol).
  function webeid(nonce) {
    return new Promise(function (resolve, reject) {
      const timer = setTimeout(function () { reject(new Error('the Web eID extension did not answer')); }, 120000);
      window.addEventListener('message', function listener(event) {
        if (event.source !== window || !event.data || typeof event.data.action !== 'string') return;
        if (event.data.action === 'web-eid:authenticate-success') {
          clearTimeout(timer); window.removeEventListener('message', listener); resolve(event.data);
        } else if (event.data.action === 'web-eid:authenticate-failure') {
          clearTimeout(timer); window.removeEventListener('message', listener);
          reject(new Error('Web eID: ' + ((event.data.error && event.data.error.code) || 'failed')));
        }
      });
      window.postMessage({ action: 'web-eid:authenticate', challengeNonce: nonce }, window.location.origin);
    });
  }

  async function withWebeid() {
    const nonce = await challenge();
    show('Confirm with your card\'s PIN…');
    const token = await webeid(nonce);
    delete token.action;
    await finish({ nonce: nonce, token: token });
  }

  function run(flow) {
    return function () {
      buttons.forEach(function (b) { b.disabled = true; });
      flow().catch(function (e) {
        show(e.message, true);
        buttons.forEach(function (b) { b.disabled = false; });
      });
    };
  }
  document.getElementById('ncalayer').addEventListener('click', run(withNcalayer));
  document.getElementById('webeid').addEventListener('click', run(withWebeid));
}());
