// The ticket desk: the ticket list with the ladder's filters, a ticket's full timeline, and
// escalate, hand off and mark a major fault, with the API's validation errors next to the field.

import * as api from './api.js';
import { el, notice, showError, clearErrors, values, instant, localTime } from './ui.js';

const PAGE = 25;
const $ = (id) => document.getElementById(id);

/** The filter form's values as the list's query. */
function filters(form) {
  const q = values(form);
  if (q.due_before) q.due_before = instant(q.due_before);
  return q;
}

export class TicketDesk {
  constructor(user) {
    this.user = user;
    this.offset = 0;
    this.selected = null;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    $('ticket-filters').onsubmit = (e) => {
      e.preventDefault();
      this.offset = 0;
      this.load();
    };
  }

  show(rest) {
    const id = Number(rest[0]);
    this.load();
    if (id) this.open(id);
  }

  async load() {
    const form = $('ticket-filters');
    clearErrors(form);
    try {
      if (!this.zoneRead) {
        const calendar = await api.get('/calendar').catch(() => null);
        if (calendar) this.zone = calendar.time_zone;
        this.zoneRead = true;
      }
      const page = await api.get('/tickets', { ...filters(form), limit: PAGE, offset: this.offset });
      this.renderList(page);
    } catch (err) {
      showError(form, err);
    }
  }

  renderList(page) {
    const head = el('tr', {}, ['Number', 'Title', 'Kind', 'Status', 'Tier', 'Priority', 'Resolution due', 'SLA'].map((h) => el('th', {}, h)));
    const rows = page.items.map((t) =>
      el('tr', { class: `row${t.id === this.selected ? ' selected' : ''}`, 'data-ticket-id': t.id, onclick: () => { location.hash = `#tickets/${t.id}`; } },
        el('td', {}, t.number),
        el('td', {}, t.title),
        el('td', {}, t.kind),
        el('td', {}, t.status.replaceAll('_', ' ')),
        el('td', {}, t.ladder_tier),
        el('td', {}, t.priority.toUpperCase()),
        el('td', {}, localTime(t.resolution_due_at, this.zone, true)),
        el('td', {}, t.breached ? el('span', { class: 'badge slack-breached' }, 'breached') : '', t.major_fault ? el('span', { class: 'badge slack-risk' }, 'major fault') : '')));
    $('ticket-list').replaceChildren(el('thead', {}, head), el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colSpan: 8 }, 'No ticket matches.'))));
    const last = Math.min(page.offset + page.items.length, page.total);
    $('ticket-pager').replaceChildren(
      el('button', { type: 'button', disabled: page.offset === 0, onclick: () => { this.offset = Math.max(0, this.offset - PAGE); this.load(); } }, 'Previous'),
      el('span', {}, page.total ? `${page.offset + 1}–${last} of ${api.totalText(page)}` : '0 tickets'),
      el('button', { type: 'button', disabled: last >= page.total && !page.total_capped, onclick: () => { this.offset += PAGE; this.load(); } }, 'Next'));
  }

  async open(id) {
    this.selected = id;
    const panel = $('ticket-detail');
    try {
      const [t, timeline] = await Promise.all([api.get(`/tickets/${id}`), api.get(`/tickets/${id}/timeline`)]);
      this.renderDetail(t, timeline);
      for (const r of document.querySelectorAll('#ticket-list tr.row')) r.classList.toggle('selected', Number(r.dataset.ticketId) === id);
    } catch (err) {
      panel.replaceChildren(el('p', { class: 'form-error' }, err.message));
    }
  }

  renderDetail(t, timeline) {
    const due = (label, at) => (at ? el('li', {}, `${label}: ${localTime(at, this.zone, true)}`) : null);
    $('ticket-detail').replaceChildren(
      el('h2', {}, `${t.number} · ${t.title}`),
      el('p', {}, `A ${t.kind}, ${t.status.replaceAll('_', ' ')} at the ${t.ladder_tier} tier, ${t.priority.toUpperCase()}, ${t.customer_tier} customer; owner ${t.owner_id}${t.assignee_id ? `, assignee ${t.assignee_id}` : ''}.`),
      el('p', {}, t.description),
      el('ul', {}, due('Response due', t.response_due_at), due('Arrival due', t.arrival_due_at), due('Resolution due', t.resolution_due_at)),
      el('div', { class: 'actions' }, this.escalateForm(t), this.handoffForm(t), t.major_fault ? null : this.majorFaultForm(t)),
      el('h3', {}, 'Timeline'),
      el('ol', { class: 'timeline', id: 'timeline' }, timeline.map((e) =>
        el('li', { 'data-kind': e.kind },
          el('strong', {}, e.kind.replaceAll('_', ' ')),
          ` ${localTime(e.at, this.zone, true)}`,
          e.actor_id ? ` by user ${e.actor_id}` : ' by the service',
          e.from || e.to ? ` (${e.from ?? ''} → ${e.to ?? ''})` : '',
          e.reason ? el('div', { class: 'muted' }, e.reason) : null))),
    );
  }

  /** A form that posts its values (changed by `shape`) to the ticket's `action`. */
  actionForm(t, action, title, fields, shape) {
    const form = el('form', { novalidate: true, 'data-action': action },
      el('h3', {}, title),
      ...fields,
      el('button', { type: 'submit' }, title),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      try {
        await api.post(`/tickets/${t.id}/${action}`, shape(values(form)));
        notice(`${title}: done.`);
        await Promise.all([this.load(), this.open(t.id)]);
      } catch (err) {
        showError(form, err);
      }
    };
    return form;
  }

  escalateForm(t) {
    return this.actionForm(t, 'escalate', 'Escalate', [
      el('label', {}, 'To', el('select', { name: 'to' }, el('option', { value: 'remote' }, 'remote'), el('option', { value: 'onsite' }, 'on-site'))),
      el('label', {}, 'Reason', el('input', { name: 'reason' })),
      el('label', {}, 'Window start (on-site)', el('input', { name: 'window_start', type: 'datetime-local' })),
      el('label', {}, 'Window end (on-site)', el('input', { name: 'window_end', type: 'datetime-local' })),
    ], (v) => ({ ...v, window_start: instant(v.window_start), window_end: instant(v.window_end) }));
  }

  handoffForm(t) {
    return this.actionForm(t, 'handoff', 'Hand off', [
      el('label', {}, 'To user id', el('input', { name: 'to_user_id', inputMode: 'numeric', size: 6 })),
      el('label', {}, 'Reason', el('input', { name: 'reason' })),
    ], (v) => ({ ...v, to_user_id: v.to_user_id === undefined ? undefined : Number(v.to_user_id) || v.to_user_id }));
  }

  majorFaultForm(t) {
    return this.actionForm(t, 'major-fault', 'Mark major fault', [
      el('label', {}, 'Occurred at', el('input', { name: 'occurred_at', type: 'datetime-local' })),
      el('label', {}, 'Location', el('input', { name: 'location' })),
      el('label', {}, 'Symptoms', el('textarea', { name: 'symptoms', rows: 2 })),
      el('label', {}, 'Handling plan', el('textarea', { name: 'handling_plan', rows: 2 })),
      el('label', {}, 'Reason', el('input', { name: 'reason' })),
    ], (v) => ({ location: '', symptoms: '', handling_plan: '', ...v, occurred_at: instant(v.occurred_at) }));
  }
}
