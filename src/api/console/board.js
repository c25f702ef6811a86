// The dispatch board: the on-site registrations waiting for a visit (most urgent first), today's
// and tomorrow's open visits by region (unassigned first, soonest SLA due first), each with its
// SLA due time and slack; the map of regions, sites and technicians; a visit's candidates with the
// reasons for their ranking; assign, reassign, unassign, auto-assign, reschedule and cancel. It
// polls the API while it is shown.

import * as api from './api.js';
import { add, t, term, day, number, minutes, current, errorText, translatePage } from './i18n.js';
import { el, notice, showError, clearErrors, values, instant, timeEl, data, localDay } from './ui.js';
import * as names from './names.js';
import * as map from './map.js';

add({
  en: {
    'board.title': 'Dispatch board',
    'board.region': 'Region',
    'board.every_region': 'every region',
    'board.no_region': 'Outside every region',
    'board.updated': 'updated',
    'board.legend.ok': 'on time',
    'board.legend.risk': 'at risk',
    'board.legend.breached': 'breached',
    'board.today': 'Today',
    'board.tomorrow': 'Tomorrow',
    'board.other_day': 'Selected visit\'s day',
    'board.no_visits': 'No open visits.',
    'board.inspection_title': 'Inspection {id}',
    'board.visit_title': 'Visit {id}',
    'board.sla_due': 'SLA due',
    'board.window': 'Window',
    'board.unassigned': 'Unassigned',
    'board.slack_left': '{time} left',
    'board.slack_breached': 'breached {time} ago',
    'board.flagged': 'flagged to dispatch: SLA breached',
    'board.waiting.title': 'Waiting for dispatch',
    'board.waiting.none': 'No registration is waiting for a visit.',
    'board.waiting.due': 'Arrival due',
    'board.waiting.resolution_due': 'Resolution due',
    'board.waiting.no_due': 'no due time',
    'board.plan.open': 'Plan visit',
    'board.plan.skill': 'Skill needed (optional)',
    'board.plan.level': 'Level needed',
    'board.plan.submit': 'Plan the visit',
    'board.plan.close': 'Close',
    'board.plan.done': 'Visit planned for {number}; pick who goes.',
    'board.pick': 'Pick a visit to see who can take it.',
    'board.f.site': 'Site',
    'board.f.window': 'Window',
    'board.f.due': 'SLA due',
    'board.f.skill': 'Skill',
    'board.f.technician': 'Technician',
    'board.f.agreed': 'Window agreed with',
    'board.needs': '{skill}, level {level} or higher',
    'board.no_skill': 'any technician',
    'board.not_booked': 'Not booked yet.',
    'board.agreed_via': 'by {via}',
    'board.reason_optional': 'Reason (optional)',
    'board.unassign': 'Unassign',
    'board.auto_assign': 'Auto-assign',
    'board.ranking': 'Ranking the candidates…',
    'board.candidates': 'Candidates, best first',
    'board.nobody': 'Nobody can take this visit',
    'board.searched': 'searched within {km} km',
    'board.suggested': 'suggested',
    'board.assign': 'Assign',
    'board.reassign': 'Reassign',
    'board.booked': 'booked',
    'board.cannot_go': 'Cannot go',
    'board.reason.position': '{km} km from the last position, about {min} min away',
    'board.reason.home': '{km} km from the home base (no recent position), about {min} min away',
    'board.reason.skill': '{skill} level {has} (needs {needs})',
    'board.reason.load': '{n} of {capacity} visits booked that day',
    'board.reason.load_count': '{n} visits booked that day',
    'board.reason.late': 'would arrive {time} after the SLA due time',
    'board.reason.slack': '{time} of SLA slack at arrival',
    'board.excluded.missing_skill': 'lacks the skill {skill}',
    'board.excluded.level_too_low': '{skill} level {has}, needs {needs}',
    'board.excluded.not_on_shift': 'not on shift or on duty in the window',
    'board.excluded.outside_region': 'does not serve the site\'s region',
    'board.excluded.double_booked': 'already booked in the window',
    'board.excluded.at_capacity': 'has no visit left that day',
    'board.excluded.other': 'cannot take it',
    'board.booked_notice': 'Booked {name}.',
    'board.back_in_queue': 'The visit is back in the queue.',
    'board.map.pick_first': 'Pick a visit first (on the map or in the lists), then the technician who goes.',
    'board.map.is_booked': '{name} is already booked on this visit.',
    'board.map.excluded': '{name} cannot go: {reason}.',
    'board.map.not_candidate': '{name} is not among the candidates for this visit.',
    'board.map.candidate': '{name}: press Assign to book them.',
    'board.reschedule.open': 'Reschedule',
    'board.reschedule.start': 'New window from',
    'board.reschedule.end': 'until',
    'board.reschedule.agreed_with': 'Agreed with (customer\'s contact)',
    'board.reschedule.agreed_at': 'Agreed at',
    'board.reschedule.agreed_via': 'Agreed by',
    'board.reschedule.reason': 'Reason (optional)',
    'board.reschedule.release': 'Take the technician off (the visit goes back to the queue)',
    'board.reschedule.submit': 'Move the visit',
    'board.reschedule.zone': 'Times in your browser\'s time zone ({zone}).',
    'board.reschedule.done': 'The visit was moved to the new window.',
    'board.cancel.open': 'Cancel the visit',
    'board.cancel.reason': 'Reason',
    'board.cancel.registration': 'The customer needs no visit any more (cancel the registration too)',
    'board.cancel.submit': 'Cancel the visit',
    'board.cancel.done': 'The visit was cancelled.',
    'board.cancel.done_open': 'The visit was cancelled; its registration is waiting for dispatch again.',
  },
  zh: {
    'board.title': '调度看板',
    'board.region': '区域',
    'board.every_region': '全部区域',
    'board.no_region': '不属于任何区域',
    'board.updated': '更新于',
    'board.legend.ok': '按时',
    'board.legend.risk': '有风险',
    'board.legend.breached': '已超时',
    'board.today': '今天',
    'board.tomorrow': '明天',
    'board.other_day': '所选上门的日期',
    'board.no_visits': '没有未完成的上门。',
    'board.inspection_title': '巡检 {id}',
    'board.visit_title': '上门 {id}',
    'board.sla_due': 'SLA 截止',
    'board.window': '时段',
    'board.unassigned': '未派工',
    'board.slack_left': '剩余 {time}',
    'board.slack_breached': '已超时 {time}',
    'board.flagged': '已提交调度：SLA 已超时',
    'board.waiting.title': '待调度',
    'board.waiting.none': '没有等待安排上门的登记。',
    'board.waiting.due': '到场截止',
    'board.waiting.resolution_due': '解决截止',
    'board.waiting.no_due': '无截止时间',
    'board.plan.open': '安排上门',
    'board.plan.skill': '所需技能（可选）',
    'board.plan.level': '所需级别',
    'board.plan.submit': '创建上门',
    'board.plan.close': '关闭',
    'board.plan.done': '已为 {number} 创建上门，请选择派谁去。',
    'board.pick': '选择一个上门，查看可派的工程师。',
    'board.f.site': '地点',
    'board.f.window': '时段',
    'board.f.due': 'SLA 截止',
    'board.f.skill': '技能',
    'board.f.technician': '工程师',
    'board.f.agreed': '时段确认人',
    'board.needs': '{skill}，{level} 级及以上',
    'board.no_skill': '任何工程师',
    'board.not_booked': '尚未派工。',
    'board.agreed_via': '通过{via}',
    'board.reason_optional': '原因（可选）',
    'board.unassign': '取消派工',
    'board.auto_assign': '自动派工',
    'board.ranking': '正在为候选人排序…',
    'board.candidates': '候选工程师（最优在前）',
    'board.nobody': '没有工程师可以承接此上门',
    'board.searched': '搜索范围 {km} 公里',
    'board.suggested': '推荐',
    'board.assign': '派工',
    'board.reassign': '改派',
    'board.booked': '已派工',
    'board.cannot_go': '无法前往',
    'board.reason.position': '距最近位置 {km} 公里，约 {min} 分钟可到',
    'board.reason.home': '距常驻地 {km} 公里（暂无最近位置），约 {min} 分钟可到',
    'board.reason.skill': '{skill} {has} 级（需要 {needs} 级）',
    'board.reason.load': '当天已排 {n} 个上门，上限 {capacity} 个',
    'board.reason.load_count': '当天已排 {n} 个上门',
    'board.reason.late': '预计晚于 SLA 截止 {time} 到达',
    'board.reason.slack': '到达时距 SLA 截止还有 {time}',
    'board.excluded.missing_skill': '不具备技能 {skill}',
    'board.excluded.level_too_low': '{skill} {has} 级，需要 {needs} 级',
    'board.excluded.not_on_shift': '该时段不在班或不值班',
    'board.excluded.outside_region': '不负责该地点所在区域',
    'board.excluded.double_booked': '该时段已有安排',
    'board.excluded.at_capacity': '当天已排满',
    'board.excluded.other': '无法承接',
    'board.booked_notice': '已派给 {name}。',
    'board.back_in_queue': '该上门已回到待派工队列。',
    'board.map.pick_first': '请先选择一个上门（在地图或列表中），再选择派去的工程师。',
    'board.map.is_booked': '{name} 已派到此上门。',
    'board.map.excluded': '{name} 无法前往：{reason}。',
    'board.map.not_candidate': '{name} 不在此上门的候选人中。',
    'board.map.candidate': '{name}：按“派工”即可派给此人。',
    'board.reschedule.open': '改约时间',
    'board.reschedule.start': '新时段开始',
    'board.reschedule.end': '结束',
    'board.reschedule.agreed_with': '确认人（客户联系人）',
    'board.reschedule.agreed_at': '确认时间',
    'board.reschedule.agreed_via': '确认方式',
    'board.reschedule.reason': '原因（可选）',
    'board.reschedule.release': '撤下工程师（上门回到待派工队列）',
    'board.reschedule.submit': '改约',
    'board.reschedule.zone': '时间按浏览器所在时区（{zone}）填写。',
    'board.reschedule.done': '上门已改到新时段。',
    'board.cancel.open': '取消上门',
    'board.cancel.reason': '原因',
    'board.cancel.registration': '客户不再需要上门（同时取消登记）',
    'board.cancel.submit': '取消上门',
    'board.cancel.done': '上门已取消。',
    'board.cancel.done_open': '上门已取消，其登记重新进入待调度。',
  },
});

/** Roles that may book technicians, plan, move and cancel visits (the API answers 403 to the others). */
const ASSIGNERS = ['dispatcher', 'supervisor', 'admin'];
const POLL_MS = 10000;
/** Less than this before the SLA due time is "at risk". */
const AT_RISK_MINUTES = 120;
/** The excluded technicians' reasons as the API words them, and their texts here. */
const EXCLUSIONS = [
  [/^lacks the skill (.+)$/, (m) => t('board.excluded.missing_skill', { skill: m[1] })],
  [/^(.+) level (\d+), needs (\d+)$/, (m) => t('board.excluded.level_too_low', { skill: m[1], has: m[2], needs: m[3] })],
  [/^not on shift/, () => t('board.excluded.not_on_shift')],
  [/^does not serve/, () => t('board.excluded.outside_region')],
  [/^already booked/, () => t('board.excluded.double_booked')],
  [/^has no visit left/, () => t('board.excluded.at_capacity')],
];

const $ = (id) => document.getElementById(id);

/** `ok`, `risk` or `breached`: how work due at `due` stands, done in a window ending at `windowEnd`. */
export function standing(due, windowEnd, now) {
  if (!due) return 'ok';
  const at = Date.parse(due);
  if (at <= now) return 'breached';
  if (at - now < AT_RISK_MINUTES * 60000 || (windowEnd && Date.parse(windowEnd) > at)) return 'risk';
  return 'ok';
}

/** How a board entry stands against its SLA due time. */
export function slack(entry, now) {
  return standing(entry.sla_due_at, entry.visit.window_end, now);
}

/** The slack as people read it: "2 h 5 min left" or "breached 10 min ago". */
function slackText(due, now) {
  const left = (Date.parse(due) - now) / 60000;
  return left <= 0 ? t('board.slack_breached', { time: minutes(left) }) : t('board.slack_left', { time: minutes(left) });
}

function nextDay(ymd) {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** A moment as a `datetime-local` value in the browser's zone. */
function localInput(date) {
  const p = (n) => String(n).padStart(2, '0');
  const d = new Date(date);
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function visitTitle(v, entry) {
  if (entry.ticket_number) return entry.ticket_number;
  return v.inspection_id ? t('board.inspection_title', { id: v.inspection_id }) : t('board.visit_title', { id: v.id });
}

/** The title as data (a ticket's number) or as a text of the console. */
function titleNode(v, entry, tag) {
  return entry.ticket_number ? data(entry.ticket_number, tag) : el(tag, {}, visitTitle(v, entry));
}

function excludedText(reason) {
  for (const [re, text] of EXCLUSIONS) {
    const m = re.exec(reason);
    if (m) return text(m);
  }
  return t('board.excluded.other');
}

/** Enter or Space on a focusable item does what its click does. */
function pressable(act) {
  return {
    tabIndex: 0,
    onclick: act,
    onkeydown: (ev) => {
      if (ev.target !== ev.currentTarget) return;
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        act();
      }
    },
  };
}

export class Board {
  constructor(user) {
    this.user = user;
    this.canAssign = ASSIGNERS.includes(user.role);
    this.zone = null;
    this.regions = null;
    this.regionsLang = null;
    this.sites = new Map();
    this.customers = new Map();
    this.technicians = [];
    this.entries = new Map();
    this.days = [];
    this.waiting = [];
    this.waitingKey = null;
    this.planning = null;
    this.selected = null;
    this.selectedDay = null;
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

  /**
   * Loads and draws the board. While a load runs, one more is queued after it (however many
   * ask); the promise settles once a load started after the call is drawn.
   */
  refresh() {
    if (this.running) {
      this.next ??= this.running.then(() => {
        this.next = null;
        return this.refresh();
      });
      return this.next;
    }
    this.running = this.load().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async load() {
    const selected = this.selected;
    try {
      if (!this.zone) {
        this.zone = await names.zone();
      }
      if (!this.regions) this.regions = await api.getAll('/regions');
      this.regionOptions();
      const today = localDay(new Date(), this.zone);
      const tomorrow = nextDay(today);
      const region_id = $('board-region').value;
      const days = [
        { id: 'today', day: today },
        { id: 'tomorrow', day: tomorrow },
      ];
      if (this.selectedDay && this.selectedDay > tomorrow) days.push({ id: 'other', day: this.selectedDay });
      const [boards, technicians, waiting] = await Promise.all([
        Promise.all(days.map((d) => api.get('/dispatch/board', { day: d.day, region_id }))),
        api.getAll('/technicians'),
        this.loadWaiting(region_id),
      ]);
      this.technicians = technicians;
      this.waiting = waiting;
      this.days = days.map((d, i) => ({ ...d, entries: boards[i] }));
      const all = boards.flat();
      this.entries = new Map(all.map((e) => [e.visit.id, e]));
      await this.loadSites(all.map((e) => e.visit.site_id));
      // A visit gone from the board is no longer selected (unless another was picked meanwhile).
      if (this.selected && this.selected === selected && !this.entries.has(this.selected)) {
        this.selected = null;
        this.selectedDay = null;
        this.candidates = null;
      }
      const key = this.selectedKey();
      if (this.selected && key !== this.panelKey) await this.loadCandidates();
      this.render();
      this.refreshes += 1;
      const stamp = $('board-updated');
      stamp.replaceChildren(t('board.updated'), ' ', timeEl(new Date().toISOString(), this.zone));
      stamp.dataset.refreshes = this.refreshes;
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  /** The region filter's options, drawn again when the language changes. */
  regionOptions() {
    if (this.regionsLang === current()) return;
    const select = $('board-region');
    const value = select.value;
    select.replaceChildren(
      el('option', { value: '' }, t('board.every_region')),
      ...this.regions.map((r) => el('option', { value: r.id, translate: 'no' }, r.name)),
    );
    select.value = value;
    this.regionsLang = current();
    translatePage($('view-board'));
    $('map-legend').replaceChildren(map.legend());
  }

  /**
   * The on-site registrations waiting for a visit, with their tickets (due times, customer, site),
   * the most urgent first: by the arrival due time, then the resolution due time.
   */
  async loadWaiting(region_id) {
    const requests = await api.getAll('/onsite-requests', { status: 'open' });
    const tickets = await Promise.all(requests.map((r) => api.get(`/tickets/${r.ticket_id}`).catch(() => null)));
    let items = requests.map((r, i) => ({ request: r, ticket: tickets[i] })).filter((w) => w.ticket);
    if (region_id) items = items.filter((w) => String(w.ticket.region_id) === String(region_id));
    await Promise.all([
      this.loadSites(items.filter((w) => !w.ticket.site_name).map((w) => w.ticket.site_id)),
      this.loadCustomers(items.filter((w) => !w.ticket.customer_name).map((w) => w.ticket.customer_id)),
    ]);
    const at = (iso) => (iso ? Date.parse(iso) : Infinity);
    items.sort(
      (a, b) =>
        at(a.ticket.arrival_due_at) - at(b.ticket.arrival_due_at) ||
        at(a.ticket.resolution_due_at) - at(b.ticket.resolution_due_at) ||
        a.request.id - b.request.id,
    );
    return items;
  }

  async loadSites(ids) {
    const missing = [...new Set(ids.filter((id) => id && !this.sites.has(id)))];
    const found = await Promise.all(missing.map((id) => api.get(`/sites/${id}`).catch(() => null)));
    for (const s of found) if (s) this.sites.set(s.id, s);
  }

  async loadCustomers(ids) {
    const missing = [...new Set(ids.filter((id) => id && !this.customers.has(id)))];
    const found = await Promise.all(missing.map((id) => api.get(`/customers/${id}`).catch(() => null)));
    for (const c of found) if (c) this.customers.set(c.id, c);
  }

  /** What the panel shows of the selected visit: it is drawn again only when this changes. */
  selectedKey() {
    const e = this.selected && this.entries.get(this.selected);
    return e ? `${e.visit.id}:${e.visit.version}:${e.visit.technician_id}:${current()}` : null;
  }

  async loadCandidates() {
    const key = this.selectedKey();
    try {
      this.candidates = await api.get('/dispatch/candidates', { visit: this.selected });
    } catch (err) {
      this.candidates = { error: err };
    }
    // The panel drawn for this visit keeps its open forms: only its candidates are drawn again.
    const box = $('candidates-box');
    const e = this.selected && this.entries.get(this.selected);
    if (box && e && this.panelKey === key && key === this.selectedKey()) {
      this.fillCandidates(box, e.visit, $('visit-actions'));
    } else {
      this.renderPanel();
    }
  }

  async select(id) {
    this.selected = id;
    const e = this.entries.get(id);
    if (e) this.selectedDay = localDay(new Date(e.visit.window_start), this.zone);
    this.candidates = null;
    this.render();
    await this.loadCandidates();
    this.renderMap();
  }

  technician(id) {
    return this.technicians.find((x) => x.user_id === id);
  }

  technicianName(id) {
    const x = this.technician(id);
    return x ? x.display_name : String(id);
  }

  render() {
    const view = $('view-board');
    const focused = view.contains(document.activeElement) ? document.activeElement.getAttribute('data-key') : null;
    const now = Date.now();
    this.renderWaiting(now);
    this.renderDays(now);
    this.renderMap();
    if (this.selectedKey() !== this.panelKey || !this.selected) this.renderPanel();
    if (focused && !view.contains(document.activeElement)) view.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  }

  renderDays(now) {
    const regionName = new Map((this.regions || []).map((r) => [r.id, r.name]));
    const other = $('day-other-box');
    other.hidden = !this.days.some((d) => d.id === 'other');
    for (const d of this.days) {
      $(`day-${d.id}`).replaceChildren(t(`board.${d.id === 'other' ? 'other_day' : d.id}`), ' ', el('time', { dateTime: d.day }, day(d.day)));
      const groups = new Map();
      for (const e of d.entries) {
        const id = e.visit.region_id ?? 0;
        if (!groups.has(id)) groups.set(id, []);
        groups.get(id).push(e);
      }
      const box = $(`board-${d.id}`);
      if (d.entries.length === 0) {
        box.replaceChildren(el('p', { class: 'muted' }, t('board.no_visits')));
        continue;
      }
      box.replaceChildren(
        ...[...groups].flatMap(([id, list]) => [
          regionName.has(id) ? data(regionName.get(id), 'h3') : el('h3', {}, t('board.no_region')),
          el('ul', { 'data-region-id': id || undefined }, byUrgency(list).map((e) => this.card(e, now))),
        ]),
      );
    }
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
        'data-key': `card:${v.id}`,
        'data-status': v.status,
        'data-slack': s,
        'data-due': e.sla_due_at,
        'data-technician-id': v.technician_id ?? undefined,
        'data-unassigned': v.technician_id ? undefined : 'true',
        'aria-current': v.id === this.selected ? 'true' : undefined,
        ...pressable(() => this.select(v.id)),
      },
      el('div', { class: 'line' }, titleNode(v, e, 'strong'), el('span', { class: 'badge' }, term('priority', e.priority))),
      el('div', { class: 'line' },
        el('span', {}, timeEl(v.window_start, this.zone), '–', timeEl(v.window_end, this.zone)),
        el('span', {}, t('board.sla_due'), ' ', timeEl(e.sla_due_at, this.zone, true))),
      el('div', { class: 'line' },
        v.technician_id
          ? el('span', { class: 'technician' }, data(this.technicianName(v.technician_id)), ' ', el('span', {}, term('visit_status', v.status)))
          : el('span', { class: 'unassigned' }, t('board.unassigned')),
        el('span', { class: `badge slack-${s}` }, slackText(e.sla_due_at, now))),
      site ? data(site.name, 'div', { class: 'muted' }) : null,
      e.flagged_for_dispatch ? el('div', { class: 'unassigned' }, t('board.flagged')) : null,
    );
  }

  renderWaiting(now) {
    const box = $('waiting-list');
    $('waiting-count').textContent = this.waiting.length ? number(this.waiting.length) : '';
    const key = JSON.stringify([current(), this.planning, this.waiting.map((w) => [w.request.id, w.ticket.version, w.ticket.arrival_due_at])]);
    const minute = Math.floor(now / 60000);
    // Drawn again when the queue changes, and each minute for the slack; not while a visit is
    // being planned unless the queue changed, and then with what was typed in the form kept.
    if (key === this.waitingKey && (this.planning || minute === this.waitingMinute)) return;
    this.waitingKey = key;
    this.waitingMinute = minute;
    const typed = box.querySelector('form.plan');
    const kept = typed ? { skill: typed.required_skill.value, level: typed.required_level.value } : null;
    if (this.waiting.length === 0) {
      box.replaceChildren(el('p', { class: 'muted' }, t('board.waiting.none')));
      return;
    }
    box.replaceChildren(el('ol', { class: 'waiting-list' }, this.waiting.map((w) => this.waitingItem(w, now))));
    const form = box.querySelector('form.plan');
    if (form && kept) {
      form.required_skill.value = kept.skill;
      form.required_level.value = kept.level;
    }
  }

  waitingItem({ request: r, ticket: k }, now) {
    const due = k.arrival_due_at || k.resolution_due_at;
    const s = standing(due, r.window_end, now);
    const site = k.site_name ?? this.sites.get(k.site_id)?.name;
    const customer = k.customer_name ?? this.customers.get(k.customer_id)?.name;
    const open = this.planning === r.id;
    return el('li', { class: `waiting slack-${s}`, 'data-request-id': r.id, 'data-ticket-id': k.id, 'data-slack': s, 'data-due': due || undefined },
      el('div', { class: 'line' }, data(k.number, 'strong'), el('span', { class: 'badge' }, term('priority', k.priority))),
      el('div', { class: 'line' }, customer ? data(customer) : null, site ? data(site, 'span', { class: 'muted' }) : null),
      el('div', { class: 'line' },
        el('span', {}, t('board.window'), ' ', timeEl(r.window_start, this.zone, true), '–', timeEl(r.window_end, this.zone)),
        due
          ? el('span', {}, t(k.arrival_due_at ? 'board.waiting.due' : 'board.waiting.resolution_due'), ' ', timeEl(due, this.zone, true))
          : el('span', { class: 'muted' }, t('board.waiting.no_due'))),
      el('div', { class: 'line' },
        due ? el('span', { class: `badge slack-${s}` }, slackText(due, now)) : el('span'),
        r.flagged_at ? el('span', { class: 'unassigned' }, t('board.flagged')) : null,
        this.canAssign
          ? el('button', {
            type: 'button',
            class: 'plan-open',
            'data-key': `plan:${r.id}`,
            'aria-expanded': open ? 'true' : 'false',
            onclick: () => this.togglePlan(r.id),
          }, t('board.plan.open'))
          : null),
      open ? this.planForm(r, k) : null,
    );
  }

  togglePlan(id) {
    this.planning = this.planning === id ? null : id;
    this.waitingKey = null;
    this.renderWaiting(Date.now());
    const box = $('waiting-list');
    if (this.planning) box.querySelector('form.plan input')?.focus();
    else box.querySelector(`[data-key="plan:${id}"]`)?.focus();
  }

  planForm(r, k) {
    const skills = [...new Set(this.technicians.flatMap((x) => x.skills.map((s) => s.skill)))].sort();
    const skill = el('input', { name: 'required_skill', maxLength: 50, autocomplete: 'off', 'data-key': `plan-skill:${r.id}` });
    skill.setAttribute('list', `board-skills-${r.id}`);
    const form = el('form', { class: 'plan', novalidate: true, 'data-request-id': r.id },
      el('label', {}, el('span', {}, t('board.plan.skill')), skill),
      el('datalist', { id: `board-skills-${r.id}` }, skills.map((s) => el('option', { value: s }))),
      el('label', {}, el('span', {}, t('board.plan.level')),
        el('select', { name: 'required_level', 'data-key': `plan-level:${r.id}` }, [1, 2, 3, 4, 5].map((n) => el('option', { value: n }, number(n))))),
      el('button', { type: 'submit', class: 'primary' }, t('board.plan.submit')),
      el('button', { type: 'button', onclick: () => this.togglePlan(r.id) }, t('board.plan.close')),
      el('p', { class: 'form-error', role: 'alert' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.plan(form, r, k);
    });
    return form;
  }

  async plan(form, r, k) {
    clearErrors(form);
    const v = values(form);
    const body = { onsite_request_id: r.id, required_level: Number(v.required_level || 1) };
    if (v.required_skill) body.required_skill = v.required_skill;
    for (const b of form.querySelectorAll('button')) b.disabled = true;
    try {
      const visit = await api.post('/visits', body);
      this.planning = null;
      this.waitingKey = null;
      notice(t('board.plan.done', { number: k.number }));
      this.selected = visit.id;
      this.selectedDay = localDay(new Date(visit.window_start), this.zone);
      this.candidates = null;
      this.panelKey = null;
      await this.refresh();
      $('view-board').querySelector(`[data-key="card:${visit.id}"]`)?.focus();
    } catch (err) {
      showError(form, err);
      for (const b of form.querySelectorAll('button')) b.disabled = false;
    }
  }

  renderMap() {
    const now = Date.now();
    const candidateIds = new Set((this.candidates?.candidates || []).map((c) => c.technician_id));
    const visits = [];
    for (const e of this.entries.values()) {
      const s = this.sites.get(e.visit.site_id);
      if (!s) continue;
      visits.push({
        id: e.visit.id,
        siteId: s.id,
        siteName: s.name,
        title: visitTitle(e.visit, e),
        lat: s.latitude,
        lon: s.longitude,
        slack: slack(e, now),
        slackText: slackText(e.sla_due_at, now),
        unassigned: !e.visit.technician_id,
        selected: e.visit.id === this.selected,
      });
    }
    const technicians = this.technicians.map((x) => ({
      id: x.user_id,
      name: x.display_name,
      lat: x.last_latitude ?? x.home_latitude,
      lon: x.last_longitude ?? x.home_longitude,
      fromPing: x.last_latitude != null,
      candidate: candidateIds.has(x.user_id),
    }));
    map.draw($('map'), { regions: this.regions || [], visits, technicians }, {
      visit: (id) => this.select(id),
      technician: (id) => this.fromMap(id),
    });
  }

  /** A technician picked on the map: their Assign button in the panel gets the focus. */
  fromMap(id) {
    const name = this.technicianName(id);
    const e = this.selected && this.entries.get(this.selected);
    if (!e || !this.candidates || this.candidates.error) {
      notice(t('board.map.pick_first'));
      return;
    }
    if (e.visit.technician_id === id) {
      notice(t('board.map.is_booked', { name }));
      return;
    }
    const panel = $('visit-panel');
    for (const n of panel.querySelectorAll('.candidate.picked')) n.classList.remove('picked');
    const item = panel.querySelector(`#candidates li.candidate[data-technician-id="${id}"]`);
    if (item) {
      item.classList.add('picked');
      item.scrollIntoView({ block: 'nearest' });
      const button = item.querySelector('button.assign');
      if (button) {
        button.focus();
        notice(t('board.map.candidate', { name }));
      }
      return;
    }
    const x = this.candidates.excluded.find((c) => c.technician_id === id);
    notice(x ? t('board.map.excluded', { name, reason: excludedText(x.reason) }) : t('board.map.not_candidate', { name }));
  }

  renderPanel() {
    const panel = $('visit-panel');
    const e = this.selected && this.entries.get(this.selected);
    if (!e) {
      this.panelKey = null;
      delete panel.dataset.visitId;
      delete panel.dataset.version;
      panel.replaceChildren(el('p', { class: 'muted' }, t('board.pick')));
      return;
    }
    this.panelKey = this.selectedKey();
    const v = e.visit;
    panel.dataset.visitId = v.id;
    panel.dataset.version = v.version;
    const site = this.sites.get(v.site_id);
    const now = Date.now();
    const s = slack(e, now);
    const fact = (key, ...content) => [el('dt', {}, t(key)), el('dd', {}, ...content)];
    const facts = el('dl', { class: 'facts' },
      site ? fact('board.f.site', data(site.name), el('br'), data(site.address, 'span', { class: 'muted' })) : null,
      fact('board.f.window', timeEl(v.window_start, this.zone, true), '–', timeEl(v.window_end, this.zone)),
      fact('board.f.due', timeEl(e.sla_due_at, this.zone, true), ' ', el('span', { class: `badge slack-${s}` }, slackText(e.sla_due_at, now))),
      fact('board.f.skill', v.required_skill ? t('board.needs', { skill: v.required_skill, level: v.required_level }) : t('board.no_skill')),
      fact('board.f.technician', v.technician_id
        ? [data(this.technicianName(v.technician_id)), ' ', el('span', {}, term('visit_status', v.status))]
        : el('span', { class: 'unassigned' }, t('board.not_booked'))),
      v.window_agreed_with
        ? fact('board.f.agreed', data(v.window_agreed_with), ' ',
          v.window_agreed_via ? el('span', {}, t('board.agreed_via', { via: term('agreed_via', v.window_agreed_via) })) : null, ' ',
          timeEl(v.window_agreed_at, this.zone, true))
        : null,
    );
    const form = el('form', { class: 'actions', id: 'visit-actions', novalidate: true, onsubmit: (ev) => ev.preventDefault() });
    if (this.canAssign) {
      form.append(el('label', {}, el('span', {}, t('board.reason_optional')), el('input', { name: 'reason', id: 'assign-reason', maxLength: 2000 })));
      if (v.technician_id) {
        form.append(el('button', { type: 'button', id: 'unassign', onclick: () => this.act(`/visits/${v.id}/unassign`, {}, form) }, t('board.unassign')));
      } else {
        form.append(el('button', { type: 'button', id: 'auto-assign', onclick: () => this.act(`/visits/${v.id}/auto-assign`, {}, form) }, t('board.auto_assign')));
      }
      form.append(el('p', { class: 'form-error', role: 'alert' }));
    }
    const list = el('div', { id: 'candidates-box' });
    this.fillCandidates(list, v, form);
    panel.replaceChildren(
      el('h2', { id: 'visit-title', tabIndex: -1 }, titleNode(v, e, 'span'), ' ', el('span', { class: 'badge' }, term('priority', e.priority))),
      facts,
      form,
      list,
      ...(this.canAssign ? [this.rescheduleForm(v)] : []),
      ...(this.canAssign && v.onsite_request_id ? [this.cancelForm(v)] : []),
    );
  }

  /** The candidates of the selected visit, or that they are being ranked, or why not. */
  fillCandidates(box, v, form) {
    const c = this.candidates;
    if (!c) box.replaceChildren(el('p', { class: 'muted' }, t('board.ranking')));
    else if (c.error) box.replaceChildren(el('p', { class: 'form-error' }, errorText(c.error)));
    else {
      box.replaceChildren(el('div', {},
        el('h3', {}, t(c.candidates.length ? 'board.candidates' : 'board.nobody')),
        c.searched_km != null ? el('p', { class: 'muted' }, t('board.searched', { km: number(c.searched_km, 1) })) : null,
        el('ol', { class: 'candidates', id: 'candidates' }, c.candidates.map((k, i) => this.candidateItem(v, k, i, form))),
        c.excluded.length ? el('h3', {}, t('board.cannot_go')) : null,
        el('ul', { class: 'excluded' }, c.excluded.map((x) => el('li', { 'data-technician-id': x.technician_id },
          data(x.display_name), ' ', el('span', {}, excludedText(x.reason))))),
      ));
    }
  }

  candidateItem(v, k, i, form) {
    const booked = v.technician_id === k.technician_id;
    const profile = this.technician(k.technician_id);
    const km = number(k.distance_km, 1);
    const min = Math.round(k.eta_minutes);
    const reasons = [t(k.from_ping ? 'board.reason.position' : 'board.reason.home', { km, min: number(min) })];
    if (v.required_skill) {
      const has = profile?.skills.find((s) => s.skill === v.required_skill)?.level;
      reasons.push(t('board.reason.skill', { skill: v.required_skill, has: has ?? '–', needs: v.required_level }));
    }
    reasons.push(profile
      ? t('board.reason.load', { n: number(k.visits_that_day), capacity: number(profile.daily_capacity) })
      : t('board.reason.load_count', { n: number(k.visits_that_day) }));
    if (k.sla_slack_minutes != null) {
      reasons.push(k.sla_slack_minutes < 0
        ? t('board.reason.late', { time: minutes(k.sla_slack_minutes) })
        : t('board.reason.slack', { time: minutes(k.sla_slack_minutes) }));
    }
    return el('li', { class: `candidate${i === 0 ? ' suggested' : ''}`, 'data-technician-id': k.technician_id },
      el('div', { class: 'line' },
        el('span', {}, `${number(i + 1)}. `, data(k.display_name, 'strong'), i === 0 ? el('span', { class: 'badge slack-ok' }, t('board.suggested')) : null),
        this.canAssign && !booked
          ? el('button', {
            type: 'button',
            class: 'assign primary',
            'data-technician-id': k.technician_id,
            onclick: () => this.act(`/visits/${v.id}/assign`, { technician_id: k.technician_id }, form),
          }, t(v.technician_id ? 'board.reassign' : 'board.assign'))
          : booked ? el('span', { class: 'badge slack-ok' }, t('board.booked')) : null),
      el('ul', { class: 'reasons' }, reasons.map((r) => el('li', {}, r))));
  }

  rescheduleForm(v) {
    const via = ['phone', 'email', 'on_site', 'web'];
    const field = (key, input) => el('label', {}, el('span', {}, t(key)), input);
    const form = el('form', { class: 'actions reschedule', id: 'reschedule-form', novalidate: true },
      field('board.reschedule.start', el('input', { type: 'datetime-local', name: 'window_start', id: 'reschedule-start', value: localInput(v.window_start) })),
      field('board.reschedule.end', el('input', { type: 'datetime-local', name: 'window_end', id: 'reschedule-end', value: localInput(v.window_end) })),
      field('board.reschedule.agreed_with', el('input', { name: 'agreed_with', id: 'reschedule-agreed-with', maxLength: 200, value: v.window_agreed_with || '' })),
      field('board.reschedule.agreed_at', el('input', { type: 'datetime-local', name: 'agreed_at', id: 'reschedule-agreed-at', value: localInput(Date.now()) })),
      field('board.reschedule.agreed_via', el('select', { name: 'agreed_via', id: 'reschedule-agreed-via' },
        via.map((x) => el('option', { value: x }, term('agreed_via', x))))),
      field('board.reschedule.reason', el('input', { name: 'reason', id: 'reschedule-reason', maxLength: 2000 })),
      v.technician_id
        ? el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'release_technician', id: 'reschedule-release', value: 'true' }), el('span', {}, t('board.reschedule.release')))
        : null,
      el('p', { class: 'muted hint' }, t('board.reschedule.zone', { zone: Intl.DateTimeFormat().resolvedOptions().timeZone })),
      el('button', { type: 'submit', class: 'primary', id: 'reschedule-submit' }, t('board.reschedule.submit')),
      el('p', { class: 'form-error', role: 'alert' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const f = values(form);
      const body = {
        window_start: instant(f.window_start),
        window_end: instant(f.window_end),
        agreed_with: f.agreed_with,
        agreed_at: instant(f.agreed_at),
        agreed_via: f.agreed_via,
        reason: f.reason,
      };
      if (f.release_technician) body.release_technician = true;
      this.change(form, `/visits/${v.id}/reschedule`, body, 'board.reschedule.done');
    });
    return el('details', { class: 'change', id: 'reschedule' }, el('summary', {}, t('board.reschedule.open')), form);
  }

  cancelForm(v) {
    const form = el('form', { class: 'actions cancel', id: 'cancel-form', novalidate: true },
      el('label', {}, el('span', {}, t('board.cancel.reason')), el('input', { name: 'reason', id: 'cancel-reason', maxLength: 2000 })),
      el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'cancel_registration', id: 'cancel-registration', value: 'true' }), el('span', {}, t('board.cancel.registration'))),
      el('button', { type: 'submit', id: 'cancel-submit' }, t('board.cancel.submit')),
      el('p', { class: 'form-error', role: 'alert' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const f = values(form);
      const body = { reason: f.reason ?? '', cancel_registration: !!f.cancel_registration };
      this.change(form, `/visits/${v.id}/cancel`, body, body.cancel_registration ? 'board.cancel.done' : 'board.cancel.done_open');
    });
    return el('details', { class: 'change', id: 'cancel' }, el('summary', {}, t('board.cancel.open')), form);
  }

  /** Sends a change of the visit from one of the panel's forms; errors are shown by their field. */
  async change(form, path, body, done) {
    clearErrors(form);
    for (const b of form.querySelectorAll('button')) b.disabled = true;
    try {
      const visit = await api.post(path, body);
      notice(t(done));
      this.selectedDay = localDay(new Date(visit.window_start), this.zone);
      this.panelKey = null;
      this.waitingKey = null;
      await this.refresh();
      $('visit-title')?.focus();
    } catch (err) {
      showError(form, err);
      for (const b of form.querySelectorAll('button')) b.disabled = false;
    }
  }

  async act(path, body, form) {
    clearErrors(form);
    const reason = values(form).reason;
    for (const b of form.closest('.panel').querySelectorAll('button')) b.disabled = true;
    try {
      const visit = await api.post(path, reason ? { ...body, reason } : body);
      notice(visit.technician_id ? t('board.booked_notice', { name: this.technicianName(visit.technician_id) }) : t('board.back_in_queue'));
      this.panelKey = null;
      await this.refresh();
      $('visit-title')?.focus();
    } catch (err) {
      showError(form, err);
      for (const b of form.closest('.panel').querySelectorAll('button')) b.disabled = false;
    }
  }
}

/** A day's entries: the unassigned first, soonest SLA due first; then the booked by window. */
export function byUrgency(list) {
  const unassigned = list.filter((e) => !e.visit.technician_id);
  const booked = list.filter((e) => e.visit.technician_id);
  unassigned.sort((a, b) => Date.parse(a.sla_due_at) - Date.parse(b.sla_due_at) || Date.parse(a.visit.window_start) - Date.parse(b.visit.window_start) || a.visit.id - b.visit.id);
  return [...unassigned, ...booked];
}
