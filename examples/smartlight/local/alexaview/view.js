// The Alexa view of a local run: the devices as the Alexa app shows them,
// with the Supply section, and the Smart Home debugger. Built with DOM
// methods and textContent only.
'use strict';

(function main() {
  const devicesBox = document.getElementById('devices');
  const eventsList = document.getElementById('events');
  let after = 0;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k.startsWith('data-') || k.startsWith('aria-') || k === 'for') e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c);
    return e;
  }

  function value(props, key) {
    const v = props[key];
    if (v === undefined) return 'unknown';
    if (typeof v === 'string') return v;
    if (v && typeof v.value === 'string') return v.value;
    if (v && typeof v.value === 'number') return v.value + (v['@type'] === 'Percentage' || v.type === 'Percentage' ? ' %' : '');
    return JSON.stringify(v);
  }

  function levelOf(props) {
    for (const [k, v] of Object.entries(props)) {
      if (k.startsWith('Alexa.InventoryLevelSensor') && v && typeof v.value === 'number') return v.value + ' %';
    }
    return 'unknown';
  }

  function supply(device, s) {
    const id = device.endpointId + '-' + s.instance;
    const threshold = el('input', { id: 'threshold-' + id, type: 'number', min: 0, max: 100, value: s.threshold, 'data-role': 'threshold' });
    const auto = el('input', { id: 'auto-' + id, type: 'checkbox', checked: s.autoReorder, 'data-role': 'auto' });
    const save = el('button', {
      type: 'button', 'data-role': 'save-supply',
      onclick: () => fetch('/alexa-view/api/supply', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ endpointId: device.endpointId, instance: s.instance, threshold: Number(threshold.value), autoReorder: auto.checked }),
      }).then(() => refreshDevices(true)),
    }, 'Save');
    const orders = s.orders.length === 0
      ? el('p', { 'data-role': 'orders' }, 'No orders yet.')
      : el('ul', { 'data-role': 'orders' }, ...s.orders.map((o) => el('li', {}, 'Order #' + o.seq + ' placed at ' + o.level + ' % (' + o.at + ' UTC)')));
    return el('div', { 'data-instance': s.instance },
      el('h4', {}, 'Supply: ' + s.instance),
      el('p', {}, 'Current level: ', el('strong', { 'data-role': 'level' }, s.level === null ? 'unknown' : s.level + ' %')),
      el('p', {}, el('label', { for: 'auto-' + id }, auto, ' Auto-reorder'),
        el('label', { for: 'threshold-' + id }, 'Notify and reorder at ', threshold, ' %'), save),
      orders);
  }

  let editing = false;
  async function refreshDevices(force) {
    if (editing && !force) return;
    const devices = await (await fetch('/alexa-view/api/devices')).json();
    if (devices.length === 0) {
      devicesBox.replaceChildren(el('p', { id: 'no-devices' }, 'No devices discovered yet.'));
      return;
    }
    devicesBox.replaceChildren(...devices.map((d) => el('article', { className: 'device', 'data-endpoint': d.endpointId },
      el('h3', {}, d.friendlyName),
      el('p', {}, 'Power: ', el('strong', { 'data-role': 'power' }, value(d.properties, 'Alexa.PowerController.powerState')),
        ' · Connectivity: ', el('strong', { 'data-role': 'connectivity' }, value(d.properties, 'Alexa.EndpointHealth.connectivity')),
        ' · Battery: ', el('strong', { 'data-role': 'battery' }, levelOf(d.properties))),
      ...(d.supply || []).map((s) => supply(d, s)))));
  }

  async function refreshEvents() {
    const entries = await (await fetch('/alexa-view/api/events?after=' + after)).json();
    for (const e of entries) {
      after = Math.max(after, e.seq);
      const item = el('li', { 'data-seq': e.seq },
        el('span', {}, new Date(e.time).toLocaleTimeString() + '  '),
        el('span', { className: 'dir' }, e.direction), ' ', el('span', { className: 'text' }, e.text));
      if (e.json) {
        item.append(el('details', {}, el('summary', {}, 'JSON'), el('pre', {}, JSON.stringify(e.json, null, 2))));
      }
      eventsList.prepend(item);
    }
  }

  devicesBox.addEventListener('focusin', () => { editing = true; });
  devicesBox.addEventListener('focusout', () => { editing = false; });
  async function tick() {
    try {
      await Promise.all([refreshDevices(false), refreshEvents()]);
    } catch (e) {
      // The next tick retries.
    }
  }
  tick();
  setInterval(tick, 1000);
}());
