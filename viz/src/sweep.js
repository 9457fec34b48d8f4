// The page `dsim sweep` writes: a sweep's metrics, aggregated per grid point, as line charts,
// heat maps and a table. It reads the JSON dsim embeds in <script id="dsim-sweep"
// type="application/json"> and builds everything with DOM calls. Text from the data (the title,
// parameter values, metric names) comes from a scenario, so it goes in through text nodes and
// attributes only, never as markup.
(function () {
  'use strict';

  const SVG_NS = 'http://www.w3.org/2000/svg';
  // Okabe–Ito without its yellow (unreadable on white), then a few more: told apart with the
  // common colour-vision deficiencies. Past the last, colours repeat with dashed lines.
  const COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#8c564b', '#666666'];
  const DASHES = ['', '6 3', '2 3', '8 3 2 3'];
  const HEAT = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];  // viridis, low to high
  const CHART = { w: 620, h: 300, left: 64, right: 16, top: 14, bottom: 50 };

  // What the test reads once the page is drawn (or has given up with a message).
  const drawn = { series: 0, charts: 0, heatmaps: 0, bars: 0 };
  let uid = 0;  // for SVG ids (gradients): never taken from the data

  class DataError extends Error {}

  // ---- DOM helpers: every string child becomes a text node ----

  function el(tag, attrs, children) { return build(document.createElement(tag), attrs, children); }
  function svg(tag, attrs, children) { return build(document.createElementNS(SVG_NS, tag), attrs, children); }
  function build(node, attrs, children) {
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) node.setAttribute(k, String(v));
    for (const c of [].concat(children === undefined ? [] : children)) if (c !== null) node.append(c);
    return node;
  }
  function clip(text, n) { return text.length > n ? text.slice(0, n - 1) + '…' : text; }
  // An SVG label cut to fit, with the whole text as its hover title when cut.
  function svgLabel(attrs, text, n) {
    const shown = clip(text, n);
    return svg('text', attrs, [shown, shown === text ? null : svg('title', {}, text)]);
  }

  // ---- values ----

  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
  const isScalar = (v) => ['number', 'string', 'boolean'].includes(typeof v);
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const keyOf = (v) => JSON.stringify(v);  // 1 and "1" are different parameter values
  const show = (v) => (typeof v === 'string' ? v : String(v));

  function fmt(v, digits = 4) {
    if (!isNum(v)) return '–';
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    const a = Math.abs(v);
    if (a >= 1e6 || a < 1e-3) return v.toExponential(digits - 2);
    return String(Number(v.toPrecision(digits)));
  }

  // A metric's figures at a point, or null: a metric no run produced is a gap, never a zero.
  function statOf(point, metric) {
    const m = point && point.metrics && point.metrics[metric];
    return isObject(m) && isNum(m.mean) ? m : null;
  }
  function ciOf(m) {
    const ci = m.ci95;
    return Array.isArray(ci) && ci.length === 2 && isNum(ci[0]) && isNum(ci[1]) ? ci : null;
  }
  function verdictsOf(point) {
    const v = point.verdicts || {};
    return { held: v.held || 0, violated: v.violated || 0, inconclusive: v.inconclusive || 0 };
  }
  // A point some of whose runs did not hold: always marked, wherever it is drawn.
  function isBad(point) { const v = verdictsOf(point); return v.violated > 0 || v.inconclusive > 0; }
  function verdictText(point) {
    const v = verdictsOf(point);
    const parts = [`${v.held} held`];
    if (v.violated) parts.push(`${v.violated} violated`);
    if (v.inconclusive) parts.push(`${v.inconclusive} inconclusive`);
    return parts.join(', ');
  }
  function assignment(params, point) {
    return params.length ? params.map((p) => `${p.name} = ${show(point.params[p.name])}`).join(', ') : 'the only point';
  }

  // ---- reading and checking the data ----

  function need(cond, message) { if (!cond) throw new DataError(message); }

  function readData() {
    const node = document.getElementById('dsim-sweep');
    need(node, 'This page holds no sweep: it is written by dsim sweep, which embeds the results.');
    let data;
    try { data = JSON.parse(node.textContent); } catch (e) { throw new DataError('The embedded sweep is not valid JSON: ' + e.message); }
    checkData(data);
    return data;
  }

  function checkData(data) {
    need(isObject(data), 'The embedded sweep is not a JSON object.');
    need(data.format === 'dsim-sweep', `Not a dsim sweep (format ${keyOf(data.format)}, expected "dsim-sweep").`);
    need(data.version === 1, `Sweep format version ${keyOf(data.version)}; this page reads version 1.`);
    need(Array.isArray(data.params), 'The sweep has no "params" list.');
    const names = new Set();
    for (const p of data.params) {
      need(isObject(p) && typeof p.name === 'string' && p.name !== '', 'A parameter has no name.');
      need(!names.has(p.name), `Parameter ${keyOf(p.name)} appears twice.`);
      need(Array.isArray(p.values) && p.values.length > 0 && p.values.every(isScalar),
        `Parameter ${keyOf(p.name)} needs a non-empty list of values (numbers, strings or booleans).`);
      names.add(p.name);
    }
    need(Array.isArray(data.metrics) && data.metrics.every((m) => typeof m === 'string'), 'The sweep has no "metrics" list of names.');
    need(Array.isArray(data.points) && data.points.length > 0, 'The sweep has no points.');
    data.points.forEach((pt, i) => checkPoint(pt, i, data.params));
    if (data.plot !== undefined) checkPlot(data.plot, names);
    if (data.expect !== undefined) {
      need(Array.isArray(data.expect) && data.expect.every((e) => isObject(e) && typeof e.text === 'string' && typeof e.held === 'boolean'),
        '"expect" must be a list of {text, held}.');
    }
  }

  function checkPoint(pt, i, params) {
    need(isObject(pt) && isObject(pt.params), `Point ${i + 1} has no "params".`);
    for (const p of params) need(isScalar(pt.params[p.name]), `Point ${i + 1} has no value for ${keyOf(p.name)}.`);
    need(pt.verdicts === undefined || isObject(pt.verdicts), `Point ${i + 1}: "verdicts" is not an object.`);
    need(pt.metrics === undefined || isObject(pt.metrics), `Point ${i + 1}: "metrics" is not an object.`);
  }

  function checkPlot(plot, names) {
    need(isObject(plot), '"plot" is not an object.');
    need(plot.metrics === undefined || (Array.isArray(plot.metrics) && plot.metrics.every((m) => typeof m === 'string')),
      '"plot.metrics" must be a list of metric names.');
    for (const axis of ['x', 'series']) {
      const v = plot[axis];
      need(v === undefined || v === null || names.has(v), `"plot.${axis}" names no parameter: ${keyOf(v)}.`);
    }
    need(plot.x === undefined || plot.x !== plot.series, '"plot.x" and "plot.series" name the same parameter.');
  }

  // What to draw: the metrics, the x parameter, the series parameter (or none) and the other
  // parameters, fixed to their first value.
  function plotSpec(data) {
    const plot = data.plot || {};
    const byName = new Map(data.params.map((p) => [p.name, p]));
    const names = data.params.map((p) => p.name);
    const xName = plot.x || names.find((n) => n !== plot.series);
    const seriesName = plot.series !== undefined ? plot.series : names.find((n) => n !== xName);
    const fixed = data.params.filter((p) => p.name !== xName && p.name !== seriesName).map((p) => ({ name: p.name, value: p.values[0] }));
    return {
      metrics: plot.metrics || data.metrics,
      x: byName.get(xName) || null,
      series: byName.get(seriesName) || null,
      fixed,
    };
  }

  // The points drawn, by (x value, series value).
  function gridOf(data, spec) {
    const grid = new Map();
    for (const pt of data.points) {
      if (!spec.fixed.every((f) => keyOf(pt.params[f.name]) === keyOf(f.value))) continue;
      grid.set(cellKey(spec, pt.params[spec.x.name], spec.series && pt.params[spec.series.name]), pt);
    }
    return (xv, sv) => grid.get(cellKey(spec, xv, sv));
  }
  function cellKey(spec, xv, sv) { return keyOf(xv) + '\u0000' + (spec.series ? keyOf(sv) : ''); }

  // ---- scales ----

  // Round tick values covering [lo, hi] with about `count` steps of 1, 2 or 5 × 10^k.
  function niceTicks(lo, hi, count) {
    const raw = (hi - lo) / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const norm = raw / mag;
    const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
    const first = Math.floor(lo / step + 1e-9), last = Math.ceil(hi / step - 1e-9);
    const ticks = [];
    for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
    return ticks;
  }

  // The y range of a chart's figures (means and CI bounds), with round ends. Zero is included
  // when it is near, so small differences do not look large.
  function yRange(values) {
    if (!values.length) return { lo: 0, hi: 1, ticks: [0, 0.5, 1] };
    let lo = Math.min(...values), hi = Math.max(...values);
    if (lo >= 0 && lo <= hi / 2) lo = 0;
    if (lo === hi) { const d = Math.abs(lo) / 10 || 1; lo -= d; hi += d; }
    const ticks = niceTicks(lo, hi, 5);
    return { lo: ticks[0], hi: ticks[ticks.length - 1], ticks };
  }

  // Numeric x values on a linear axis; anything else (or a mix) evenly spaced, in the order given.
  function xScale(values, width) {
    if (values.every(isNum)) {
      let lo = Math.min(...values), hi = Math.max(...values);
      if (lo === hi) { lo -= 1; hi += 1; }
      const pad = (hi - lo) * 0.05;
      const at = (v) => ((v - lo + pad) / (hi - lo + 2 * pad)) * width;
      return { numeric: true, at, ticks: niceTicks(lo, hi, 6).filter((t) => t >= lo - pad && t <= hi + pad) };
    }
    const index = new Map(values.map((v, i) => [keyOf(v), i]));
    return { numeric: false, at: (v) => ((index.get(keyOf(v)) + 0.5) / values.length) * width, ticks: values };
  }

  function heatColor(t) {
    const f = Math.min(Math.max(t, 0), 1) * (HEAT.length - 1), i = Math.min(Math.floor(f), HEAT.length - 2);
    const a = hexRgb(HEAT[i]), b = hexRgb(HEAT[i + 1]), u = f - i;
    return `rgb(${a.map((c, k) => Math.round(c + (b[k] - c) * u)).join(',')})`;
  }
  function hexRgb(h) { return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)); }

  // ---- tooltip ----

  function tipLines(data, point, metric, m) {
    const ci = ciOf(m);
    return [
      assignment(data.params, point), metric,
      `mean ${fmt(m.mean)}   median ${fmt(m.median)}   p99 ${fmt(m.p99)}`,
      `min ${fmt(m.min)}   max ${fmt(m.max)}`,
      ci ? `95% CI ${fmt(ci[0])} – ${fmt(ci[1])}` : '95% CI: none (fewer than 2 values)',
      `n ${fmt(m.n)}   runs ${fmt(point.runs)}: ${verdictText(point)}`,
    ];
  }

  // Shows `lines` beside the pointer (or the focused element) while it is over `node`.
  function withTip(node, lines) {
    const tip = document.getElementById('tip');
    const place = (x, y) => {
      tip.replaceChildren(...lines.map((l, i) => el('div', { class: i === 0 ? 'tiphead' : null }, l)));
      tip.hidden = false;
      const r = tip.getBoundingClientRect();
      tip.style.left = Math.max(4, Math.min(x + 14, window.innerWidth - r.width - 8)) + 'px';
      tip.style.top = Math.max(4, Math.min(y + 14, window.innerHeight - r.height - 8)) + 'px';
    };
    node.setAttribute('tabindex', '0');
    node.addEventListener('mousemove', (e) => place(e.clientX, e.clientY));
    node.addEventListener('focus', () => { const r = node.getBoundingClientRect(); place(r.right, r.top); });
    for (const ev of ['mouseleave', 'blur']) node.addEventListener(ev, () => { tip.hidden = true; });
    return node;
  }

  // ---- charts ----

  function yAxis(g, y, plotW, label) {
    for (const t of y.ticks) {
      const py = y.at(t);
      g.append(svg('line', { class: 'grid', x1: 0, x2: plotW, y1: py, y2: py }),
        svg('text', { class: 'tick', x: -8, y: py, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, fmt(t)));
    }
    g.append(svgLabel({ class: 'axislabel', transform: `translate(${-CHART.left + 14},${y.at((y.lo + y.hi) / 2)}) rotate(-90)`, 'text-anchor': 'middle' }, label, 32));
  }

  function yScaleOf(values, plotH) {
    const r = yRange(values);
    return { ...r, at: (v) => plotH - ((v - r.lo) / (r.hi - r.lo)) * plotH };
  }

  function errorBar(x, y, ci, color) {
    const y0 = y.at(ci[0]), y1 = y.at(ci[1]);
    return svg('g', { class: 'err', stroke: color }, [
      svg('line', { x1: x, x2: x, y1: y0, y2: y1 }),
      svg('line', { x1: x - 4, x2: x + 4, y1: y0, y2: y0 }),
      svg('line', { x1: x - 4, x2: x + 4, y1: y1, y2: y1 }),
    ]);
  }

  // The mean of `metric` against the x parameter, one line per series value, with 95% CI bars.
  // A missing figure breaks the line and is listed under the chart.
  function lineChart(data, spec, metric, cell) {
    const plotW = CHART.w - CHART.left - CHART.right, plotH = CHART.h - CHART.top - CHART.bottom;
    const xs = spec.x.values, seriesValues = spec.series ? spec.series.values : [undefined];
    const stats = [];
    for (const sv of seriesValues) for (const xv of xs) { const m = statOf(cell(xv, sv), metric); if (m) stats.push(m); }
    const y = yScaleOf(stats.flatMap((m) => [m.mean, ...(ciOf(m) || [])]), plotH);
    const x = xScale(xs, plotW);
    const root = svg('svg', { class: 'chart', viewBox: `0 0 ${CHART.w} ${CHART.h}`, 'aria-label': `${metric} against ${spec.x.name}` });
    const g = svg('g', { transform: `translate(${CHART.left},${CHART.top})` });
    root.append(g);
    yAxis(g, y, plotW, 'mean (95% CI)');  // the chart's title names the metric
    xAxis(g, x, plotH, spec.x.name);
    if (!stats.length) g.append(svg('text', { class: 'nodata', x: plotW / 2, y: plotH / 2, 'text-anchor': 'middle' }, 'no run produced this metric'));
    // Series side by side, a few pixels apart, so their error bars do not hide each other.
    const dodge = seriesValues.length > 1 ? Math.min(5, 24 / seriesValues.length) : 0;
    const order = x.numeric ? [...xs].sort((a, b) => a - b) : xs;
    const gaps = [];
    seriesValues.forEach((sv, si) => {
      const offset = (si - (seriesValues.length - 1) / 2) * dodge;
      g.append(seriesLine(data, metric, order.map((xv) => cell(xv, sv)), order.map((xv) => x.at(xv) + offset), y, si, gaps));
    });
    drawn.series += seriesValues.length;
    drawn.charts += 1;
    return { svg: root, gaps };
  }

  function xAxis(g, x, plotH, label) {
    g.append(svg('line', { class: 'axis', x1: 0, x2: CHART.w - CHART.left - CHART.right, y1: plotH, y2: plotH }));
    for (const t of x.ticks) {
      const px = x.at(t);
      g.append(svg('line', { class: 'axis', x1: px, x2: px, y1: plotH, y2: plotH + 5 }),
        svgLabel({ class: 'tick', x: px, y: plotH + 18, 'text-anchor': 'middle' }, x.numeric ? fmt(t) : show(t), 14));
    }
    g.append(svgLabel({ class: 'axislabel', x: (CHART.w - CHART.left - CHART.right) / 2, y: plotH + 40, 'text-anchor': 'middle' }, label, 60));
  }

  // One series: its line (broken at gaps), error bars and markers. Points that are missing from
  // the grid altogether (a sweep cut short) count as gaps too.
  function seriesLine(data, metric, points, pxs, y, si, gaps) {
    const color = COLORS[si % COLORS.length], dash = DASHES[Math.floor(si / COLORS.length) % DASHES.length];
    const g = svg('g', { class: 'series', 'data-index': si });
    const marks = svg('g', {});
    let d = '', joined = false, present = 0;
    points.forEach((pt, i) => {
      const m = statOf(pt, metric);
      if (!m) { joined = false; gaps.push(pt); return; }
      present += 1;
      const px = pxs[i], py = y.at(m.mean);
      d += `${joined ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`;
      joined = true;
      const ci = ciOf(m);
      if (ci) g.append(errorBar(px, y, ci, color));
      marks.append(marker(data, pt, metric, m, px, py, color));
    });
    g.setAttribute('data-points', present);
    g.setAttribute('data-gaps', points.length - present);
    g.prepend(svg('path', { class: 'line', d, stroke: color, 'stroke-dasharray': dash || null }));
    g.append(marks);
    return g;
  }

  function marker(data, pt, metric, m, px, py, color) {
    const bad = isBad(pt);
    return withTip(svg('g', { class: bad ? 'pt bad' : 'pt' }, [
      bad ? svg('circle', { class: 'badring', cx: px, cy: py, r: 8 }) : null,
      svg('circle', { class: 'dot', cx: px, cy: py, r: 4, fill: color }),
      svg('circle', { class: 'hit', cx: px, cy: py, r: 8 }),
    ]), tipLines(data, pt, metric, m));
  }

  // x × series, each cell coloured by the mean (low dark, high bright) with the value written in.
  function heatMap(data, spec, metric, cell) {
    const xs = spec.x.values, rows = spec.series.values;
    const cw = Math.max(52, Math.min(96, 520 / xs.length)), ch = 30, left = 110, top = 8;
    const w = left + xs.length * cw + 16, h = top + rows.length * ch + 92;
    const means = [];
    for (const sv of rows) for (const xv of xs) { const m = statOf(cell(xv, sv), metric); if (m) means.push(m.mean); }
    const lo = means.length ? Math.min(...means) : 0, hi = means.length ? Math.max(...means) : 1;
    const t = (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
    const root = svg('svg', { class: 'heatmap', viewBox: `0 0 ${w} ${h}`, width: w, 'aria-label': `${metric}: heat map` });
    rows.forEach((sv, r) => {
      root.append(svgLabel({ class: 'tick', x: left - 8, y: top + r * ch + ch / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle' },
        `${spec.series.name} = ${show(sv)}`, 18));
      xs.forEach((xv, c) => root.append(heatCell(data, cell(xv, sv), metric, left + c * cw, top + r * ch, cw, ch, t)));
    });
    xs.forEach((xv, c) => root.append(svgLabel({ class: 'tick', x: left + c * cw + cw / 2, y: top + rows.length * ch + 16, 'text-anchor': 'middle' }, show(xv), Math.floor(cw / 7))));
    root.append(svgLabel({ class: 'axislabel', x: left + (xs.length * cw) / 2, y: top + rows.length * ch + 36, 'text-anchor': 'middle' }, spec.x.name, 60));
    root.append(heatLegend(left, top + rows.length * ch + 52, Math.min(240, xs.length * cw), lo, hi, means.length > 0));
    drawn.heatmaps += 1;
    return root;
  }

  function heatCell(data, pt, metric, x, y, w, h, t) {
    const m = statOf(pt, metric);
    if (!m) {
      return svg('g', { class: 'cell gap' }, [
        svg('rect', { x, y, width: w - 2, height: h - 2 }),
        svg('text', { x: x + w / 2 - 1, y: y + h / 2, 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, 'no data'),
      ]);
    }
    const bad = isBad(pt);
    return withTip(svg('g', { class: bad ? 'cell bad' : 'cell' }, [
      svg('rect', { x, y, width: w - 2, height: h - 2, fill: heatColor(t(m.mean)) }),
      bad ? svg('rect', { class: 'badframe', x: x + 1.5, y: y + 1.5, width: w - 5, height: h - 5 }) : null,
      svg('text', { x: x + w / 2 - 1, y: y + h / 2, 'text-anchor': 'middle', 'dominant-baseline': 'middle', class: t(m.mean) > 0.6 ? 'ink' : 'ink light' },
        fmt(m.mean, 3) + (bad ? ' !' : '')),
    ]), tipLines(data, pt, metric, m));
  }

  function heatLegend(x, y, w, lo, hi, any) {
    const id = 'heat-grad-' + (++uid);
    const stops = HEAT.map((c, i) => svg('stop', { offset: `${(i / (HEAT.length - 1)) * 100}%`, 'stop-color': c }));
    return svg('g', { class: 'heatlegend' }, [
      svg('defs', {}, svg('linearGradient', { id }, stops)),
      svg('rect', { x, y, width: w, height: 10, fill: `url(#${id})` }),
      svg('text', { class: 'tick', x, y: y + 24 }, any ? fmt(lo) : ''),
      svg('text', { class: 'tick', x: x + w, y: y + 24, 'text-anchor': 'end' }, any ? fmt(hi) : ''),
      svg('text', { class: 'tick', x: x + w / 2, y: y + 24, 'text-anchor': 'middle' }, 'mean'),
    ]);
  }

  // With no parameters there is one point: each metric is one bar (its mean) with its CI.
  function barChart(data, point, metric) {
    const W = 240, H = 220, left = 56, top = 14, bottom = 30, plotW = W - left - 12, plotH = H - top - bottom;
    const m = statOf(point, metric);
    const ci = m && ciOf(m);
    const y = yScaleOf(m ? [0, m.mean, ...(ci || [])] : [], plotH);
    const root = svg('svg', { class: 'chart bar', viewBox: `0 0 ${W} ${H}`, 'aria-label': metric });
    const g = svg('g', { transform: `translate(${left},${top})` });
    root.append(g);
    for (const t of y.ticks) {
      g.append(svg('line', { class: 'grid', x1: 0, x2: plotW, y1: y.at(t), y2: y.at(t) }),
        svg('text', { class: 'tick', x: -8, y: y.at(t), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, fmt(t)));
    }
    if (m) {
      const top0 = Math.min(y.at(m.mean), y.at(0)), bw = plotW / 3;
      g.append(withTip(svg('rect', { class: isBad(point) ? 'barrect bad' : 'barrect', x: bw, y: top0, width: bw, height: Math.max(1, Math.abs(y.at(0) - y.at(m.mean))), fill: COLORS[0] }),
        tipLines(data, point, metric, m)));
      if (ci) g.append(errorBar(plotW / 2, y, ci, '#222'));
      g.append(svg('text', { class: 'barvalue', x: plotW / 2, y: plotH + 18, 'text-anchor': 'middle' }, 'mean ' + fmt(m.mean)));
      drawn.bars += 1;
    } else {
      g.append(svg('text', { class: 'nodata', x: plotW / 2, y: plotH / 2, 'text-anchor': 'middle' }, 'no run produced this metric'));
    }
    drawn.charts += 1;
    return root;
  }

  // ---- sections ----

  function legend(spec, chartPoints) {
    const items = spec.series
      ? spec.series.values.map((sv, i) => el('span', { class: 'item' }, [swatch(i), `${spec.series.name} = ${show(sv)}`]))
      : [el('span', { class: 'item' }, [swatch(0), 'mean'])];
    items.push(el('span', { class: 'item' }, [el('span', { class: 'ciswatch' }), '95% CI']));
    if (chartPoints.some(isBad)) items.push(el('span', { class: 'item' }, [el('span', { class: 'badswatch' }), 'runs violated or inconclusive']));
    return el('div', { class: 'legend' }, items);
  }
  function swatch(i) {
    const s = el('span', { class: 'swatch' });
    s.style.background = COLORS[i % COLORS.length];
    return s;
  }

  function gapNote(data, metric, gaps) {
    if (!gaps.length) return null;
    const where = gaps.filter(Boolean).map((pt) => assignment(data.params, pt));
    const missing = gaps.length - where.length;
    const text = [where.join('; '), missing ? `${missing} grid point${missing > 1 ? 's' : ''} absent from the sweep` : ''].filter(Boolean).join('; ');
    return el('p', { class: 'gapnote' }, `Gaps: no run produced ${metric} at ${text}.`);
  }

  function plotsSection(data, spec) {
    const cell = gridOf(data, spec);
    const shown = data.points.filter((pt) => spec.fixed.every((f) => keyOf(pt.params[f.name]) === keyOf(f.value)));
    const section = el('section', { id: 'plots' }, el('h2', {}, 'Plots'));
    if (spec.fixed.length) {
      section.append(el('p', { class: 'note' }, [
        `The sweep has ${data.params.length} parameters; the plots show ${spec.x.name}` + (spec.series ? ` and ${spec.series.name}` : '') +
        ' with the others fixed to their first value: ' + spec.fixed.map((f) => `${f.name} = ${show(f.value)}`).join(', ') +
        '. The table lists every point.']));
    }
    const cards = el('div', { class: 'cards' });
    for (const metric of spec.metrics) {
      const chart = lineChart(data, spec, metric, cell);
      cards.append(el('div', { class: 'card', 'data-metric': metric }, [
        el('h3', {}, metric), chart.svg, legend(spec, shown), gapNote(data, metric, chart.gaps),
        spec.series ? heatMap(data, spec, metric, cell) : null,
      ]));
    }
    section.append(cards);
    return section;
  }

  function barsSection(data, spec) {
    const point = data.points[0];
    const cards = el('div', { class: 'cards small' }, spec.metrics.map((metric) =>
      el('div', { class: 'card', 'data-metric': metric }, [el('h3', {}, metric), barChart(data, point, metric)])));
    return el('section', { id: 'plots' }, [
      el('h2', {}, 'Metrics'),
      el('p', { class: 'note' }, 'The sweep has no parameters: one point, every seed. Each bar is a metric\'s mean, with its 95% CI.'),
      cards,
    ]);
  }

  function verdictSection(data) {
    const bad = data.points.filter(isBad);
    const section = el('section', { id: 'verdicts' });
    if (!bad.length) {
      section.append(el('p', { class: 'allheld' }, data.points.length > 1 ? `Every run of all ${data.points.length} points held.` : 'Every run held.'));
      return section;
    }
    section.className = 'warn';
    section.append(el('p', {}, `${bad.length} of ${data.points.length} points had runs that did not hold; they are ringed in red on the plots and marked in the table:`),
      el('ul', {}, bad.map((pt) => el('li', {}, `${assignment(data.params, pt)}: ${verdictText(pt)} of ${fmt(pt.runs)} runs`))));
    return section;
  }

  function metricCell(data, pt, metric) {
    const m = statOf(pt, metric);
    if (!m) return el('td', { class: 'num gap', title: 'no run produced this metric' }, '–');
    const ci = ciOf(m);
    const text = fmt(m.mean) + (ci ? ` ± ${fmt((ci[1] - ci[0]) / 2, 3)}` : '');
    return withTip(el('td', { class: 'num' }, text), tipLines(data, pt, metric, m));
  }

  function tableSection(data) {
    const head = el('tr', {}, [...data.params.map((p) => el('th', {}, p.name)), el('th', {}, 'runs'), el('th', {}, 'verdicts'),
      ...data.metrics.map((m) => el('th', { class: 'num' }, m))]);
    const rows = data.points.map((pt) => el('tr', { class: isBad(pt) ? 'bad' : null }, [
      ...data.params.map((p) => el('td', {}, show(pt.params[p.name]))),
      el('td', { class: 'num' }, fmt(pt.runs)),
      el('td', { class: 'verdict' }, (isBad(pt) ? '⚠ ' : '') + verdictText(pt)),
      ...data.metrics.map((metric) => metricCell(data, pt, metric)),
    ]));
    return el('section', { id: 'table' }, [
      el('h2', {}, 'Every point'),
      el('p', { class: 'note' }, 'Mean ± half the 95% confidence interval (none with fewer than 2 values); – where no run produced the metric.'),
      el('div', { class: 'tablewrap' }, el('table', {}, [el('thead', {}, head), el('tbody', {}, rows)])),
    ]);
  }

  function expectSection(data) {
    if (!data.expect) return null;
    const held = data.expect.filter((e) => e.held).length;
    return el('section', { id: 'expect' }, [
      el('h2', {}, `Expectations: ${held} of ${data.expect.length} held`),
      el('ul', { class: 'expect' }, data.expect.map((e) => el('li', { class: e.held ? 'held' : 'failed' }, [
        el('span', { class: 'badge' }, e.held ? 'held' : 'failed'), ' ', e.text,
        typeof e.detail === 'string' ? el('span', { class: 'detail' }, ` (${e.detail})`) : null,
      ]))),
    ]);
  }

  function renderHead(data) {
    const title = typeof data.title === 'string' && data.title ? data.title : (typeof data.scenario === 'string' ? data.scenario : 'dsim sweep');
    document.getElementById('title').textContent = title;
    document.title = 'dsim sweep: ' + title;
    const runs = data.points.reduce((a, pt) => a + (isNum(pt.runs) ? pt.runs : 0), 0);
    const totals = data.points.map(verdictsOf).reduce((a, v) => ({ held: a.held + v.held, violated: a.violated + v.violated, inconclusive: a.inconclusive + v.inconclusive }));
    const seeds = isObject(data.seeds) && isNum(data.seeds.from) && isNum(data.seeds.to)
      ? `${data.seeds.from} to ${data.seeds.to} (${data.seeds.to - data.seeds.from + 1} per point)` : 'not given';
    const facts = [
      ['scenario', typeof data.scenario === 'string' ? data.scenario : 'not given'],
      ['seeds', seeds],
      ['grid', data.params.length ? data.params.map((p) => `${p.name} (${p.values.length})`).join(' × ') + ` = ${data.points.length} points` : 'no parameters: 1 point'],
      ['runs', `${runs}: ${totals.held} held, ${totals.violated} violated, ${totals.inconclusive} inconclusive`],
    ];
    const dl = document.getElementById('facts');
    for (const [k, v] of facts) dl.append(el('dt', {}, k), el('dd', { class: k === 'runs' && runs > totals.held ? 'bad' : null }, v));
  }

  function render(data) {
    renderHead(data);
    const spec = plotSpec(data);
    document.getElementById('content').append(...[verdictSection(data), spec.x ? plotsSection(data, spec) : barsSection(data, spec),
      tableSection(data), expectSection(data)].filter(Boolean));
  }

  // Never a blank page: any failure, in the data or in this code, is said on the page.
  function main() {
    const message = document.getElementById('message');
    const errors = [];
    try {
      render(readData());
      message.remove();
    } catch (e) {
      errors.push(e instanceof DataError ? e.message : `This page could not draw the sweep: ${e && e.message || e}`);
      message.className = 'message error';
      message.replaceChildren(el('h2', {}, 'Cannot show this sweep'), el('p', {}, errors[0]));
    }
    window.dsimSweep = { ready: errors.length === 0, ...drawn, errors };
    document.body.dataset.state = errors.length ? 'error' : 'ready';
  }

  main();
})();
