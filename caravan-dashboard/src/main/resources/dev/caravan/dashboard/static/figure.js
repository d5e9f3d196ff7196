// The chapter's figure: client response time over time, the migration's span and its downtime marked.
// Drawn as SVG by hand: x is time in seconds relative to the migration's start (or to now), y the response
// time in ms on a log axis (values span decades: 0.1 ms when idle, the downtime during a freeze).
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';
const FIG = { w: 960, h: 320, left: 64, right: 16, top: 18, bottom: 40 };

function el(name, attrs, text) {
  const e = document.createElementNS(SVG_NS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmtMs(v) {
  if (v >= 1000) return (v / 1000).toFixed(v >= 10000 ? 0 : 1) + ' s';
  if (v >= 1) return (+v.toPrecision(3)) + ' ms';
  return (+v.toPrecision(2)) + ' ms';
}

// view: {process, points: [[tMs, ms, ok]], migration (MigrationView or null), fromMs, toMs, originMs}
function drawFigure(svg, view) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const pw = FIG.w - FIG.left - FIG.right, ph = FIG.h - FIG.top - FIG.bottom;
  const pts = view.points.filter(p => p[0] >= view.fromMs && p[0] <= view.toMs);
  const m = view.migration;
  let after = 0;
  svg.setAttribute('data-process', view.process || '');
  svg.setAttribute('data-points', String(pts.length));
  svg.setAttribute('data-migration-id', m ? String(m.id) : '');
  if (m && m.endMs > 0) after = pts.filter(p => p[0] > m.endMs).length;
  svg.setAttribute('data-points-after-migration', String(after));
  if (!view.process) {
    svg.appendChild(el('text', { x: FIG.w / 2, y: FIG.h / 2, 'text-anchor': 'middle', class: 'nodata' }, 'no process to probe yet'));
    return;
  }
  // y: log10 of ms over whole decades that hold every point (no point sits beyond an axis end).
  let lo = Infinity, hi = -Infinity;
  for (const p of pts) { if (p[1] > 0) { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); } }
  if (m && m.downtimeMs > 0) hi = Math.max(hi, m.downtimeMs);
  if (!isFinite(lo)) { lo = 0.1; hi = 10; }
  let d0 = Math.floor(Math.log10(lo)), d1 = Math.ceil(Math.log10(hi));
  if (d1 - d0 < 2) d1 = d0 + 2;
  const x = t => FIG.left + (t - view.fromMs) / Math.max(1, view.toMs - view.fromMs) * pw;
  const y = v => FIG.top + ph - (Math.log10(Math.max(v, Math.pow(10, d0))) - d0) / (d1 - d0) * ph;

  // Grid and axes.
  for (let d = d0; d <= d1; d++) {
    const v = Math.pow(10, d), yy = y(v);
    svg.appendChild(el('line', { x1: FIG.left, x2: FIG.left + pw, y1: yy, y2: yy, class: 'grid' }));
    svg.appendChild(el('text', { x: FIG.left - 6, y: yy + 4, 'text-anchor': 'end' }, fmtMs(v)));
  }
  const spanS = (view.toMs - view.fromMs) / 1000;
  const stepS = spanS > 240 ? 60 : spanS > 120 ? 30 : spanS > 40 ? 10 : 5;
  const firstS = Math.ceil((view.fromMs - view.originMs) / 1000 / stepS) * stepS;
  for (let s = firstS; view.originMs + s * 1000 <= view.toMs; s += stepS) {
    const xx = x(view.originMs + s * 1000);
    svg.appendChild(el('line', { x1: xx, x2: xx, y1: FIG.top, y2: FIG.top + ph, class: 'grid' }));
    svg.appendChild(el('text', { x: xx, y: FIG.top + ph + 16, 'text-anchor': 'middle' }, (s > 0 ? '+' : '') + s + ' s'));
  }
  svg.appendChild(el('line', { x1: FIG.left, x2: FIG.left, y1: FIG.top, y2: FIG.top + ph, class: 'axis' }));
  svg.appendChild(el('line', { x1: FIG.left, x2: FIG.left + pw, y1: FIG.top + ph, y2: FIG.top + ph, class: 'axis' }));
  svg.appendChild(el('text', { x: FIG.left + pw / 2, y: FIG.h - 6, 'text-anchor': 'middle' },
    m ? 'time since the migration began (s)' : 'time relative to now (s)'));
  svg.appendChild(el('text', { x: 14, y: FIG.top + ph / 2, 'text-anchor': 'middle',
    transform: 'rotate(-90 14 ' + (FIG.top + ph / 2) + ')' }, 'response time (ms, log)'));

  // The migration: its span, then its downtime on top.
  if (m) {
    const x0 = x(Math.max(m.startMs, view.fromMs)), x1 = x(m.endMs > 0 ? m.endMs : view.toMs);
    svg.appendChild(el('rect', { x: x0, y: FIG.top, width: Math.max(2, x1 - x0), height: ph, class: 'migration-span',
      'data-start-ms': m.startMs, 'data-end-ms': m.endMs }));
    // Labels go on the side of the marks with more room, so that none runs off the plot.
    const right = x0 < FIG.left + pw * 0.6;
    const label = (xx, yy, text) => svg.appendChild(el('text', { x: right ? xx + 4 : xx - 4, y: yy, class: 'mark',
      'text-anchor': right ? 'start' : 'end' }, text));
    label(right ? x0 : Math.min(x0, x1), FIG.top + 12, m.mode + ' ' + m.from + ' → ' + m.to + (m.outcome ? ' (' + m.outcome + ')' : ' …'));
    if (m.freezeMs > 0) {
      const downMs = m.downtimeMs > 0 ? m.downtimeMs : (m.endMs > 0 ? 0 : view.toMs - m.freezeMs);
      const dx0 = x(m.freezeMs), dx1 = x(m.freezeMs + downMs);
      svg.appendChild(el('rect', { x: dx0, y: FIG.top, width: Math.max(3, dx1 - dx0), height: ph, class: 'downtime',
        'data-downtime-ms': m.downtimeMs }));
      if (m.downtimeMs >= 0) label(right ? dx1 : dx0, FIG.top + 26, 'downtime ' + fmtMs(m.downtimeMs));
    } else if (m.downtimeMs >= 0 && m.endMs > 0) {
      label(x0, FIG.top + 26, 'downtime ' + fmtMs(m.downtimeMs));
    }
  }

  // The probe's calls.
  for (const p of pts) {
    const xx = x(p[0]), yy = y(p[1]);
    if (p[2]) {
      svg.appendChild(el('circle', { cx: xx.toFixed(1), cy: yy.toFixed(1), r: 2.2, class: 'pt', 'data-t': p[0] }));
    } else {
      svg.appendChild(el('path', { d: `M${xx - 3},${yy - 3}L${xx + 3},${yy + 3}M${xx - 3},${yy + 3}L${xx + 3},${yy - 3}`,
        class: 'fail', 'data-t': p[0] }));
    }
  }
}
