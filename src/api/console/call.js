// Registering a call: find the customer as you type (name, phone, contact or serial number), pick
// the contact, the site and the asset (its warranty shown), say what the call is about, and see
// the due times the ticket will get (a preview the API computes) and the open tickets of the same
// asset before saving — the call then joins one of them, or is registered as a new matter with
// the reason why.

import * as api from './api.js';
import { add, t, term } from './i18n.js';
import { el, notice, showError, clearErrors, values, timeEl, data, localDay } from './ui.js';
import * as names from './names.js';
import { customerPicker } from './lookup.js';

add({
  en: {
    'call.title': 'Register a call',
    'call.customer': 'Customer',
    'call.contact': 'Contact',
    'call.site': 'Site',
    'call.asset': 'Asset',
    'call.none': 'none',
    'call.pick_customer': 'Find the customer first.',
    'call.kind': 'Kind',
    'call.channel': 'Channel',
    'call.priority': 'Priority',
    'call.subject': 'Title',
    'call.description': 'What the customer says',
    'call.suggestions': 'Knowledge base articles that may answer it',
    'call.submit': 'Register',
    'call.reset': 'Start again',
    'call.warranty_until': 'Under warranty until {date}.',
    'call.warranty_ended': 'Out of warranty since {date}.',
    'call.warranty_unknown': 'Warranty not recorded.',
    'call.preview': 'Due times if registered now',
    'call.preview_wait': 'Pick the customer to see the due times.',
    'call.preview_for': '{tier} customer, {class} site.',
    'call.due.response_due_at': 'Response',
    'call.due.hotline_due_at': 'Hotline limit',
    'call.due.remote_due_at': 'Remote limit',
    'call.due.arrival_due_at': 'Arrival on site',
    'call.due.resolution_due_at': 'Resolution',
    'call.due.callback_due_at': 'Callback',
    'call.repeat': 'Open tickets of the same asset',
    'call.repeat_none': 'No open ticket of this asset or site.',
    'call.repeat_join': 'The same matter: add the call to {number}',
    'call.repeat_new': 'Another matter: register a new ticket because…',
    'call.unrelated_reason': 'Why it is another matter',
    'call.registered': 'Registered {number}.',
    'call.added': 'The call was added to {number}.',
    'field.customer_id': 'Customer', 'field.contact_id': 'Contact', 'field.site_id': 'Site', 'field.asset_id': 'Asset',
    'field.kind': 'Kind', 'field.priority': 'Priority', 'field.title': 'Title', 'field.description': 'Description',
    'field.unrelated_reason': 'Why it is another matter', 'field.related_ticket_id': 'Ticket', 'field.q': 'Search',
    'call.complaint': 'What the complaint is about',
    'call.complaint_kind': 'About',
    'call.complaint_which': 'Which one',
    'call.complaint_pick': 'pick one',
    'complaint_subject.ticket': 'a ticket', 'complaint_subject.visit': 'a visit',
    'complaint_subject.technician': 'a technician', 'complaint_subject.staff': 'a staff member',
    'field.complaint_subject': 'What the complaint is about', 'field.complaint_subject.id': 'Which one',
  },
  zh: {
    'call.title': '登记来电',
    'call.customer': '客户',
    'call.contact': '联系人',
    'call.site': '地点',
    'call.asset': '设备',
    'call.none': '无',
    'call.pick_customer': '请先查找客户。',
    'call.kind': '类别',
    'call.channel': '渠道',
    'call.priority': '优先级',
    'call.subject': '标题',
    'call.description': '客户描述',
    'call.suggestions': '可能解答此问题的知识库文章',
    'call.submit': '登记',
    'call.reset': '重新开始',
    'call.warranty_until': '保修期至 {date}。',
    'call.warranty_ended': '已于 {date} 过保。',
    'call.warranty_unknown': '未记录保修期。',
    'call.preview': '若现在登记的时限',
    'call.preview_wait': '选择客户后显示时限。',
    'call.preview_for': '{tier}客户，{class}地点。',
    'call.due.response_due_at': '响应',
    'call.due.hotline_due_at': '热线时限',
    'call.due.remote_due_at': '远程时限',
    'call.due.arrival_due_at': '到场',
    'call.due.resolution_due_at': '解决',
    'call.due.callback_due_at': '回电',
    'call.repeat': '同一设备的未结工单',
    'call.repeat_none': '该设备或地点没有未结工单。',
    'call.repeat_join': '同一事项：将来电并入 {number}',
    'call.repeat_new': '另一事项：登记新工单，原因是……',
    'call.unrelated_reason': '为何是另一事项',
    'call.registered': '已登记 {number}。',
    'call.added': '来电已并入 {number}。',
    'field.customer_id': '客户', 'field.contact_id': '联系人', 'field.site_id': '地点', 'field.asset_id': '设备',
    'field.kind': '类别', 'field.priority': '优先级', 'field.title': '标题', 'field.description': '描述',
    'field.unrelated_reason': '为何是另一事项', 'field.related_ticket_id': '工单', 'field.q': '搜索',
    'call.complaint': '投诉对象',
    'call.complaint_kind': '投诉针对',
    'call.complaint_which': '具体对象',
    'call.complaint_pick': '请选择',
    'complaint_subject.ticket': '工单', 'complaint_subject.visit': '上门服务',
    'complaint_subject.technician': '工程师', 'complaint_subject.staff': '员工',
    'field.complaint_subject': '投诉对象', 'field.complaint_subject.id': '具体对象',
  },
});

const $ = (id) => document.getElementById(id);
const SUBJECTS = ['ticket', 'visit', 'technician', 'staff'];
const DUES = ['response_due_at', 'hotline_due_at', 'remote_due_at', 'arrival_due_at', 'resolution_due_at', 'callback_due_at'];
const option = (value, text, selected) => el('option', { value, selected: !!selected }, text);
const dataOption = (value, text) => el('option', { value, translate: 'no' }, text);

export class CallForm {
  constructor(user) {
    this.user = user;
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.assets = [];
    this.timer = null;
    this.asked = 0;
    this.subjectsAsked = 0;
    this.build();
  }

  async show() {
    if (!this.zoneRead) {
      this.zone = await names.zone();
      this.zoneRead = true;
    }
    this.picker.input.focus();
  }

  build() {
    const form = $('call-form');
    this.picker = customerPicker('customer_id', { id: 'call-customer' });
    this.picker.onPick((m) => this.pickCustomer(m));
    const labelled = (key, control) => el('label', {}, t(key), control);
    form.replaceChildren(
      labelled('call.customer', this.picker.node),
      labelled('call.contact', el('select', { name: 'contact_id', id: 'call-contact' }, option('', t('call.none')))),
      labelled('call.site', el('select', { name: 'site_id', id: 'call-site', onchange: () => this.fillAssets() }, option('', t('call.none')))),
      labelled('call.asset', el('select', { name: 'asset_id', id: 'call-asset', onchange: () => { this.showWarranty(); this.preview(); } }, option('', t('call.none')))),
      el('p', { id: 'call-warranty', class: 'muted' }),
      labelled('call.kind', el('select', { name: 'kind', onchange: () => { this.showComplaint(); this.preview(); } }, ['fault', 'enquiry', 'complaint', 'suggestion'].map((k) => option(k, term('kind', k))))),
      el('fieldset', { id: 'call-complaint', hidden: true },
        el('legend', {}, t('call.complaint')),
        labelled('call.complaint_kind', el('select', { name: 'complaint_subject', id: 'call-subject-kind', onchange: () => this.fillSubjects() },
          SUBJECTS.map((k) => option(k, t(`complaint_subject.${k}`))))),
        labelled('call.complaint_which', el('select', { name: 'complaint_subject.id', id: 'call-subject-id' }, option('', t('call.complaint_pick'))))),
      labelled('call.channel', el('select', { name: 'channel', onchange: () => this.preview() }, ['phone', 'email', 'web'].map((c) => option(c, term('channel', c))))),
      labelled('call.priority', el('select', { name: 'priority', onchange: () => this.preview() }, ['p1', 'p2', 'p3', 'p4'].map((p) => option(p, term('priority', p), p === 'p3')))),
      labelled('call.subject', el('input', { name: 'title', maxLength: 200, size: 40, oninput: () => this.suggestSoon() })),
      labelled('call.description', el('textarea', { name: 'description', rows: 4, cols: 40, maxLength: 10000, oninput: () => this.suggestSoon() })),
      el('div', { id: 'call-suggestions', class: 'suggestions', 'aria-live': 'polite', hidden: true }),
      el('fieldset', { id: 'call-repeat', class: 'repeat', hidden: true }),
      el('div', { class: 'buttons' },
        el('button', { type: 'submit', class: 'primary', id: 'call-submit' }, t('call.submit')),
        el('button', { type: 'button', onclick: () => this.reset() }, t('call.reset'))),
      el('p', { class: 'form-error', role: 'alert' }),
    );
    form.onsubmit = (e) => {
      e.preventDefault();
      this.submit();
    };
    this.renderSide(null);
  }

  /** A complaint names its subject: the choices shown only for a complaint. */
  showComplaint() {
    const complaint = values($('call-form')).kind === 'complaint';
    $('call-complaint').hidden = !complaint;
    if (complaint) this.fillSubjects();
  }

  /** The customer's tickets or visits, the technicians or the staff, by name. */
  async fillSubjects() {
    const kind = $('call-subject-kind').value;
    const customer = values($('call-form')).customer_id;
    const box = $('call-subject-id');
    const mine = ++this.subjectsAsked;
    let choices = [];
    if (kind === 'technician' || kind === 'staff') {
      const all = await names.colleagues();
      choices = all.filter((u) => (kind === 'technician') === (u.role === 'technician'))
        .map((u) => dataOption(u.id, `${u.display_name} · ${term('role', u.role)}`));
    } else if (customer) {
      const tickets = (await api.get('/tickets', { customer_id: customer, limit: 50 }).catch(() => ({ items: [] }))).items;
      if (kind === 'ticket') {
        choices = tickets.map((x) => dataOption(x.id, `${x.number} · ${x.title}`));
      } else {
        const visits = await Promise.all(tickets.filter((x) => x.ladder_tier === 'onsite')
          .map((x) => api.getAll('/visits', { ticket_id: x.id }).then((vs) => vs.map((v) => ({ v, x }))).catch(() => [])));
        choices = visits.flat().map(({ v, x }) => el('option', { value: v.id, translate: 'no' },
          `${x.number} · ${new Date(v.window_start).toLocaleString()}${v.technician_name ? ` · ${v.technician_name}` : ''}`));
      }
    }
    if (mine === this.subjectsAsked) box.replaceChildren(option('', t('call.complaint_pick')), ...choices);
  }

  /** Asks the knowledge base for articles matching the title and description, once typing pauses. */
  suggestSoon() {
    clearTimeout(this.suggestTimer);
    this.suggestTimer = setTimeout(() => this.suggest(), 400);
  }

  async suggest() {
    const form = $('call-form');
    const text = [form.elements.title.value, form.elements.description.value].join(' ').trim().slice(0, 4000);
    const box = $('call-suggestions');
    const asked = (this.suggestAsked = (this.suggestAsked || 0) + 1);
    const hits = text.length < 2 ? [] : await api.post('/knowledge/suggestions', { text }).catch(() => []);
    if (asked !== this.suggestAsked || !box) return;
    box.hidden = hits.length === 0;
    box.replaceChildren(el('strong', {}, t('call.suggestions')),
      el('ul', {}, hits.map((h) => el('li', { 'data-article': h.id },
        el('a', { href: `#knowledge/${h.id}` }, data(h.title)), ' ', el('span', { class: 'muted' }, data(h.excerpt))))));
  }

  reset() {
    this.build();
    this.picker.input.focus();
  }

  async pickCustomer(m) {
    const id = m.customer_id;
    const [contacts, sites, assets] = await Promise.all([
      api.getAll(`/customers/${id}/contacts`).catch(() => []),
      api.getAll('/sites', { customer_id: id }).catch(() => []),
      api.getAll('/assets', { customer_id: id }).catch(() => []),
    ]);
    this.assets = assets;
    if (!$('call-complaint').hidden) this.fillSubjects();
    $('call-contact').replaceChildren(option('', t('call.none')), ...contacts.map((c) => dataOption(c.id, [c.name, c.phone].filter(Boolean).join(' · '))));
    $('call-site').replaceChildren(option('', t('call.none')), ...sites.map((s) => dataOption(s.id, s.name)));
    if (m.contact_id) $('call-contact').value = m.contact_id;
    else if (contacts.length === 1) $('call-contact').value = contacts[0].id;
    const asset = m.asset_id ? assets.find((a) => a.id === m.asset_id) : null;
    const site = m.site_id ?? asset?.site_id ?? (sites.length === 1 ? sites[0].id : null);
    if (site) $('call-site').value = site;
    this.fillAssets(m.asset_id);
  }

  fillAssets(chosen) {
    const site = Number($('call-site').value) || null;
    const list = this.assets.filter((a) => !site || a.site_id === site);
    $('call-asset').replaceChildren(option('', t('call.none')), ...list.map((a) => dataOption(a.id, `${a.model} · ${a.serial_number}`)));
    if (chosen && list.some((a) => a.id === chosen)) $('call-asset').value = chosen;
    else if (list.length === 1) $('call-asset').value = list[0].id;
    this.showWarranty();
    this.preview();
  }

  showWarranty() {
    const a = this.assets.find((x) => x.id === Number($('call-asset').value));
    const line = $('call-warranty');
    if (!a) {
      line.replaceChildren();
      return;
    }
    const today = localDay(new Date(), this.zone);
    const date = a.warranty_end ? el('time', { dateTime: a.warranty_end }, a.warranty_end) : null;
    if (!date) line.replaceChildren(t('call.warranty_unknown'));
    else {
      const key = a.warranty_end >= today ? 'call.warranty_until' : 'call.warranty_ended';
      const [before, after] = t(key, { date: '\u0000' }).split('\u0000');
      line.replaceChildren(before, date, after);
    }
    line.dataset.warranty = a.warranty_end && a.warranty_end >= today ? 'in' : 'out';
  }

  /** The body as it would be registered. */
  body() {
    const v = values($('call-form'));
    const body = {
      customer_id: v.customer_id === undefined ? undefined : Number(v.customer_id),
      contact_id: v.contact_id ? Number(v.contact_id) : undefined,
      site_id: v.site_id ? Number(v.site_id) : undefined,
      asset_id: v.asset_id ? Number(v.asset_id) : undefined,
      kind: v.kind,
      channel: v.channel,
      priority: v.priority,
      title: v.title,
      description: v.description,
    };
    if (v.kind === 'complaint') {
      // Nothing picked: the API names the field that is missing.
      body.complaint_subject = v['complaint_subject.id'] ? { kind: v.complaint_subject, id: Number(v['complaint_subject.id']) } : undefined;
    }
    if (v.repeat && v.repeat !== 'new') body.related_ticket_id = Number(v.repeat);
    if (v.repeat === 'new') body.unrelated_reason = v.unrelated_reason;
    return body;
  }

  /** Asks the API for the due times (and the open tickets of the asset) a moment after a change. */
  preview() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.askPreview(), 200);
  }

  async askPreview() {
    const b = this.body();
    if (!b.customer_id) {
      this.renderSide(null);
      return;
    }
    const mine = ++this.asked;
    try {
      // The texts do not change the due times; the preview needs some.
      const p = await api.post('/tickets/preview', { ...b, title: b.title || '-', description: b.description || '-', related_ticket_id: undefined, unrelated_reason: undefined, complaint_subject: undefined });
      if (mine === this.asked) {
        this.renderSide(p);
        this.renderRepeat(p.open_tickets || []);
      }
    } catch (err) {
      if (mine === this.asked) this.renderSide({ error: err });
    }
  }

  renderSide(p) {
    const side = $('call-side');
    if (!p) {
      side.replaceChildren(el('h2', {}, t('call.preview')), el('p', { class: 'muted' }, t('call.preview_wait')));
      return;
    }
    if (p.error) {
      const form = $('call-form');
      showError(form, p.error);
      return;
    }
    side.replaceChildren(
      el('h2', {}, t('call.preview')),
      p.customer_tier ? el('p', {}, t('call.preview_for', { tier: term('customer_tier', p.customer_tier), class: term('region_class', p.region_class) })) : '',
      el('ul', { id: 'call-dues' }, DUES.filter((k) => p[k]).map((k) => el('li', { 'data-due': k }, el('span', {}, t(`call.due.${k}`)), ': ', timeEl(p[k], this.zone, true)))),
    );
  }

  renderRepeat(open) {
    const box = $('call-repeat');
    if (!open.length) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    const chosen = values($('call-form')).repeat;
    const choice = (value, label, extra) => el('label', { class: 'choice' },
      el('input', { type: 'radio', name: 'repeat', value, checked: chosen === value }), label, extra);
    box.replaceChildren(
      el('legend', {}, t('call.repeat')),
      ...open.map((x) => {
        const [before, after] = t('call.repeat_join', { number: '\u0000' }).split('\u0000');
        return choice(String(x.id), el('span', {}, before, data(x.number), after), data(` ${x.title} (${term('status', x.status)})`, 'span', { class: 'muted' }));
      }),
      choice('new', t('call.repeat_new')),
      el('label', {}, t('call.unrelated_reason'), el('input', { name: 'unrelated_reason', maxLength: 2000, size: 40 })),
    );
    box.hidden = false;
  }

  async submit() {
    const form = $('call-form');
    clearErrors(form);
    const button = $('call-submit');
    button.disabled = true;
    const body = this.body();
    try {
      if (body.related_ticket_id) {
        // The same matter: the call goes into that ticket's timeline instead of a second ticket.
        const note = [body.title, body.description].filter(Boolean).join(' — ');
        const x = await api.post(`/tickets/${body.related_ticket_id}/contact`, { channel: body.channel, note });
        notice(t('call.added', { number: x.number }));
        this.reset();
        location.hash = `#tickets/${x.id}`;
        return;
      }
      const x = await api.post('/tickets', body);
      notice(t('call.registered', { number: x.number }));
      this.reset();
      location.hash = `#tickets/${x.id}`;
    } catch (err) {
      if (err.code === 'open_tickets_exist' && err.openTickets) this.renderRepeat(err.openTickets);
      showError(form, err);
    } finally {
      button.disabled = false;
    }
  }
}
