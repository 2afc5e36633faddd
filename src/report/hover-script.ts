// The optional hover layer of report.html: a crosshair, dots on the nearest samples and a tooltip with
// every load's values. The charts are complete without it (JavaScript off, printed, or opened in a
// strict viewer); this only reads the data block the page already carries. It builds the tooltip with
// textContent, never innerHTML, because load names and band labels are user input.

export const HOVER_SCRIPT = `(() => {
  'use strict';
  const source = document.getElementById('gd-data');
  if (!source) return;
  const data = JSON.parse(source.textContent || '{}');
  const NS = 'http://www.w3.org/2000/svg';
  const tip = document.createElement('div');
  tip.className = 'gd-tooltip';
  tip.hidden = true;
  document.body.appendChild(tip);

  const num = (v) => typeof v === 'number' && isFinite(v);
  const trim = (s) => s.indexOf('.') >= 0 ? s.replace(/\\.?0+$/, '') : s;
  const latency = (ms) => !num(ms) ? '—' : ms < 10 ? trim(ms.toFixed(1)) + ' ms' : ms < 1000 ? Math.round(ms) + ' ms' : trim((ms / 1000).toFixed(2)) + ' s';
  const percent = (r) => !num(r) ? '—' : r === 0 ? '0%' : r * 100 < 0.01 ? '<0.01%' : trim((r * 100).toFixed(2)) + '%';
  const rate = (v) => !num(v) ? '—' : (v < 10 ? trim(v.toFixed(1)) : String(Math.round(v))) + '/s';
  const describe = {
    rate: (l, i) => rate(l.rate[i]),
    errorRate: (l, i) => percent(l.err[i]),
    latency: (l, i) => 'p99 ' + latency(l.p99[i]) + '  ·  p50 ' + latency(l.p50[i]),
  };
  const valuesOf = {
    rate: (l, i) => [l.rate[i]],
    errorRate: (l, i) => [num(l.err[i]) ? l.err[i] * 100 : null],
    latency: (l, i) => [l.p99[i], l.p50[i]],
  };

  function nearest(times, t) {
    let lo = 0, hi = times.length - 1;
    if (hi < 0) return -1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (times[mid] < t) lo = mid; else hi = mid; }
    return Math.abs(times[lo] - t) <= Math.abs(times[hi] - t) ? lo : hi;
  }
  function row(parent, color, text, cls) {
    const div = document.createElement('div');
    div.className = cls || 'tt-row';
    if (color) { const key = document.createElement('span'); key.className = 'tt-key'; key.style.background = color; div.appendChild(key); }
    div.appendChild(document.createTextNode(text));
    parent.appendChild(div);
  }

  for (const svg of document.querySelectorAll('svg.gd-chart')) {
    const metric = svg.dataset.metric;
    const overlay = svg.querySelector('.gd-overlay');
    const cursor = svg.querySelector('.gd-cursor');
    if (!overlay || !cursor || !describe[metric]) continue;
    const top = Number(svg.dataset.plotTop), height = Number(svg.dataset.plotHeight), yMax = Number(svg.dataset.yMax) || 1;
    const x = (ms) => data.plotLeft + Math.min(Math.max(ms, 0), data.endMs) / (data.endMs || 1) * data.plotWidth;
    const y = (v) => top + height - Math.max(0, v) / yMax * height;
    const dots = [];
    const hide = () => { tip.hidden = true; cursor.setAttribute('visibility', 'hidden'); dots.forEach((d) => d.remove()); dots.length = 0; };

    overlay.addEventListener('mousemove', (event) => {
      const matrix = svg.getScreenCTM();
      if (!matrix) return;
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      const t = (point.x - data.plotLeft) / data.plotWidth * data.endMs;
      dots.forEach((d) => d.remove()); dots.length = 0;
      tip.replaceChildren();
      let snapped = null;
      for (const load of data.loads) {
        const i = nearest(load.t, t);
        if (i < 0) continue;
        if (snapped === null) snapped = load.t[i];
        row(tip, load.color, (data.loads.length > 1 ? load.name + ': ' : '') + describe[metric](load, i));
        for (const v of valuesOf[metric](load, i)) {
          if (!num(v)) continue;
          const dot = document.createElementNS(NS, 'circle');
          dot.setAttribute('class', 'gd-hover-dot');
          dot.setAttribute('cx', String(x(load.t[i])));
          dot.setAttribute('cy', String(y(v)));
          dot.setAttribute('r', '3.5');
          dot.setAttribute('fill', load.color);
          svg.appendChild(dot);
          dots.push(dot);
        }
      }
      if (snapped === null) return hide();
      const header = document.createElement('div');
      header.className = 'tt-time';
      header.textContent = 't = ' + trim((snapped / 1000).toFixed(2)) + ' s';
      tip.prepend(header);
      for (const band of data.bands) {
        if (band.kind !== 'phase' && snapped >= band.startMs && snapped <= band.endMs) row(tip, null, band.kind + ': ' + band.label, 'tt-band');
      }
      cursor.setAttribute('x1', String(x(snapped)));
      cursor.setAttribute('x2', String(x(snapped)));
      cursor.setAttribute('visibility', 'visible');
      tip.hidden = false;
      const left = event.pageX + 16 + tip.offsetWidth > document.documentElement.scrollWidth ? event.pageX - 16 - tip.offsetWidth : event.pageX + 16;
      tip.style.left = left + 'px';
      tip.style.top = (event.pageY + 14) + 'px';
    });
    overlay.addEventListener('mouseleave', hide);
  }
})();`;
