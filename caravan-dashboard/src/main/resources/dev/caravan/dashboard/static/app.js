// The Caravan dashboard page: reads /api/stream (server-sent events, one 'state' message every 0.5 s), draws the
// nodes, processes, the selected process's response time with its migration, and posts the forms' actions with
// the token typed in the header (Authorization: Bearer). No framework: the DOM is rebuilt from each state.
'use strict';

const KEEP_MS = 10 * 60 * 1000;          // probe points kept per process in the page
const WINDOW_MS = 60 * 1000;             // the figure shows at least the last minute
const page = { state: null, samples: new Map(), selected: null, followed: null, lastAction: 0, stream: null, shown: null };

const $ = sel => document.querySelector(sel);

function human(bytes) {
  if (bytes < 0) return '–';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0, v = bytes;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)) + ' ' + u[i];
}
function num(v, digits) { return v < 0 ? '–' : v.toFixed(digits); }
function clock(ms) { return new Date(ms).toLocaleTimeString([], { hour12: false }); }
function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) {
    if (k === 'class') e.className = attrs[k]; else if (k.startsWith('on')) e.addEventListener(k.slice(2), attrs[k]);
    else e.setAttribute(k, attrs[k]);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
  return e;
}

function onState(s, fresh) {
  page.state = s;
  if (fresh) page.samples.clear(); // a (re)connected stream starts with its own history
  const cutoff = s.timeMs - KEEP_MS;
  for (const [proc, t, ms, ok] of s.samples) {
    if (!page.samples.has(proc)) page.samples.set(proc, []);
    page.samples.get(proc).push([t, ms, ok]);
  }
  for (const [proc, list] of page.samples) {
    while (list.length && list[0][0] < cutoff) list.shift();
    if (!list.length) page.samples.delete(proc);
  }
  render();
}

function currentMigration(s, process) {
  const ms = s.migrations.filter(m => m.process === process && !m.cloning);
  return ms.length ? ms[ms.length - 1] : null;
}

function pickProcess(s) {
  const names = [...new Set(s.cluster.processes.map(p => p.name))];
  // A migration that runs, or one the page started, decides what is drawn until the user picks.
  const running = s.migrations.filter(m => m.outcome === '' && !m.cloning);
  if (running.length) page.followed = running[running.length - 1].process;
  if (page.selected && (names.includes(page.selected) || page.samples.has(page.selected))) return page.selected;
  if (page.followed && (names.includes(page.followed) || page.samples.has(page.followed))) return page.followed;
  return names.length ? names[0] : null;
}

function render() {
  const s = page.state;
  const c = s.cluster;
  $('#summary').textContent = `${c.nodes.length} node(s), ${new Set(c.processes.map(p => p.name)).size} process(es)`;
  renderTokenNote();
  renderNodes(c);
  const process = pickProcess(s);
  // The dashboard probes only what a page draws: tell it (a new stream) when that changes.
  if (process !== page.shown) connect(process);
  renderProcesses(c, process);
  renderChoices(c);
  renderFigure(s, process);
  renderActions(s);
  renderEvents(s);
}

function renderTokenNote() {
  const s = page.state;
  if (!s) return;
  const typed = $('#token').value.trim() !== '';
  const note = $('#token-note');
  note.setAttribute('data-token', !s.actionsNeedToken ? 'none' : typed ? 'set' : 'missing');
  note.textContent = !s.actionsNeedToken ? 'this cluster has no token: actions are open'
    : typed ? 'token set: actions send it (the dashboard checks it)' : 'actions need the cluster token';
}

function renderNodes(c) {
  const moving = new Set(page.state.migrations.filter(m => m.outcome === '').map(m => m.process));
  const box = $('#nodes');
  box.replaceChildren(...c.nodes.map(n => {
    const card = h('div', { class: 'node', 'data-node': n.id, 'data-unreachable': String(n.unreachable !== '') });
    const badge = n.unreachable !== '' ? h('span', { class: 'badge down' }, 'unreachable')
      : n.schedulable ? h('span', { class: 'badge' }, 'schedulable') : h('span', { class: 'badge cordoned' }, 'cordoned');
    card.append(h('div', { class: 'head' }, h('span', { class: 'id' }, n.id), badge));
    if (n.unreachable !== '') {
      card.append(h('div', { class: 'empty' }, n.unreachable));
      return card;
    }
    const cap = Math.max(1, n.processMemoryBytes);
    card.append(h('div', { class: 'meter' }, h('span', {}, 'memory'),
      h('span', {}, `${human(n.allocatedBytes)} used · ${human(n.reservedBytes)} reserved of ${human(n.processMemoryBytes)}`)));
    const mem = h('div', { class: 'bar', title: 'allocated (dark) and reserved (light) of the process-memory capacity' });
    mem.append(h('i', { class: 'reserved', style: `width:${Math.min(100, 100 * n.reservedBytes / cap)}%` }),
      h('i', { style: `width:${Math.min(100, 100 * n.allocatedBytes / cap)}%` }));
    card.append(mem);
    card.append(h('div', { class: 'meter' }, h('span', {}, 'CPU load'),
      h('span', {}, n.cpuLoad < 0 ? 'unknown' : (n.cpuLoad * 100).toFixed(0) + '% of the machine')));
    const cpu = h('div', { class: 'bar cpu' });
    cpu.append(h('i', { style: `width:${Math.max(0, Math.min(100, n.cpuLoad * 100))}%` }));
    card.append(cpu);
    const chips = h('div', { class: 'chips' });
    if (!n.processes.length) chips.append(h('span', { class: 'empty' }, 'no processes'));
    for (const p of n.processes) {
      chips.append(h('span', { class: 'chip' + (moving.has(p) ? ' moving' : ''), 'data-process-chip': p,
        onclick: () => { page.selected = p; render(); } }, p));
    }
    card.append(chips);
    return card;
  }));
}

function renderProcesses(c, selected) {
  $('#processes tbody').replaceChildren(...c.processes.map(p => h('tr', {
    'data-process': p.name, 'data-node': p.node, class: p.name === selected ? 'selected' : '',
    onclick: () => { page.selected = p.name; render(); }
  }, h('td', {}, p.name), h('td', {}, p.node), h('td', { title: p.stateDetail }, p.state), h('td', { class: 'n' }, p.epoch),
    h('td', { class: 'n' }, num(p.requestsPerSec, 0)), h('td', { class: 'n' }, p.latencyMs < 0 ? '–' : p.latencyMs.toFixed(2) + ' ms'),
    h('td', { class: 'n' }, num(p.dirtyPagesPerSec, 0)), h('td', { class: 'n' }, p.dirtyPages),
    h('td', { class: 'n' }, human(p.memoryBytes)), h('td', { class: 'n' }, p.queuedCommands))));
}

function fillSelect(sel, values) {
  const old = sel.value;
  const same = sel.options.length === values.length && values.every((v, i) => sel.options[i].value === v);
  if (!same) {
    sel.replaceChildren(...values.map(v => h('option', { value: v }, v)));
    if (values.includes(old)) sel.value = old;
  }
}

function renderChoices(c) {
  const procs = [...new Set(c.processes.map(p => p.name))].sort();
  const nodes = c.nodes.map(n => n.id);
  document.querySelectorAll('select.process-choice').forEach(s => fillSelect(s, procs));
  document.querySelectorAll('select.node-choice').forEach(s => fillSelect(s, nodes));
}

function renderFigure(s, process) {
  const m = process ? currentMigration(s, process) : null;
  const now = s.timeMs;
  // The last minute, or less when the probe has not been running that long (an empty plot says nothing).
  const pts = page.samples.get(process) || [];
  let from = Math.max(now - WINDOW_MS, Math.min(now - 15000, pts.length ? pts[0][0] - 1000 : now));
  const recent = m && now - m.startMs < 5 * 60 * 1000 ? m : null;
  if (recent) from = Math.min(from, recent.startMs - 5000);
  $('#figure-title').textContent = process ? `Client response time of ${process}` : 'Client response time';
  drawFigure($('#figure'), { process, points: page.samples.get(process) || [], migration: recent, fromMs: from, toMs: now,
    originMs: recent ? recent.startMs : now });
  const box = $('#migration');
  if (!recent) {
    box.setAttribute('data-state', 'none');
    box.replaceChildren(h('span', { class: 'empty' }, process ? `no migration of ${process} in the last 5 minutes` : ''));
    return;
  }
  box.setAttribute('data-state', recent.outcome || 'running');
  const frac = recent.outcome ? 1 : recent.statePages > 0 && recent.remainingPages >= 0
    ? Math.max(0, Math.min(1, 1 - recent.remainingPages / recent.statePages)) : 0;
  const parts = [h('span', { class: 'phase' }, recent.outcome || recent.phase), ' ',
    `${recent.process} ${recent.from} → ${recent.to} (${recent.mode}) · round ${recent.round} · sent ${human(recent.bytesSent)}`];
  if (!recent.outcome && recent.remainingPages >= 0) parts.push(` · ${recent.remainingPages} pages left`);
  if (recent.bandwidthBytesPerSec > 0 && !recent.outcome) parts.push(` · ${human(recent.bandwidthBytesPerSec)}/s`);
  if (recent.downtimeMs >= 0) parts.push(` · downtime ${recent.downtimeMs.toFixed(1)} ms`);
  if (recent.endMs > 0) parts.push(` · total ${((recent.endMs - recent.startMs) / 1000).toFixed(2)} s`);
  if (recent.detail && recent.outcome !== 'committed') parts.push(h('div', { class: 'empty' }, recent.detail));
  const bar = h('div', { class: 'bar' });
  bar.append(h('i', { style: `width:${(frac * 100).toFixed(1)}%` }));
  box.replaceChildren(h('div', {}, ...parts), bar);
}

function renderActions(s) {
  $('#actions').replaceChildren(...s.actions.slice().reverse().map(a => h('li', { 'data-state': a.state, 'data-action-id': a.id },
    h('time', {}, clock(a.startMs)), `${a.kind} ${a.subject}: ${a.message}`)));
  const mine = s.actions.find(a => a.id === page.lastAction);
  if (mine) status(mine.state === 'failed' ? 'error' : mine.state === 'ok' ? 'ok' : 'running', mine.message);
}

function renderEvents(s) {
  if (!s.events.length) {
    $('#events').replaceChildren(h('li', { class: 'empty' }, 'no events yet (each node publishes its lifecycle events on its admin port)'));
    return;
  }
  $('#events').replaceChildren(...s.events.slice().reverse().map(e => h('li', {},
    h('time', {}, clock(e.timeMs)), h('span', { class: 'kind' }, e.kind), `${e.source}: ${e.message}`)));
}

function status(state, text) {
  const p = $('#action-status');
  p.setAttribute('data-state', state);
  p.textContent = text;
}

async function post(action, body) {
  const token = $('#token').value.trim();
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  let resp;
  try {
    resp = await fetch('/api/' + action, { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (e) {
    status('error', 'the dashboard does not answer: ' + e.message);
    return;
  }
  let json = {};
  try { json = await resp.json(); } catch (e) { json = { error: 'HTTP ' + resp.status }; }
  if (!resp.ok) {
    status('error', json.error || ('HTTP ' + resp.status));
    return;
  }
  page.lastAction = json.id;
  status('running', json.message);
}

function formData(form) {
  const o = {};
  for (const [k, v] of new FormData(form)) o[k] = v;
  return o;
}

function wireForms() {
  $('#form-migrate').addEventListener('submit', ev => {
    ev.preventDefault();
    const d = formData(ev.target);
    page.selected = d.process;
    post('migrate', d);
  });
  $('#form-clone').addEventListener('submit', ev => { ev.preventDefault(); post('clone', formData(ev.target)); });
  $('#form-checkpoint').addEventListener('submit', ev => { ev.preventDefault(); post('checkpoint', formData(ev.target)); });
  $('#form-drain').addEventListener('submit', ev => { ev.preventDefault(); post('drain', formData(ev.target)); });
  $('#token-form').addEventListener('submit', ev => ev.preventDefault());
  const saved = sessionStorage.getItem('caravan-token');
  if (saved) $('#token').value = saved;
  $('#token').addEventListener('change', ev => sessionStorage.setItem('caravan-token', ev.target.value));
  $('#token').addEventListener('input', renderTokenNote);
}

// One stream at a time; ?show= names the process the figure draws, the only one the dashboard probes for this page.
function connect(show) {
  const conn = $('#conn');
  if (page.stream) page.stream.close();
  page.shown = show;
  const es = new EventSource('/api/stream' + (show ? '?show=' + encodeURIComponent(show) : ''));
  page.stream = es;
  let fresh = true;
  es.addEventListener('open', () => { fresh = true; });
  es.addEventListener('state', ev => {
    conn.setAttribute('data-state', 'live');
    conn.textContent = 'live';
    onState(JSON.parse(ev.data), fresh);
    fresh = false;
  });
  es.onerror = () => {
    conn.setAttribute('data-state', 'lost');
    conn.textContent = 'reconnecting…';
  };
}

wireForms();
connect(null);
