// The map: an SVG drawn from the API's data alone (region boundaries as GeoJSON, sites and
// technicians by latitude and longitude), with an equirectangular projection fitted to the data.
// No tiles and no network.
//
// Each visit is a mark at its site, coloured by its slack against the SLA (a circle when booked,
// a larger diamond when nobody is booked yet); each technician a square at their last position,
// or a hollow square at their home base when the phone has sent none. Marks are focusable: a
// click or Enter on a visit's mark or a technician's calls back the board.

import { add, t } from './i18n.js';

add({
  en: {
    'map.label': 'Map of the regions, the visits\' sites and the technicians',
    'map.region': '{name} ({class})',
    'map.visit': '{title} at {site}: {slack}, {booked}',
    'map.visit_unassigned': 'not booked yet',
    'map.visit_booked': 'booked',
    'map.technician_position': '{name}: last position',
    'map.technician_home': '{name}: home base, no position yet',
    'map.candidate': '{name}: can take the selected visit',
    'map.legend.booked': 'visit, booked',
    'map.legend.unassigned': 'visit, not booked yet',
    'map.legend.position': 'technician at their last position',
    'map.legend.home': 'technician at home (no position yet)',
    'map.legend.candidate': 'can take the selected visit',
  },
  zh: {
    'map.label': '服务区域、上门地点和工程师地图',
    'map.region': '{name}（{class}）',
    'map.visit': '{title}，地点 {site}：{slack}，{booked}',
    'map.visit_unassigned': '尚未派工',
    'map.visit_booked': '已派工',
    'map.technician_position': '{name}：最近位置',
    'map.technician_home': '{name}：常驻地，暂无位置',
    'map.candidate': '{name}：可承接所选上门',
    'map.legend.booked': '上门（已派工）',
    'map.legend.unassigned': '上门（尚未派工）',
    'map.legend.position': '工程师（最近位置）',
    'map.legend.home': '工程师（常驻地，暂无位置）',
    'map.legend.candidate': '可承接所选上门',
  },
});

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

/** A name drawn on the map: data, not a text of the console. */
function label(x, y, text, cls, anchor) {
  const n = node('text', { x: x.toFixed(1), y: y.toFixed(1), class: cls, 'text-anchor': anchor, translate: 'no' });
  n.textContent = text;
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

/** Makes a mark act as a button: focusable, a click or Enter (or Space) calls `act`. */
function actionable(n, name, act) {
  if (!act) return n;
  n.setAttribute('tabindex', '0');
  n.setAttribute('role', 'button');
  n.setAttribute('aria-label', name);
  n.addEventListener('click', act);
  n.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      act();
    }
  });
  return n;
}

/**
 * Draws the map into `container`.
 * regions: [{id, name, class, boundary}];
 * visits: [{id, siteId, siteName, title, lat, lon, slack, slackText, unassigned, selected}];
 * technicians: [{id, name, lat, lon, fromPing, candidate}];
 * on: {visit(id), technician(id)} called when a mark is clicked or Entered.
 * The mark that had the focus has it again after drawing.
 */
export function draw(container, { regions, visits, technicians }, on = {}) {
  const focused = container.contains(document.activeElement) ? document.activeElement.getAttribute('data-key') : null;
  const shapes = regions.map((r) => ({ region: r, rings: rings(r.boundary) }));
  const points = [
    ...shapes.flatMap((s) => s.rings.flat()),
    ...visits.map((s) => [s.lon, s.lat]),
    ...technicians.map((x) => [x.lon, x.lat]),
  ];
  const project = fit(points);
  const svg = node('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'group',
    'aria-label': t('map.label'),
    'data-regions': shapes.length,
    'data-sites': new Set(visits.map((v) => v.siteId)).size,
    'data-visits': visits.length,
    'data-technicians': technicians.length,
  });
  const names = node('g', { class: 'labels' });
  // The technicians above the visits once a visit is picked: the next click is on one of them.
  const techs = node('g', { class: 'technicians' });
  const marks = node('g', { class: 'visits' });
  for (const { region, rings: rs } of shapes) {
    const d = rs
      .map((ring) => ring.map((p, i) => `${i ? 'L' : 'M'}${project(p).map((v) => v.toFixed(1)).join(',')}`).join('') + 'Z')
      .join('');
    const title = t('map.region', { name: region.name, class: t(`region_class.${region.class}`) });
    svg.append(node('path', { d, class: `region ${region.class}`, 'fill-rule': 'evenodd', 'data-region-id': region.id }, title));
    if (rs.length) {
      const outer = rs[0].map(project);
      const cx = outer.reduce((a, p) => a + p[0], 0) / outer.length;
      const cy = outer.reduce((a, p) => a + p[1], 0) / outer.length;
      names.append(label(cx, cy, region.name, 'region-label', 'middle'));
    }
  }
  for (const x of technicians) {
    const [px, py] = project([x.lon, x.lat]);
    const cls = `tech${x.fromPing ? '' : ' home'}${x.candidate ? ' candidate' : ''}`;
    const name = x.candidate
      ? t('map.candidate', { name: x.name })
      : t(x.fromPing ? 'map.technician_position' : 'map.technician_home', { name: x.name });
    const g = node('g', { class: cls, 'data-technician-id': x.id, 'data-key': `tech:${x.id}`, 'data-candidate': x.candidate ? 'true' : null });
    g.append(node('rect', { x: (px - 7).toFixed(1), y: (py - 7).toFixed(1), width: 14, height: 14 }, name));
    techs.append(actionable(g, name, on.technician && (() => on.technician(x.id))));
    names.append(label(px + 9, py + 4, x.name, 'tech-label', 'start'));
  }
  // Marks of visits at one site side by side.
  const atSite = new Map();
  for (const v of visits) {
    const n = atSite.get(v.siteId) || 0;
    atSite.set(v.siteId, n + 1);
    const [cx, cy] = project([v.lon, v.lat]);
    const px = cx + n * 18;
    const r = v.selected ? 11 : 8;
    const name = t('map.visit', {
      title: v.title,
      site: v.siteName,
      slack: v.slackText,
      booked: t(v.unassigned ? 'map.visit_unassigned' : 'map.visit_booked'),
    });
    const cls = `site slack-${v.slack}${v.unassigned ? ' unassigned' : ''}${v.selected ? ' selected' : ''}`;
    const g = node('g', { class: cls, 'data-visit-id': v.id, 'data-site-id': v.siteId, 'data-key': `visit:${v.id}`, 'data-unassigned': v.unassigned ? 'true' : null });
    if (v.unassigned) {
      const s = r + 3;
      g.append(node('path', { d: `M${px.toFixed(1)},${(cy - s).toFixed(1)}l${s},${s}l${-s},${s}l${-s},${-s}Z` }, name));
    } else {
      g.append(node('circle', { cx: px.toFixed(1), cy: cy.toFixed(1), r }, name));
    }
    marks.append(actionable(g, name, on.visit && (() => on.visit(v.id))));
  }
  if (visits.some((v) => v.selected)) svg.append(marks, techs, names);
  else svg.append(techs, marks, names);
  container.replaceChildren(svg);
  if (focused) svg.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
}

/** The map's key: what its marks mean, in the language. */
export function legend() {
  const mark = (cls, shape) => {
    const s = node('svg', { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', class: cls });
    s.append(shape);
    return s;
  };
  const item = (svg, key) => {
    const li = document.createElement('li');
    const text = document.createElement('span');
    text.textContent = t(key);
    li.append(svg, text);
    return li;
  };
  const ul = document.createElement('ul');
  ul.className = 'map-legend';
  ul.append(
    item(mark('site slack-ok', node('circle', { cx: 8, cy: 8, r: 6 })), 'map.legend.booked'),
    item(mark('site slack-risk unassigned', node('path', { d: 'M8,1l7,7l-7,7l-7,-7Z' })), 'map.legend.unassigned'),
    item(mark('tech', node('rect', { x: 2, y: 2, width: 12, height: 12 })), 'map.legend.position'),
    item(mark('tech home', node('rect', { x: 2, y: 2, width: 12, height: 12 })), 'map.legend.home'),
    item(mark('tech candidate', node('rect', { x: 2, y: 2, width: 12, height: 12 })), 'map.legend.candidate'),
  );
  return ul;
}
