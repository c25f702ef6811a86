// The console's one chart: groups of bars drawn as SVG, each bar a stack of parts.

const NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and, optionally, its text. */
export function svg(tag, attrs, text) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  return n;
}

const sum = (parts) => parts.reduce((a, p) => a + p.value, 0);

/**
 * Bars by group. A group has a `label` and either `parts` (one bar) or `bars` (several side by
 * side, each `{label, parts}`); a part is `{kind, label, value}`, its `kind` the bar's colour
 * class. `max` fixes the scale (default: the tallest bar); `caption(bar)` is the text above a bar
 * (default: its total); `unit` follows a value in the tooltips.
 */
export function bars(container, groups, { max, caption, unit = '' } = {}) {
  const [w, h, left, bottom, top] = [600, 220, 40, 30, 24];
  const columns = groups.map((g) => ({ ...g, bars: g.bars || [{ label: g.label, parts: g.parts }] }));
  const scaleMax = max ?? Math.max(1, ...columns.flatMap((g) => g.bars.map((b) => sum(b.parts))));
  const chart = svg('svg', { viewBox: `0 0 ${w} ${h}`, role: 'img' });
  const band = (w - left - 10) / Math.max(1, columns.length);
  const scale = (h - bottom - top) / scaleMax;
  chart.append(svg('line', { x1: left, y1: h - bottom, x2: w - 10, y2: h - bottom, stroke: '#889' }));
  chart.append(svg('text', { x: 4, y: top - 8 }, `${scaleMax}${unit}`));
  columns.forEach((g, i) => {
    const width = (band * 0.6) / g.bars.length;
    const group = g.key ?? g.label;
    g.bars.forEach((b, j) => {
      const barKey = b.key ?? b.label;
      const x = left + i * band + band * 0.2 + j * width;
      let y = h - bottom;
      for (const p of b.parts) {
        const height = p.value * scale;
        y -= height;
        if (height > 0) {
          const bar = svg('rect', { x, y, width: width * 0.95, height, class: `bar ${p.kind}`, 'data-group': group, 'data-bar': barKey, 'data-kind': p.kind, 'data-value': p.value });
          bar.append(svg('title', {}, `${g.label}${g.bars.length > 1 ? ` ${b.label}` : ''}: ${p.value}${unit} ${p.label}`));
          chart.append(bar);
        }
      }
      const text = caption ? caption(b, g) : `${sum(b.parts)}`;
      chart.append(svg('text', { x: x + width / 2, y: y - 4, 'text-anchor': 'middle', 'data-group': group, 'data-bar': barKey }, text));
    });
    chart.append(svg('text', { x: left + i * band + band / 2, y: h - bottom + 16, 'text-anchor': 'middle' }, g.label));
  });
  container.replaceChildren(chart);
}
