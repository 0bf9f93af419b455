// The smart light web app. Pages are built with DOM methods and
// textContent only: no HTML is ever parsed from data.
'use strict';

(async function main() {
  const cfg = await (await fetch('/config.json')).json();
  const app = document.getElementById('app');
  const errorBox = document.getElementById('error');
  const signoutButton = document.getElementById('signout');
  let timer = null;

  // el builds an element: attrs are properties (or data-/aria- attributes),
  // children are nodes or strings (set as text).
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k.startsWith('data-') || k.startsWith('aria-') || k === 'for') e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c);
    return e;
  }

  function showError(msg) {
    errorBox.textContent = msg;
    errorBox.hidden = !msg;
  }

  const token = () => sessionStorage.getItem('token');

  function b64url(bytes) {
    let s = '';
    for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  const random = () => b64url(crypto.getRandomValues(new Uint8Array(32)));
  async function challengeOf(verifier) {
    return b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  }

  // call calls the devices API with the bearer token.
  async function call(method, path, body) {
    const headers = { Authorization: 'Bearer ' + token() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch((cfg.apiUrl || '') + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    if (res.status === 401) {
      sessionStorage.removeItem('token');
      throw new Error('Your session has ended. Sign in again.');
    }
    if (!res.ok) {
      throw new Error((data.error && data.error.message) || ('The request failed (' + res.status + ').'));
    }
    return data;
  }

  async function signIn() {
    const verifier = random();
    const state = random();
    sessionStorage.setItem('flow', JSON.stringify({ kind: 'signin', verifier, state }));
    const u = new URL(cfg.authorizeUrl);
    u.search = new URLSearchParams({
      response_type: 'code', client_id: cfg.clientId, redirect_uri: cfg.redirectUrl,
      scope: 'openid profile', state, code_challenge: await challengeOf(verifier), code_challenge_method: 'S256',
    }).toString();
    location.assign(u.toString());
  }

  // handleRedirect completes a flow the page came back from: sign-in, or
  // a step of linking with Alexa. It returns true when it navigated away.
  async function handleRedirect() {
    const query = location.search.slice(1);
    const q = new URLSearchParams(query);
    if (!q.has('code') && !q.has('error')) return false;
    const flow = JSON.parse(sessionStorage.getItem('flow') || 'null');
    sessionStorage.removeItem('flow');
    history.replaceState(null, '', '/' + (flow && flow.kind !== 'signin' ? '#/alexa' : '#/'));
    if (!flow) {
      showError('This page was opened with an answer nobody asked for. Start again.');
      return false;
    }
    if (flow.kind === 'signin') {
      if (q.get('state') !== flow.state) {
        showError('The sign-in answer does not match the request. Start again.');
        return false;
      }
      if (q.has('error')) {
        showError('Sign-in was cancelled.');
        return false;
      }
      const res = await fetch(cfg.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code', code: q.get('code'), redirect_uri: cfg.redirectUrl,
          client_id: cfg.clientId, code_verifier: flow.verifier,
        }).toString(),
      });
      const data = await res.json().catch(() => ({}));
      if (!res.ok || !data.access_token) {
        showError('Sign-in failed. Try again.');
        return false;
      }
      sessionStorage.setItem('token', data.access_token);
      return false;
    }
    if (flow.kind === 'amazon') {
      const r = await call('POST', '/alexa-link/amazon', { callback: query });
      sessionStorage.setItem('flow', JSON.stringify({ kind: 'link' }));
      location.assign(r.next);
      return true;
    }
    if (flow.kind === 'link') {
      await call('POST', '/alexa-link/enable', { callback: query });
    }
    return false;
  }

  function battery(d) {
    return d.battery === null || d.battery === undefined ? 'unknown' : d.battery + ' %';
  }

  function statusText(d) {
    return d.status ? d.status.toUpperCase() : 'unknown';
  }

  // Pages.

  function signInPage() {
    app.replaceChildren(
      el('h2', {}, 'Welcome'),
      el('p', {}, 'Sign in to see and control your lights.'),
      el('button', { type: 'button', id: 'signin', onclick: () => signIn().catch((e) => showError(e.message)) }, 'Sign in'));
  }

  async function homePage(refresh) {
    const devices = (await call('GET', '/devices')).devices;
    const table = document.getElementById('devices');
    const shown = table ? [...table.querySelectorAll('tbody tr')].map((r) => r.dataset.serial) : [];
    if (refresh && table && shown.join('\n') === devices.map((d) => d.serialNumber).join('\n')) {
      // The same devices: update their cells in place, so focus and
      // reading position stay where they are.
      for (const d of devices) {
        const row = table.querySelector('tr[data-serial="' + CSS.escape(d.serialNumber) + '"]');
        const cells = row.querySelectorAll('td');
        cells[0].firstChild.textContent = d.friendlyName;
        cells[1].textContent = statusText(d);
        cells[1].className = d.status === 'on' ? 'status-on' : '';
        cells[2].textContent = battery(d);
        cells[3].textContent = d.online ? 'online' : 'offline';
        cells[3].className = d.online ? '' : 'offline';
      }
      return;
    }
    const rows = devices.map((d) => el('tr', { 'data-serial': d.serialNumber },
      el('td', {}, el('a', { href: '#/device/' + encodeURIComponent(d.serialNumber) }, d.friendlyName)),
      el('td', { className: d.status === 'on' ? 'status-on' : '' }, statusText(d)),
      el('td', { className: 'battery' }, battery(d)),
      el('td', { className: d.online ? '' : 'offline' }, d.online ? 'online' : 'offline')));
    app.replaceChildren(el('h2', {}, 'Your devices'),
      devices.length === 0
        ? el('p', { id: 'empty' }, 'No devices yet. ', el('a', { href: '#/add' }, 'Add one'), '.')
        : el('table', { id: 'devices' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Name'), el('th', {}, 'Power'), el('th', {}, 'Battery'), el('th', {}, 'Connection'))),
          el('tbody', {}, ...rows)));
  }

  function addPage() {
    const serial = el('input', { id: 'serial', name: 'serial', required: true, autocomplete: 'off' });
    const secret = el('input', { id: 'secret', name: 'secret', required: true, autocomplete: 'off' });
    const name = el('input', { id: 'name', name: 'name', required: true });
    const form = el('form', {},
      el('label', { for: 'serial' }, 'Serial number'), serial,
      el('label', { for: 'secret' }, 'Claim code (on the label)'), secret,
      el('label', { for: 'name' }, 'Name'), name,
      el('p', {}, el('button', { type: 'submit', id: 'claim' }, 'Add')));
    form.onsubmit = (ev) => {
      ev.preventDefault();
      call('POST', '/devices', { serialNumber: serial.value.trim(), claimSecret: secret.value.trim(), friendlyName: name.value })
        .then(() => { showError(''); location.hash = '#/'; })
        .catch((e) => showError(e.message));
    };
    app.replaceChildren(el('h2', {}, 'Add a device'), form);
    serial.focus();
  }

  async function devicePage(serial, refresh) {
    const d = await call('GET', '/devices/' + encodeURIComponent(serial));
    if (refresh && document.getElementById('device-name')) {
      document.getElementById('device-name').textContent = d.friendlyName;
      document.getElementById('power').textContent = statusText(d);
      document.getElementById('battery').textContent = battery(d);
      document.getElementById('online').textContent = d.online ? 'online' : 'offline';
      document.getElementById('toggle').textContent = d.status === 'on' ? 'Turn off' : 'Turn on';
      return;
    }
    const path = '/devices/' + encodeURIComponent(serial);
    const rename = el('input', { id: 'rename', name: 'rename', value: d.friendlyName, required: true });
    const renameForm = el('form', {}, el('label', { for: 'rename' }, 'Name'), rename,
      el('button', { type: 'submit', id: 'save' }, 'Rename'));
    renameForm.onsubmit = (ev) => {
      ev.preventDefault();
      call('PATCH', path, { friendlyName: rename.value }).then(() => { showError(''); devicePage(serial, true); }).catch((e) => showError(e.message));
    };
    const confirmBox = el('p', { id: 'confirm', hidden: true }, 'Remove this device? ',
      el('button', { type: 'button', id: 'remove-yes', onclick: () => call('DELETE', path).then(() => { location.hash = '#/'; }).catch((e) => showError(e.message)) }, 'Yes, remove'),
      el('button', { type: 'button', id: 'remove-no', onclick: () => { confirmBox.hidden = true; } }, 'Cancel'));
    app.replaceChildren(
      el('h2', { id: 'device-name' }, d.friendlyName),
      el('dl', {},
        el('dt', {}, 'Power'), el('dd', { id: 'power' }, statusText(d)),
        el('dt', {}, 'Battery'), el('dd', { id: 'battery' }, battery(d)),
        el('dt', {}, 'Connection'), el('dd', { id: 'online' }, d.online ? 'online' : 'offline'),
        el('dt', {}, 'Serial number'), el('dd', {}, d.serialNumber)),
      el('button', {
        type: 'button', id: 'toggle',
        onclick: () => call('PUT', path + '/power', { status: document.getElementById('power').textContent === 'ON' ? 'off' : 'on' })
          .then((dev) => {
            showError(dev.online === false ? 'The light is offline: it will switch when it is back online.' : '');
            devicePage(serial, true);
          }).catch((e) => showError(e.message)),
      }, d.status === 'on' ? 'Turn off' : 'Turn on'),
      renameForm,
      el('button', { type: 'button', id: 'remove', onclick: () => { confirmBox.hidden = false; document.getElementById('remove-yes').focus(); } }, 'Remove'),
      confirmBox);
  }

  async function alexaPage() {
    const s = await call('GET', '/alexa-link');
    const linked = s.status === 'ENABLED';
    app.replaceChildren(
      el('h2', {}, 'Services'),
      el('p', {}, 'Alexa: ', el('strong', { id: 'alexa-status' }, linked ? 'linked' : 'not linked')),
      linked
        ? el('button', { type: 'button', id: 'unlink', onclick: () => call('DELETE', '/alexa-link').then(() => route()).catch((e) => showError(e.message)) }, 'Unlink')
        : el('button', {
          type: 'button', id: 'link',
          onclick: () => call('POST', '/alexa-link').then((r) => {
            sessionStorage.setItem('flow', JSON.stringify({ kind: 'amazon' }));
            location.assign(r.next);
          }).catch((e) => showError(e.message)),
        }, 'Link with Alexa'));
  }

  // route renders the page of the location's hash.
  async function route(refresh) {
    if (timer !== null && !refresh) {
      clearInterval(timer);
      timer = null;
    }
    signoutButton.hidden = !token();
    if (!token()) {
      signInPage();
      return;
    }
    const hash = location.hash || '#/';
    try {
      if (hash === '#/add') {
        addPage();
      } else if (hash === '#/alexa') {
        await alexaPage();
      } else if (hash.startsWith('#/device/')) {
        const serial = decodeURIComponent(hash.slice('#/device/'.length));
        await devicePage(serial, refresh);
        if (!refresh) timer = setInterval(() => route(true), 2000);
      } else {
        await homePage(refresh);
        if (!refresh) timer = setInterval(() => route(true), 2000);
      }
    } catch (e) {
      showError(e.message);
      if (!token()) signInPage();
    }
  }

  signoutButton.onclick = () => {
    sessionStorage.removeItem('token');
    showError('');
    location.hash = '#/';
    route();
  };
  window.addEventListener('hashchange', () => { showError(''); route(); });
  try {
    if (await handleRedirect()) return;
  } catch (e) {
    showError(e.message);
  }
  await route();
}());
