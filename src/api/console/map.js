// The map: an SVG drawn from the API's data alone (region boundaries as GeoJSON, sites and
// technicians by latitude and longitude), with an equirectangular projection fitted to the data.
// No tiles and no network.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 800;
const HEIGHT = 500;
const PAD = 24;

function node(tag, attrs, title) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) n.setAttribute(k, v);
  }
  if (title) {
    const t = document.createElementNS(SVG, 'title');
    t.textContent = title;
    n.append(t);
  }
  return n;
}

/** The rings (arrays of [lon, lat]) of a GeoJSON Polygon or MultiPolygon (or a Feature of one). */
export function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Feature') return rings(geometry.geometry);
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

/** A projection of [lon, lat] into the drawing that fits every point given. */
export function fit(points) {
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lon, lat] of points) {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  if (!Number.isFinite(minLon)) [minLon, minLat, maxLon, maxLat] = [-1, -1, 1, 1];
  // Equirectangular: a degree of longitude is cos(latitude) of a degree of latitude.
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLon - minLon) * k, 1e-3);
  const spanY = Math.max(maxLat - minLat, 1e-3);
  const scale = Math.min((WIDTH - 2 * PAD) / spanX, (HEIGHT - 2 * PAD) / spanY);
  const offX = (WIDTH - spanX * scale) / 2;
  const offY = (HEIGHT - spanY * scale) / 2;
  return ([lon, lat]) => [offX + (lon - minLon) * k * scale, HEIGHT - (offY + (lat - minLat) * scale)];
}

/**
 * Draws the map into `container`.
 * regions: [{name, class, boundary}]; sites: [{id, name, lat, lon, slack, selected, label}];
 * technicians: [{id, name, lat, lon, fromPing, candidate}].
 */
export function draw(container, { regions, sites, technicians }) {
  const shapes = regions.map((r) => ({ region: r, rings: rings(r.boundary) }));
  const points = [
    ...shapes.flatMap((s) => s.rings.flat()),
    ...sites.map((s) => [s.lon, s.lat]),
    ...technicians.map((t) => [t.lon, t.lat]),
  ];
  const project = fit(points);
  const svg = node('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'data-regions': shapes.length, 'data-sites': sites.length, 'data-technicians': technicians.length });
  for (const { region, rings: rs } of shapes) {
    const d = rs
      .map((ring) => ring.map((p, i) => `${i ? 'L' : 'M'}${project(p).map((v) => v.toFixed(1)).join(',')}`).join('') + 'Z')
      .join('');
    svg.append(node('path', { d, class: `region ${region.class}`, 'fill-rule': 'evenodd', 'data-region-id': region.id }, `${region.name} (${region.class})`));
    if (rs.length) {
      const outer = rs[0].map(project);
      const cx = outer.reduce((a, p) => a + p[0], 0) / outer.length;
      const cy = outer.reduce((a, p) => a + p[1], 0) / outer.length;
      const label = node('text', { x: cx.toFixed(1), y: cy.toFixed(1), class: 'region-label', 'text-anchor': 'middle' });
      label.textContent = region.name;
      svg.append(label);
    }
  }
  for (const t of technicians) {
    const [x, y] = project([t.lon, t.lat]);
    const cls = `tech${t.fromPing ? '' : ' home'}${t.candidate ? ' candidate' : ''}`;
    const where = t.fromPing ? 'last position' : 'home base (no position yet)';
    svg.append(node('rect', { x: (x - 5).toFixed(1), y: (y - 5).toFixed(1), width: 10, height: 10, class: cls, 'data-technician-id': t.id }, `${t.name}: ${where}`));
    const label = node('text', { x: (x + 7).toFixed(1), y: (y + 4).toFixed(1), class: 'tech-label' });
    label.textContent = t.name;
    svg.append(label);
  }
  for (const s of sites) {
    const [x, y] = project([s.lon, s.lat]);
    svg.append(node('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: s.selected ? 9 : 6, class: `site slack-${s.slack}${s.selected ? ' selected' : ''}`, 'data-site-id': s.id }, s.label));
  }
  container.replaceChildren(svg);
}
