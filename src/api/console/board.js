// The dispatch board: today's and tomorrow's open visits by region, unassigned first, each with
// its SLA due time and slack; the map; a visit's candidates with the reasons for their ranking;
// assign, reassign, unassign and auto-assign. It polls the API while it is shown.

import * as api from './api.js';
import { el, notice, showError, clearErrors, values, localTime, localDay } from './ui.js';
import * as map from './map.js';

/** Roles that may book technicians (the API answers 403 to the others). */
const ASSIGNERS = ['dispatcher', 'supervisor', 'admin'];
const POLL_MS = 10000;
/** Less than this before the SLA due time is "at risk". */
const AT_RISK_MINUTES = 120;

const $ = (id) => document.getElementById(id);

/** `ok`, `risk` or `breached`: how the visit stands against its SLA due time. */
export function slack(entry, now) {
  const due = Date.parse(entry.sla_due_at);
  if (due <= now) return 'breached';
  if (due - now < AT_RISK_MINUTES * 60000 || Date.parse(entry.visit.window_end) > due) return 'risk';
  return 'ok';
}

function minutes(ms) {
  const m = Math.round(Math.abs(ms) / 60000);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
}

function slackText(entry, now) {
  const left = Date.parse(entry.sla_due_at) - now;
  return left <= 0 ? `breached ${minutes(left)} ago` : `${minutes(left)} left`;
}

function nextDay(day) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function visitTitle(v, entry) {
  return entry.ticket_number || (v.inspection_id ? `Inspection ${v.inspection_id}` : `Visit ${v.id}`);
}

export class Board {
  constructor(user) {
    this.user = user;
    this.canAssign = ASSIGNERS.includes(user.role);
    this.zone = null;
    this.regions = null;
    this.sites = new Map();
    this.technicians = [];
    this.entries = new Map();
    this.days = [];
    this.selected = null;
    this.candidates = null;
    this.panelKey = null;
    this.timer = null;
    this.refreshes = 0;
    $('board-region').onchange = () => this.refresh();
  }

  show(rest, entering) {
    if (entering) {
      this.stop();
      this.timer = setInterval(() => {
        if (!document.hidden) this.refresh();
      }, POLL_MS);
    }
    const wanted = Number(rest[0]);
    if (wanted) this.selected = wanted;
    this.refresh();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async refresh() {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    try {
      if (!this.zone) {
        const calendar = await api.get('/calendar').catch(() => null);
        this.zone = (calendar && calendar.time_zone) || Intl.DateTimeFormat().resolvedOptions().timeZone;
      }
      if (!this.regions) {
        this.regions = await api.getAll('/regions');
        $('board-region').replaceChildren(
          el('option', { value: '' }, 'every region'),
          ...this.regions.map((r) => el('option', { value: r.id }, r.name)),
        );
      }
      const today = localDay(new Date(), this.zone);
      const tomorrow = nextDay(today);
      const region_id = $('board-region').value;
      const [a, b, technicians] = await Promise.all([
        api.get('/dispatch/board', { day: today, region_id }),
        api.get('/dispatch/board', { day: tomorrow, region_id }),
        api.getAll('/technicians'),
      ]);
      this.technicians = technicians;
      this.days = [
        { id: 'today', day: today, entries: a },
        { id: 'tomorrow', day: tomorrow, entries: b },
      ];
      this.entries = new Map([...a, ...b].map((e) => [e.visit.id, e]));
      await this.loadSites([...a, ...b]);
      if (this.selected && !this.entries.has(this.selected)) {
        this.selected = null;
        this.candidates = null;
      }
      const key = this.selectedKey();
      if (this.selected && key !== this.panelKey) await this.loadCandidates();
      this.render();
      this.refreshes += 1;
      const stamp = $('board-updated');
      stamp.textContent = `updated ${localTime(new Date().toISOString(), this.zone)}`;
      stamp.dataset.refreshes = this.refreshes;
    } catch (err) {
      if (err.status !== 401) notice(err.message, true);
    } finally {
      this.loading = false;
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    }
  }

  async loadSites(entries) {
    const missing = [...new Set(entries.map((e) => e.visit.site_id).filter((id) => id && !this.sites.has(id)))];
    const found = await Promise.all(missing.map((id) => api.get(`/sites/${id}`).catch(() => null)));
    for (const s of found) if (s) this.sites.set(s.id, s);
  }

  /** What the panel shows of the selected visit: it is drawn again only when this changes. */
  selectedKey() {
    const e = this.selected && this.entries.get(this.selected);
    return e ? `${e.visit.id}:${e.visit.version}:${e.visit.technician_id}` : null;
  }

  async loadCandidates() {
    this.panelKey = this.selectedKey();
    try {
      this.candidates = await api.get('/dispatch/candidates', { visit: this.selected });
    } catch (err) {
      this.candidates = { error: err.message };
    }
    this.renderPanel();
  }

  async select(id) {
    this.selected = id;
    this.candidates = null;
    this.render();
    await this.loadCandidates();
    this.renderMap();
  }

  technicianName(id) {
    const t = this.technicians.find((x) => x.user_id === id);
    return t ? t.display_name : `technician ${id}`;
  }

  render() {
    const now = Date.now();
    const regionName = new Map((this.regions || []).map((r) => [r.id, r.name]));
    for (const d of this.days) {
      $(`day-${d.id}`).textContent = `${d.id === 'today' ? 'Today' : 'Tomorrow'}, ${d.day}`;
      const groups = new Map();
      for (const e of d.entries) {
        const name = regionName.get(e.visit.region_id) || 'Outside every region';
        if (!groups.has(name)) groups.set(name, []);
        groups.get(name).push(e);
      }
      const box = $(`board-${d.id}`);
      if (d.entries.length === 0) {
        box.replaceChildren(el('p', { class: 'muted' }, 'No open visits.'));
        continue;
      }
      box.replaceChildren(
        ...[...groups].flatMap(([name, list]) => [
          el('h3', {}, name),
          el('ul', {}, list.map((e) => this.card(e, now))),
        ]),
      );
    }
    this.renderMap();
    if (this.selectedKey() !== this.panelKey || !this.selected) this.renderPanel();
  }

  card(e, now) {
    const v = e.visit;
    const s = slack(e, now);
    const site = this.sites.get(v.site_id);
    return el(
      'li',
      {
        class: `visit slack-${s}${v.id === this.selected ? ' selected' : ''}`,
        'data-visit-id': v.id,
        'data-status': v.status,
        'data-slack': s,
        'data-technician-id': v.technician_id ?? undefined,
        'data-unassigned': v.technician_id ? undefined : 'true',
        tabIndex: 0,
        onclick: () => this.select(v.id),
        onkeydown: (ev) => ev.key === 'Enter' && this.select(v.id),
      },
      el('div', { class: 'line' }, el('strong', {}, visitTitle(v, e)), el('span', { class: 'badge' }, e.priority.toUpperCase())),
      el('div', { class: 'line' },
        el('span', {}, `${localTime(v.window_start, this.zone)}–${localTime(v.window_end, this.zone)}`),
        el('span', {}, `SLA due ${localTime(e.sla_due_at, this.zone, true)}`)),
      el('div', { class: 'line' },
        v.technician_id
          ? el('span', { class: 'technician' }, `${this.technicianName(v.technician_id)} (${v.status.replace('_', ' ')})`)
          : el('span', { class: 'unassigned' }, 'Unassigned'),
        el('span', { class: `badge slack-${s}` }, slackText(e, now))),
      site ? el('div', { class: 'muted' }, site.name) : null,
      e.flagged_for_dispatch ? el('div', { class: 'unassigned' }, 'flagged to dispatch: SLA breached') : null,
    );
  }

  renderMap() {
    const now = Date.now();
    const candidateIds = new Set((this.candidates?.candidates || []).map((c) => c.technician_id));
    const sites = [];
    for (const e of this.entries.values()) {
      const s = this.sites.get(e.visit.site_id);
      if (!s) continue;
      sites.push({
        id: s.id,
        lat: s.latitude,
        lon: s.longitude,
        slack: slack(e, now),
        selected: e.visit.id === this.selected,
        label: `${visitTitle(e.visit, e)} at ${s.name}`,
      });
    }
    const technicians = this.technicians.map((t) => ({
      id: t.user_id,
      name: t.display_name,
      lat: t.last_latitude ?? t.home_latitude,
      lon: t.last_longitude ?? t.home_longitude,
      fromPing: t.last_latitude != null,
      candidate: candidateIds.has(t.user_id),
    }));
    map.draw($('map'), { regions: this.regions || [], sites, technicians });
  }

  renderPanel() {
    const panel = $('visit-panel');
    const e = this.selected && this.entries.get(this.selected);
    if (!e) {
      this.panelKey = null;
      panel.replaceChildren(el('p', { class: 'muted' }, 'Pick a visit to see who can take it.'));
      return;
    }
    this.panelKey = this.selectedKey();
    const v = e.visit;
    const site = this.sites.get(v.site_id);
    const form = el('form', { class: 'actions', id: 'visit-actions', novalidate: true, onsubmit: (ev) => ev.preventDefault() });
    if (this.canAssign) {
      form.append(el('label', {}, 'Reason (optional)', el('input', { name: 'reason', id: 'assign-reason', maxLength: 2000 })));
      if (v.technician_id) {
        form.append(el('button', { type: 'button', id: 'unassign', onclick: () => this.act(`/visits/${v.id}/unassign`, {}, form) }, 'Unassign'));
      } else {
        form.append(el('button', { type: 'button', id: 'auto-assign', onclick: () => this.act(`/visits/${v.id}/auto-assign`, {}, form) }, 'Auto-assign'));
      }
      form.append(el('p', { class: 'form-error', role: 'alert' }));
    }
    const c = this.candidates;
    let list;
    if (!c) list = el('p', { class: 'muted' }, 'Ranking the candidates…');
    else if (c.error) list = el('p', { class: 'form-error' }, c.error);
    else {
      list = el('div', {},
        el('h3', {}, c.candidates.length ? 'Candidates, best first' : 'Nobody can take this visit'),
        c.searched_km != null ? el('p', { class: 'muted' }, `searched within ${c.searched_km.toFixed(1)} km`) : null,
        el('ol', { class: 'candidates', id: 'candidates' }, c.candidates.map((k, i) => this.candidateItem(v, k, i, form))),
        c.excluded.length ? el('h3', {}, 'Cannot go') : null,
        el('ul', { class: 'excluded' }, c.excluded.map((x) => el('li', { 'data-technician-id': x.technician_id }, `${x.display_name}: ${x.reason}`))),
      );
    }
    panel.replaceChildren(
      el('h2', {}, `${visitTitle(v, e)} · ${e.priority.toUpperCase()}`),
      el('p', {},
        site ? `${site.name}, ${site.address}. ` : '',
        `Window ${localTime(v.window_start, this.zone, true)}–${localTime(v.window_end, this.zone)}; SLA due ${localTime(e.sla_due_at, this.zone, true)}. `,
        v.required_skill ? `Needs ${v.required_skill} at level ${v.required_level}. ` : '',
        v.technician_id ? `Booked: ${this.technicianName(v.technician_id)} (${v.status.replace('_', ' ')}).` : 'Not booked yet.'),
      form,
      list,
    );
  }

  candidateItem(v, k, i, form) {
    const booked = v.technician_id === k.technician_id;
    return el('li', { class: `candidate${i === 0 ? ' suggested' : ''}`, 'data-technician-id': k.technician_id },
      el('div', { class: 'line' },
        el('strong', {}, `${i + 1}. ${k.display_name}${i === 0 ? ' (suggested)' : ''}`),
        el('span', {}, `${k.distance_km.toFixed(1)} km, ETA ${Math.round(k.eta_minutes)} min${k.from_ping ? '' : ' from home'}`),
        this.canAssign && !booked
          ? el('button', {
            type: 'button',
            class: 'assign primary',
            'data-technician-id': k.technician_id,
            onclick: () => this.act(`/visits/${v.id}/assign`, { technician_id: k.technician_id }, form),
          }, v.technician_id ? 'Reassign' : 'Assign')
          : booked ? el('span', { class: 'badge slack-ok' }, 'booked') : null),
      el('div', { class: 'muted' },
        `${k.visits_that_day} visit(s) that day`,
        k.sla_slack_minutes != null ? `; ${Math.round(k.sla_slack_minutes)} min of SLA slack at arrival` : ''),
      el('ul', { class: 'reasons' }, k.reasons.map((r) => el('li', {}, r))));
  }

  async act(path, body, form) {
    clearErrors(form);
    const reason = values(form).reason;
    for (const b of form.closest('.panel').querySelectorAll('button')) b.disabled = true;
    try {
      const visit = await api.post(path, reason ? { ...body, reason } : body);
      notice(visit.technician_id ? `Booked ${this.technicianName(visit.technician_id)}.` : 'The visit is back in the queue.');
      this.panelKey = null;
      await this.refresh();
    } catch (err) {
      showError(form, err);
      for (const b of form.closest('.panel').querySelectorAll('button')) b.disabled = false;
    }
  }
}
