// Green against blue over the watched hold, drawn by hand as SVG (smaller than any chart library):
// one panel for p95 latency, one for error rate, a line per colour, breaches marked.
const NS = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}, text) => {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
};
const COLOURS = { green: '#05603a', blue: '#1f4fc4' };

function panel(samples, pick, { title, y0, format }) {
  const width = 320;
  const height = 120;
  const left = 44;
  const bottom = 20;
  const values = samples.flatMap((s) => [pick(s.green), pick(s.blue)]).filter((v) => typeof v === 'number');
  const max = Math.max(...values, 0) || 1;
  const x = (i) => left + (samples.length === 1 ? 0 : (i / (samples.length - 1)) * (width - left - 8));
  const y = (v) => height - bottom - (v / max) * (height - bottom - 24); // the title above the plot
  const g = svg('g', { transform: `translate(0, ${y0})` });
  g.append(svg('text', { x: 0, y: 10 }, title));
  g.append(svg('line', { x1: left, y1: height - bottom, x2: width - 8, y2: height - bottom, stroke: '#98a2b3' }));
  g.append(svg('text', { x: 0, y: y(max) + 4 }, format(max)), svg('text', { x: 0, y: height - bottom }, format(0)));
  for (const colour of ['blue', 'green']) {
    const points = samples
      .map((s, i) => [x(i), pick(s[colour])])
      .filter(([, v]) => typeof v === 'number')
      .map(([px, v]) => `${px},${y(v)}`);
    g.append(
      svg('polyline', {
        points: points.join(' '),
        fill: 'none',
        stroke: COLOURS[colour],
        'stroke-width': 2,
        'stroke-dasharray': colour === 'blue' ? '5 3' : '',
      }),
    );
  }
  samples.forEach((s, i) => {
    if (s.breach) g.append(svg('circle', { cx: x(i), cy: height - bottom, r: 4, fill: '#b42318' }));
  });
  return g;
}

/** An <svg> of the watch samples ({at, green, blue, breach}); its text alternative sums it up. */
export function watchChart(samples) {
  const first = samples[0].at;
  const last = samples[samples.length - 1].at;
  const breaches = samples.filter((s) => s.breach).length;
  const label = `Watched hold, ${samples.length} windows from ${first} to ${last}: green (solid) against blue (dashed), p95 latency and error rate; ${breaches} breaching windows.`;
  const chart = svg('svg', { viewBox: '0 0 320 270', class: 'chart', role: 'img', 'aria-label': label, id: 'watch-chart' });
  chart.append(panel(samples, (f) => f?.p95Ms ?? f?.latencyMs, { title: 'p95 latency (ms)', y0: 0, format: (v) => String(Math.round(v)) }));
  chart.append(panel(samples, (f) => f?.errorRate, { title: 'Error rate', y0: 130, format: (v) => `${(v * 100).toFixed(1)}%` }));
  chart.append(svg('text', { x: 44, y: 266 }, `— green   - - blue   ● breach · ${first.slice(11, 19)}–${last.slice(11, 19)}`));
  return chart;
}

/**
 * An <svg> of the weight on green over time, as steps: 0 % from `from` (the release's first
 * event), each shift ({at, weight}) from its time, held until `to` (now, or the end).
 */
export function weightChart(shifts, from, to) {
  const width = 320;
  const height = 130;
  const left = 44;
  const bottom = 20;
  const t0 = Date.parse(from);
  const span = Math.max(1, Date.parse(to) - t0);
  const x = (at) => left + ((Date.parse(at) - t0) / span) * (width - left - 8);
  const y = (w) => height - bottom - (w / 100) * (height - bottom - 24);
  const points = [`${x(from)},${y(0)}`];
  let weight = 0;
  for (const s of shifts) {
    points.push(`${x(s.at)},${y(weight)}`, `${x(s.at)},${y(s.weight)}`);
    weight = s.weight;
  }
  points.push(`${x(to)},${y(weight)}`);
  const label = `Traffic on green over time: ${shifts.map((s) => `${s.weight} % at ${s.at}`).join(', ') || 'none yet'}; now ${weight} %.`;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': label, id: 'weight-chart' });
  chart.append(svg('text', { x: 0, y: 10 }, 'Traffic on green (%)'));
  chart.append(svg('line', { x1: left, y1: height - bottom, x2: width - 8, y2: height - bottom, stroke: '#98a2b3' }));
  chart.append(svg('text', { x: 0, y: y(100) + 4 }, '100'), svg('text', { x: 0, y: height - bottom }, '0'));
  for (const s of shifts) chart.append(svg('text', { x: x(s.at) + 3, y: y(s.weight) - 4 }, `${s.weight} %`));
  chart.append(svg('polyline', { points: points.join(' '), fill: 'none', stroke: COLOURS.green, 'stroke-width': 2 }));
  chart.append(svg('text', { x: left, y: height - 4 }, `${from.slice(11, 19)}–${to.slice(11, 19)}`));
  return chart;
}
