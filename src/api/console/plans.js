// Day plans (日程规划): every technician's route of a day, proposed by the solver and applied by a
// dispatcher. Ask a plan of a day (a region, or all) and watch it being made; read its figures,
// a map of the routes (one colour per technician, the stops numbered) and each route as a table
// in order (arrival, window, ticket, customer and site, due time), the lunch breaks among the
// stops, and the visits it could not place with the reason. Pin a booked visit to its technician
// or leave a visit out, plan again, and apply the plan (after a confirmation): the visits are
// booked as shown, or a plan gone stale says why and offers to plan again. Below, the plans of
// the day, newest first. Dispatchers and supervisors make and apply plans; managers read them.
// The address #plans/<id> opens a plan, #plans/<YYYY-MM-DD> the plans of a day.

import * as api from './api.js';
import { add, t, term, number, minutes, day as dayText } from './i18n.js';
import { el, data, notice, showError, clearErrors, values, timeEl, localDay } from './ui.js';
import { fit } from './map.js';
import * as names from './names.js';

add({
  en: {
    'plans.title': 'Day plans',
    'plans.form.day': 'Day',
    'plans.form.region': 'Region',
    'plans.form.all_regions': 'all regions',
    'plans.form.budget': 'Planning time (seconds)',
    'plans.form.budget_hint': 'empty: the service\'s default',
    'plans.form.submit': 'Plan',
    'plans.planning': 'Planning… {n} s',
    'plans.plan_of': 'Plan of {day}: {region}',
    'plans.f.status': 'Status',
    'plans.f.planned': 'Visits planned',
    'plans.f.unplaced': 'Not placed',
    'plans.f.technicians': 'Technicians',
    'plans.f.km': 'Total distance',
    'plans.f.travel': 'Driving',
    'plans.f.made_by': 'Made by',
    'plans.f.applied_by': 'Applied by',
    'plans.f.why': 'Why',
    'plans.km': '{km} km',
    'plans.map': 'Map of the routes: each technician\'s start and stops joined in order',
    'plans.map.start': '{name}: start',
    'plans.map.stop': '{name}, stop {n}: {ticket}',
    'plans.routes': 'Routes',
    'plans.no_routes': 'Nobody has a route in this plan.',
    'plans.start.home': 'from home',
    'plans.start.position': 'from their last position',
    'plans.start.visit': 'from the visit they are on',
    'plans.route_line': 'leaves {from} {start}, back {back} · {km} km · {travel} driving',
    'plans.col.order': 'Order',
    'plans.col.arrival': 'Arrival',
    'plans.col.window': 'Window',
    'plans.col.ticket': 'Ticket',
    'plans.col.place': 'Customer / site',
    'plans.col.due': 'Due',
    'plans.col.pin': 'Pin',
    'plans.col.exclude': 'Leave out',
    'plans.col.reason': 'Why not placed',
    'plans.break': 'Lunch break {from}–{to}',
    'plans.waits': 'waits until {time}',
    'plans.pin_label': 'Keep {ticket} with {name}',
    'plans.exclude_label': 'Leave {ticket} out of the next plan',
    'plans.pin_hint': 'A visit can be pinned once it is booked to that technician (after the plan is applied); accepted visits stay with their technician anyway.',
    'plans.unplaced': 'Not placed',
    'plans.unplaced_none': 'Every visit found a place.',
    'plans.left_out': 'Left out of this plan',
    'plans.left_out_hint': 'Untick to plan a visit again.',
    'plans.keep_out_label': 'Keep {ticket} out of the next plan',
    'plans.visit': 'visit',
    'plans.again': 'Plan again',
    'plans.apply': 'Apply',
    'plans.apply_question': 'Book every planned visit as shown? The technicians\' phones list their routes in this order.',
    'plans.yes': 'Yes, apply',
    'plans.no': 'No',
    'plans.applied': 'The plan is applied: {n} visits are booked.',
    'plans.stale': 'The plan is stale: something changed since it was made, and nothing was booked. Plan again.',
    'plans.failed': 'The plan could not be made.',
    'plans.recent': 'Plans of the day',
    'plans.recent_none': 'No plan of this day yet.',
    'plans.col.made': 'Made',
    'plans.col.region': 'Region',
    'plans.col.status': 'Status',
    'plans.col.figures': 'Planned / not placed',
    'plans.col.by': 'By',
    'plans.open': 'Open',
    'plans.figures': '{planned} / {unplaced}',
  },
  zh: {
    'plans.title': '日程规划',
    'plans.form.day': '日期',
    'plans.form.region': '区域',
    'plans.form.all_regions': '全部区域',
    'plans.form.budget': '规划时长（秒）',
    'plans.form.budget_hint': '留空：使用服务默认值',
    'plans.form.submit': '规划',
    'plans.planning': '正在规划… {n} 秒',
    'plans.plan_of': '{day} 的规划：{region}',
    'plans.f.status': '状态',
    'plans.f.planned': '已排上门',
    'plans.f.unplaced': '未能安排',
    'plans.f.technicians': '工程师',
    'plans.f.km': '总里程',
    'plans.f.travel': '行车时间',
    'plans.f.made_by': '规划人',
    'plans.f.applied_by': '应用人',
    'plans.f.why': '原因',
    'plans.km': '{km} 公里',
    'plans.map': '路线地图：每位工程师的出发点和各站按顺序相连',
    'plans.map.start': '{name}：出发点',
    'plans.map.stop': '{name}，第 {n} 站：{ticket}',
    'plans.routes': '路线',
    'plans.no_routes': '此规划中没有任何人的路线。',
    'plans.start.home': '从常驻地',
    'plans.start.position': '从最近位置',
    'plans.start.visit': '从正在进行的上门',
    'plans.route_line': '{from} {start}出发，{back} 返回 · {km} 公里 · 行车 {travel}',
    'plans.col.order': '顺序',
    'plans.col.arrival': '到达',
    'plans.col.window': '时段',
    'plans.col.ticket': '工单',
    'plans.col.place': '客户 / 地点',
    'plans.col.due': '截止',
    'plans.col.pin': '锁定',
    'plans.col.exclude': '排除',
    'plans.col.reason': '未能安排的原因',
    'plans.break': '午休 {from}–{to}',
    'plans.waits': '等到 {time}',
    'plans.pin_label': '将 {ticket} 锁定给 {name}',
    'plans.exclude_label': '下次规划排除 {ticket}',
    'plans.pin_hint': '上门派给该工程师之后（规划应用之后）才能锁定；已接单的上门始终留给原工程师。',
    'plans.unplaced': '未能安排',
    'plans.unplaced_none': '所有上门都已安排。',
    'plans.left_out': '本次规划排除的上门',
    'plans.left_out_hint': '取消勾选即可重新参与规划。',
    'plans.keep_out_label': '下次规划继续排除 {ticket}',
    'plans.visit': '上门',
    'plans.again': '重新规划',
    'plans.apply': '应用',
    'plans.apply_question': '按所示安排派出全部上门？工程师手机上的路线将按此顺序排列。',
    'plans.yes': '确定应用',
    'plans.no': '取消',
    'plans.applied': '规划已应用：已派 {n} 个上门。',
    'plans.stale': '规划已过时：生成之后情况有变，未派任何上门。请重新规划。',
    'plans.failed': '未能生成规划。',
    'plans.recent': '当天的规划',
    'plans.recent_none': '当天还没有规划。',
    'plans.col.made': '生成时间',
    'plans.col.region': '区域',
    'plans.col.status': '状态',
    'plans.col.figures': '已排 / 未能安排',
    'plans.col.by': '规划人',
    'plans.open': '打开',
    'plans.figures': '{planned} / {unplaced}',
  },
});

/** Roles that make and apply plans (the API answers 403 to the others, who read them). */
const MAKERS = ['dispatcher', 'supervisor', 'admin'];
const POLL_MS = 1000;
const RECENT = 20;
/** One colour per technician, in the order of the routes. */
const COLOURS = ['#1d63d6', '#d9480f', '#2e8540', '#7b2ea3', '#b8860b', '#0b7285', '#c2255c', '#495057'];
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 800;
const HEIGHT = 500;

const $ = (id) => document.getElementById(id);

/** The day after `ymd` (`YYYY-MM-DD`). */
function nextDay(ymd) {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function svg(tag, attrs, title) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) n.setAttribute(k, v);
  if (title) {
    const x = document.createElementNS(SVG, 'title');
    x.textContent = title;
    n.append(x);
  }
  return n;
}

/** A visit as people name it: its ticket's number, or "visit" when it has none (an inspection). */
function ticketOf(x) {
  return x.ticket_number || t('plans.visit');
}

export class PlansView {
  constructor(user) {
    this.user = user;
    this.maker = MAKERS.includes(user.role);
    this.zone = null;
    this.regions = null;
    this.plan = null;
    this.board = new Map();
    this.timer = null;
    this.seq = 0;
    this.build();
  }

  build() {
    let root = $('view-plans');
    if (!root) {
      root = el('section', { id: 'view-plans', class: 'view', hidden: true });
      document.querySelector('main').append(root);
    }
    const form = el('form', { id: 'plans-form', class: 'filters plans-form', novalidate: true },
      el('label', {}, el('span', {}, t('plans.form.day')), el('input', { type: 'date', name: 'day', id: 'plans-day', required: true })),
      el('label', {}, el('span', {}, t('plans.form.region')),
        el('select', { name: 'region_id', id: 'plans-region' }, el('option', { value: '' }, t('plans.form.all_regions')))),
      this.maker
        ? el('label', {}, el('span', {}, t('plans.form.budget')),
          el('input', { type: 'number', name: 'budget_seconds', id: 'plans-budget', min: 1, max: 120, step: 1, placeholder: t('plans.form.budget_hint') }))
        : null,
      this.maker ? el('button', { type: 'submit', class: 'primary', id: 'plans-submit' }, t('plans.form.submit')) : null,
      el('p', { class: 'form-error', role: 'alert' }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.ask(form);
    });
    root.replaceChildren(
      el('h1', {}, t('plans.title')),
      form,
      el('p', { id: 'plans-status', class: 'muted', role: 'status', 'aria-live': 'polite' }),
      el('section', { id: 'plans-plan', class: 'plan-view', hidden: true }),
      el('h2', {}, t('plans.recent')),
      el('table', { id: 'plans-list', class: 'list' }));
    $('plans-day').addEventListener('change', () => this.loadList());
  }

  async show(rest, entering) {
    try {
      if (!this.zone) this.zone = await names.zone();
      if (!this.regions) {
        this.regions = await api.getAll('/regions');
        $('plans-region').append(...this.regions.map((r) => el('option', { value: r.id, translate: 'no' }, r.name)));
      }
    } catch (err) {
      if (err.status !== 401) notice(err, true);
      return;
    }
    const dayInput = $('plans-day');
    if (!dayInput.value) dayInput.value = nextDay(localDay(new Date(), this.zone));
    const arg = rest[0] || '';
    if (/^\d{4}-\d{2}-\d{2}$/.test(arg)) {
      dayInput.value = arg;
      this.close();
    } else if (/^\d+$/.test(arg)) {
      if (entering || !this.plan || String(this.plan.plan.id) !== arg) await this.open(Number(arg));
      return;
    } else if (entering && this.plan) {
      // Back on the page: the plan last shown, read again (and watched while it is being made).
      await this.open(this.plan.plan.id);
      return;
    }
    await this.loadList();
  }

  stop() {
    this.seq += 1;
    clearTimeout(this.timer);
    this.timer = null;
  }

  /** No plan shown. */
  close() {
    this.stop();
    this.plan = null;
    $('plans-plan').hidden = true;
    $('plans-status').textContent = '';
  }

  /** Asks a plan from the form. */
  async ask(form) {
    clearErrors(form);
    const v = values(form);
    const body = { day: v.day ?? '' };
    if (v.region_id) body.region_id = Number(v.region_id);
    if (v.budget_seconds) body.budget_seconds = Number(v.budget_seconds);
    await this.send(body, form);
  }

  /** Sends a new plan and opens it; its errors go beside the fields of `form`. */
  async send(body, form) {
    const buttons = [...document.querySelectorAll('#view-plans button')];
    for (const b of buttons) b.disabled = true;
    try {
      const p = await api.post('/day-plans', body);
      notice('');
      this.waitFrom = Date.now();
      this.show_(p);
      location.hash = `#plans/${p.plan.id}`;
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  /** Reads a plan and shows it (waiting while it is being made). */
  async open(id) {
    this.stop();
    const seq = this.seq;
    try {
      const p = await api.get(`/day-plans/${id}`);
      if (seq !== this.seq) return;
      if (!this.waitFrom || this.plan?.plan.id !== id) this.waitFrom = Date.now();
      this.show_(p);
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  /** Shows a plan: its state, and when it is still being made, asks again in a second. */
  show_(p) {
    this.stop();
    const seq = this.seq;
    $('plans-day').value = p.plan.day;
    $('plans-region').value = p.plan.region_id ?? '';
    const status = $('plans-status');
    status.dataset.status = p.plan.status;
    if (p.plan.status === 'planning') {
      this.plan = p;
      $('plans-plan').hidden = true;
      const tick = async () => {
        status.textContent = t('plans.planning', { n: number(Math.round((Date.now() - this.waitFrom) / 1000)) });
        try {
          const now = await api.get(`/day-plans/${p.plan.id}`);
          if (seq !== this.seq) return;
          if (now.plan.status !== 'planning') {
            this.waitFrom = null;
            await this.render(now);
            this.loadList();
            return;
          }
        } catch (err) {
          if (seq !== this.seq) return;
          if (err.status === 401) return;
          notice(err, true);
        }
        this.timer = setTimeout(tick, POLL_MS);
      };
      tick();
      this.loadList();
      return;
    }
    this.render(p);
    this.loadList();
  }

  /** The open visits of the plan's day as the board has them: who each is booked to now. */
  async loadBoard(p) {
    try {
      const entries = await api.get('/dispatch/board', { day: p.plan.day, region_id: p.plan.region_id ?? undefined });
      this.board = new Map(entries.map((e) => [e.visit.id, e]));
    } catch {
      this.board = new Map();
    }
  }

  async render(p) {
    const seq = this.seq;
    await this.loadBoard(p);
    if (seq !== this.seq) return;
    this.plan = p;
    const s = p.plan;
    const status = $('plans-status');
    status.dataset.status = s.status;
    status.textContent = s.status === 'failed' ? t('plans.failed') : '';
    const box = $('plans-plan');
    box.hidden = false;
    box.dataset.planId = s.id;
    box.dataset.status = s.status;
    const editable = this.maker && s.status !== 'planning';
    const form = el('form', { id: 'plans-again-form', class: 'plan-again', novalidate: true, onsubmit: (e) => e.preventDefault() },
      this.routes(p, editable),
      this.unplaced(p, editable),
      this.leftOut(p, editable),
      this.maker ? this.actions(p) : null,
      el('p', { class: 'form-error', role: 'alert' }),
      el('div', { id: 'plans-result', role: 'status' }));
    box.replaceChildren(
      el('h2', { id: 'plans-plan-title', tabIndex: -1 },
        t('plans.plan_of', { day: dayText(s.day), region: s.region_name ?? t('plans.form.all_regions') })),
      el('div', { class: 'plan-top' },
        this.figures(s),
        el('div', {}, el('div', { id: 'plans-map', class: 'map plan-map' }), this.legend(p))),
      form);
    this.drawMap(p);
  }

  figures(s) {
    const fact = (key, ...content) => [el('dt', {}, t(key)), el('dd', {}, ...content)];
    return el('dl', { class: 'facts plan-figures', id: 'plans-figures' },
      fact('plans.f.status', el('strong', { class: `plan-status ${s.status}`, 'data-status': s.status }, term('plan_status', s.status))),
      fact('plans.f.planned', el('span', { 'data-figure': 'visits_planned' }, number(s.visits_planned))),
      fact('plans.f.unplaced', el('span', { 'data-figure': 'visits_unplaced' }, number(s.visits_unplaced))),
      fact('plans.f.technicians', el('span', { 'data-figure': 'technicians_used' }, number(s.technicians_used))),
      fact('plans.f.km', el('span', { 'data-figure': 'km' }, t('plans.km', { km: number(s.km, 1) }))),
      fact('plans.f.travel', el('span', { 'data-figure': 'travel_minutes' }, minutes(s.travel_minutes))),
      fact('plans.f.made_by', data(s.created_by_name), ' ', timeEl(s.created_at, this.zone, true)),
      s.applied_by_name ? fact('plans.f.applied_by', data(s.applied_by_name), ' ', timeEl(s.applied_at, this.zone, true)) : null,
      s.error ? fact('plans.f.why', data(s.error, 'span', { class: 'plan-error' })) : null);
  }

  colour(i) {
    return COLOURS[i % COLOURS.length];
  }

  /** A square of the route's colour (an SVG: the page's policy allows no inline style). */
  swatch(i) {
    const s = svg('svg', { viewBox: '0 0 12 12', width: 12, height: 12, class: 'swatch', 'aria-hidden': 'true' });
    s.append(svg('rect', { x: 0, y: 0, width: 12, height: 12, fill: this.colour(i) }));
    return s;
  }

  legend(p) {
    return el('ul', { class: 'map-legend plan-legend' }, p.routes.map((r, i) => el('li', { 'data-technician-id': r.technician_id },
      this.swatch(i), data(r.technician_name))));
  }

  /** The map: each route from its start through its stops in order and back, in its colour. */
  drawMap(p) {
    const points = [];
    for (const r of p.routes) {
      points.push([r.start_longitude, r.start_latitude]);
      for (const s of r.stops) if (s.longitude != null) points.push([s.longitude, s.latitude]);
    }
    const project = fit(points);
    const xy = (lon, lat) => project([lon, lat]).map((v) => v.toFixed(1));
    const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': t('plans.map'), 'data-routes': p.routes.length });
    const labels = svg('g', { class: 'labels' });
    p.routes.forEach((r, i) => {
      const colour = this.colour(i);
      const g = svg('g', { class: 'route', 'data-technician-id': r.technician_id, stroke: colour, fill: colour });
      const [sx, sy] = xy(r.start_longitude, r.start_latitude);
      const stops = r.stops.filter((s) => s.kind === 'visit' && s.longitude != null);
      const path = [[sx, sy], ...stops.map((s) => xy(s.longitude, s.latitude)), [sx, sy]];
      g.append(svg('polyline', { points: path.map((q) => q.join(',')).join(' '), fill: 'none', 'stroke-width': 2.5, 'stroke-opacity': 0.8 }));
      g.append(svg('rect', { x: (sx - 7).toFixed(1), y: (sy - 7).toFixed(1), width: 14, height: 14, class: 'start' }, t('plans.map.start', { name: r.technician_name })));
      for (const s of stops) {
        const [x, y] = xy(s.longitude, s.latitude);
        g.append(svg('circle', { cx: x, cy: y, r: 11, class: 'stop', 'data-visit-id': s.visit_id, stroke: '#fff', 'stroke-width': 1.5 },
          t('plans.map.stop', { name: r.technician_name, n: s.position, ticket: ticketOf(s) })));
        const n = svg('text', { x, y: (Number(y) + 4).toFixed(1), 'text-anchor': 'middle', class: 'stop-number', translate: 'no' });
        n.textContent = String(s.position);
        labels.append(n);
      }
      const name = svg('text', { x: (Number(sx) + 10).toFixed(1), y: (Number(sy) - 8).toFixed(1), class: 'tech-label', translate: 'no' });
      name.textContent = r.technician_name;
      labels.append(name);
      root.append(g);
    });
    root.append(labels);
    $('plans-map').replaceChildren(root);
  }

  /** Each technician's route as a table in order, with the pin and leave-out boxes. */
  routes(p, editable) {
    const out = [el('h3', {}, t('plans.routes'))];
    if (!p.routes.length) out.push(el('p', { class: 'muted' }, t('plans.no_routes')));
    const cols = ['order', 'arrival', 'window', 'ticket', 'place', 'due', ...(editable ? ['pin', 'exclude'] : [])];
    p.routes.forEach((r, i) => {
      const head = el('div', { class: 'route-head' },
        this.swatch(i),
        data(r.technician_name, 'strong'), ' ',
        el('span', { class: 'muted' }, t('plans.route_line', {
          from: timeEl(r.departure_at, this.zone).textContent,
          start: t(`plans.start.${r.starts_from}`),
          back: timeEl(r.return_at, this.zone).textContent,
          km: number(r.km, 1),
          travel: minutes(r.travel_minutes),
        })));
      const rows = r.stops.map((s) => (s.kind === 'break' ? this.breakRow(s, cols.length) : this.stopRow(r, s, editable)));
      out.push(head, el('table', { class: 'list plan-route', 'data-technician-id': r.technician_id },
        el('thead', {}, el('tr', {}, cols.map((c) => el('th', {}, t(`plans.col.${c}`))))),
        el('tbody', {}, rows)));
    });
    if (editable && p.routes.length) out.push(el('p', { class: 'muted hint' }, t('plans.pin_hint')));
    return el('div', { id: 'plans-routes' }, out);
  }

  breakRow(s, span) {
    return el('tr', { class: 'break', 'data-position': s.position },
      el('td', {}, number(s.position)),
      el('td', { colSpan: span - 1 }, t('plans.break', { from: timeEl(s.start_at, this.zone).textContent, to: timeEl(s.departure_at, this.zone).textContent })));
  }

  stopRow(r, s, editable) {
    const ticket = ticketOf(s);
    const booked = this.board.get(s.visit_id)?.visit;
    // A pin keeps a visit with the technician it is booked to: possible only when that is this one.
    const pinnable = booked?.technician_id === r.technician_id && booked.status !== 'accepted';
    const waits = s.start_at !== s.arrival_at && Date.parse(s.start_at) > Date.parse(s.arrival_at);
    return el('tr', { class: `stop${s.pinned ? ' pinned' : ''}`, 'data-visit-id': s.visit_id, 'data-position': s.position },
      el('td', {}, number(s.position)),
      el('td', {}, timeEl(s.arrival_at, this.zone), waits ? el('div', { class: 'muted' }, t('plans.waits', { time: timeEl(s.start_at, this.zone).textContent })) : null),
      el('td', {}, timeEl(s.window_start, this.zone), '–', timeEl(s.window_end, this.zone)),
      el('td', { class: 'ticket' }, s.ticket_number ? data(s.ticket_number, 'strong') : t('plans.visit')),
      el('td', {}, s.customer_name ? data(s.customer_name) : null, s.site_name ? data(s.site_name, 'div', { class: 'muted' }) : null),
      el('td', {}, timeEl(s.due_at, this.zone, true)),
      editable ? el('td', {}, this.box('pin', s.visit_id, s.pinned, !pinnable, t('plans.pin_label', { ticket, name: r.technician_name }))) : null,
      editable ? el('td', {}, this.box('exclude', s.visit_id, false, false, t('plans.exclude_label', { ticket }))) : null);
  }

  /** A pin or leave-out box of a visit; ticking one unticks the other (a visit is not both). */
  box(kind, id, checked, disabled, label) {
    const input = el('input', { type: 'checkbox', class: kind, value: id, 'data-visit-id': id, checked, disabled, 'aria-label': label });
    input.addEventListener('change', () => {
      if (!input.checked) return;
      const other = kind === 'pin' ? 'exclude' : 'pin';
      const twin = $('plans-again-form').querySelector(`input.${other}[data-visit-id="${id}"]`);
      if (twin && !twin.disabled) twin.checked = false;
    });
    return input;
  }

  unplaced(p, editable) {
    const cols = ['ticket', 'place', 'window', 'reason', ...(editable ? ['exclude'] : [])];
    const rows = p.unplaced.map((u) => el('tr', { class: 'unplaced', 'data-visit-id': u.visit_id, 'data-reason': u.reason },
      el('td', {}, u.ticket_number ? data(u.ticket_number, 'strong') : t('plans.visit')),
      el('td', {}, u.customer_name ? data(u.customer_name) : null, u.site_name ? data(u.site_name, 'div', { class: 'muted' }) : null),
      el('td', {}, timeEl(u.window_start, this.zone, true), '–', timeEl(u.window_end, this.zone)),
      el('td', { class: 'reason' }, term('unplaced_reason', u.reason)),
      editable ? el('td', {}, this.box('exclude', u.visit_id, false, false, t('plans.exclude_label', { ticket: ticketOf(u) }))) : null));
    return el('div', { id: 'plans-unplaced-box' },
      el('h3', {}, t('plans.unplaced')),
      rows.length
        ? el('table', { class: 'list', id: 'plans-unplaced' },
          el('thead', {}, el('tr', {}, cols.map((c) => el('th', {}, t(`plans.col.${c}`))))),
          el('tbody', {}, rows))
        : el('p', { class: 'muted' }, t('plans.unplaced_none')));
  }

  /** The visits this plan left out: kept out of the next one unless unticked. */
  leftOut(p, editable) {
    if (!p.excluded.length) return null;
    const items = p.excluded.map((id) => {
      const e = this.board.get(id);
      const ticket = e?.ticket_number ? e.ticket_number : t('plans.visit');
      const name = e?.ticket_number ? data(e.ticket_number) : el('span', {}, t('plans.visit'));
      return el('li', { 'data-visit-id': id },
        editable
          ? el('label', { class: 'check' }, this.box('exclude', id, true, false, t('plans.keep_out_label', { ticket })), name)
          : name);
    });
    return el('div', { id: 'plans-left-out' },
      el('h3', {}, t('plans.left_out')),
      editable ? el('p', { class: 'muted hint' }, t('plans.left_out_hint')) : null,
      el('ul', { class: 'left-out' }, items));
  }

  actions(p) {
    const s = p.plan;
    const again = el('button', { type: 'button', id: 'plans-again', onclick: () => this.again() }, t('plans.again'));
    const out = el('div', { class: 'plan-actions', id: 'plans-actions' }, again);
    if (s.status === 'ready') {
      const box = el('span', { class: 'confirm' });
      const first = el('button', { type: 'button', class: 'primary', id: 'plans-apply' }, t('plans.apply'));
      first.onclick = () => {
        const yes = el('button', { type: 'button', class: 'primary', 'data-confirm': 'yes', id: 'plans-apply-yes' }, t('plans.yes'));
        const no = el('button', { type: 'button', 'data-confirm': 'no', onclick: () => { box.replaceChildren(first); first.focus(); } }, t('plans.no'));
        yes.onclick = () => this.apply(p, yes);
        box.replaceChildren(el('span', { class: 'question', role: 'alert' }, t('plans.apply_question'), ' ', yes, ' ', no));
        yes.focus();
      };
      box.append(first);
      out.append(box);
    }
    return out;
  }

  /** A new plan of the same day and region with the ticked pins and leave-outs. */
  async again() {
    const form = $('plans-again-form');
    clearErrors(form);
    // A box that cannot be changed (an accepted visit, one no longer booked here) asks nothing.
    const ticked = (cls) => [...form.querySelectorAll(`input.${cls}:checked:not(:disabled)`)].map((i) => Number(i.value));
    const s = this.plan.plan;
    const body = { day: s.day, pinned: [...new Set(ticked('pin'))], excluded: [...new Set(ticked('exclude'))] };
    if (s.region_id) body.region_id = s.region_id;
    const budget = $('plans-budget')?.value;
    if (budget) body.budget_seconds = Number(budget);
    await this.send(body, form);
  }

  async apply(p, yes) {
    yes.disabled = true;
    const form = $('plans-again-form');
    clearErrors(form);
    try {
      const done = await api.post(`/day-plans/${p.plan.id}/apply`, {});
      this.stop();
      await this.render(done);
      $('plans-result').replaceChildren(el('p', { class: 'applied' }, t('plans.applied', { n: number(done.plan.visits_planned) })));
      $('plans-plan-title').focus();
      this.loadList();
    } catch (err) {
      if (err.status === 401) return;
      if (err.status === 409) {
        // The plan is marked stale (or was applied meanwhile): read it again, then say why.
        const now = await api.get(`/day-plans/${p.plan.id}`).catch(() => p);
        this.stop();
        await this.render(now);
        const stale = /^the plan is stale/.test(err.message);
        $('plans-result').replaceChildren(el('div', { class: 'callout stale', 'data-code': 'stale' },
          el('p', {}, stale ? t('plans.stale') : t('error.code.conflict')),
          data(err.message, 'p', { class: 'muted' }),
          this.maker ? el('button', { type: 'button', class: 'primary', id: 'plans-stale-again', onclick: () => this.again() }, t('plans.again')) : null));
        $('plans-stale-again')?.focus();
        this.loadList();
        return;
      }
      showError(form, err);
      yes.disabled = false;
    }
  }

  /** The plans of the form's day, newest first. */
  async loadList() {
    const dayValue = $('plans-day').value;
    const table = $('plans-list');
    if (!dayValue) return;
    try {
      const page = await api.get('/day-plans', { day: dayValue, limit: RECENT });
      const shown = this.plan?.plan.id;
      const cols = ['made', 'region', 'status', 'figures', 'by', 'open'];
      const rows = page.items.map((s) => el('tr', { class: `row${s.id === shown ? ' selected' : ''}`, 'data-plan-id': s.id, 'data-status': s.status,
        'aria-current': s.id === shown ? 'true' : undefined, onclick: () => { location.hash = `#plans/${s.id}`; } },
      el('td', {}, timeEl(s.created_at, this.zone, true)),
      el('td', {}, s.region_name ? data(s.region_name) : t('plans.form.all_regions')),
      el('td', {}, term('plan_status', s.status)),
      el('td', {}, t('plans.figures', { planned: number(s.visits_planned), unplaced: number(s.visits_unplaced) })),
      el('td', {}, data(s.created_by_name)),
      el('td', {}, el('a', { href: `#plans/${s.id}`, class: 'open' }, t('plans.open')))));
      table.replaceChildren(
        el('thead', {}, el('tr', {}, cols.map((c) => el('th', {}, c === 'open' ? '' : t(`plans.col.${c}`))))),
        el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colSpan: cols.length }, t('plans.recent_none')))));
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }
}
