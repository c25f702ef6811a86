// The console's shell: sign-in, the language, the views the signed-in role may use, the
// notifications count, and the address (#view/...).

import * as api from './api.js';
import * as i18n from './i18n.js';
import { t, term } from './i18n.js';
import { el, notice, showError, clearErrors } from './ui.js';
import { Board } from './board.js';
import { TicketDesk } from './tickets.js';
import { CallForm } from './call.js';
import { Inbox } from './inbox.js';
import { Intake } from './intake.js';
import { SlaView } from './sla.js';
import { AdminView } from './admin.js';
import { FaultReports } from './fault_reports.js';
import { MajorFaults } from './major_faults.js';
import { ImportView } from './import.js';
import { RevisitQueue } from './revisits.js';
import { Accounts } from './accounts.js';
import { Inspections } from './inspections.js';
import { StalledView } from './stalled.js';
import { HandoverView } from './handover.js';
import { QualityQueue } from './quality.js';
import { MyReviews } from './my_reviews.js';
import { QualityReport } from './quality_report.js';
import { KnowledgeBase } from './knowledge.js';
import { RosterView } from './roster.js';
import { PlansView } from './plans.js';

/**
 * The views, and the roles that may use each (an admin may use every one), or the grant that opens
 * one to any role; the first is the default.
 */
const VIEWS = [
  { id: 'admin', roles: ['admin'], make: (u) => new AdminView(u) },
  { id: 'tickets', roles: ['agent', 'remote_engineer', 'supervisor', 'manager'], make: (u) => new TicketDesk(u) },
  { id: 'call', roles: ['agent', 'supervisor'], make: (u) => new CallForm(u) },
  { id: 'intake', roles: ['agent', 'remote_engineer', 'supervisor'], make: (u) => new Intake(u) },
  { id: 'board', roles: ['dispatcher', 'supervisor', 'manager'], make: (u) => new Board(u) },
  { id: 'plans', roles: ['dispatcher', 'supervisor', 'manager'], make: (u) => new PlansView(u) },
  { id: 'accounts', roles: ['account_manager', 'manager'], make: (u) => new Accounts(u) },
  { id: 'sla', roles: ['supervisor', 'manager', 'account_manager'], make: (u) => new SlaView(u) },
  { id: 'majorfaults', roles: ['supervisor', 'manager', 'account_manager'], make: (u) => new MajorFaults(u) },
  { id: 'faultreports', roles: ['supervisor', 'manager'], make: (u) => new FaultReports(u) },
  { id: 'revisits', roles: ['agent', 'supervisor'], make: (u) => new RevisitQueue(u) },
  { id: 'inspections', roles: ['supervisor', 'dispatcher', 'manager'], make: (u) => new Inspections(u) },
  { id: 'stalled', roles: ['agent', 'remote_engineer', 'dispatcher', 'supervisor', 'manager'], make: (u) => new StalledView(u) },
  { id: 'handover', roles: ['agent', 'remote_engineer', 'supervisor', 'manager'], make: (u) => new HandoverView(u) },
  { id: 'quality', roles: [], grant: 'reviewer', make: (u) => new QualityQueue(u) },
  { id: 'myreviews', roles: ['agent', 'remote_engineer', 'dispatcher', 'supervisor'], make: (u) => new MyReviews(u) },
  { id: 'qualityreport', roles: ['supervisor', 'manager'], grant: 'reviewer', make: (u) => new QualityReport(u) },
  { id: 'roster', roles: ['agent', 'remote_engineer', 'dispatcher', 'supervisor', 'account_manager', 'manager'], make: (u) => new RosterView(u) },
  { id: 'knowledge', roles: ['agent', 'remote_engineer', 'dispatcher', 'supervisor', 'account_manager', 'manager'], make: (u) => new KnowledgeBase(u) },
  { id: 'import', roles: [], make: () => new ImportView() },
  { id: 'inbox', roles: ['agent', 'remote_engineer', 'dispatcher', 'supervisor', 'account_manager', 'manager'], make: (u) => new Inbox(u), hidden: true },
];
const POLL_MS = 30000;

i18n.add({
  en: {
    'app.sign_out': 'Sign out',
    'app.who': '{name} ({role})',
    'app.no_view': 'Your role has no part of the console; use the mobile app or the API.',
    'app.signed_out': 'Your sign-in has ended; sign in again.',
    'signin.title': 'Sign in',
    'signin.username': 'Username',
    'signin.password': 'Password',
    'signin.submit': 'Sign in',
    'nav.tickets': 'Ticket desk',
    'nav.call': 'New call',
    'nav.board': 'Dispatch board',
    'nav.plans': 'Day plans',
    'nav.sla': 'Service levels',
    'nav.inbox': 'Notifications',
    'nav.revisits': 'Revisits',
    'nav.accounts': 'Customers',
    'nav.inspections': 'Inspections',
    'nav.quality': 'Quality review',
    'nav.myreviews': 'My reviews',
    'nav.qualityreport': 'Quality report',
    'inbox.link': 'Notifications',
  },
  zh: {
    'app.sign_out': '退出',
    'app.who': '{name}（{role}）',
    'app.no_view': '您的角色不使用控制台，请使用手机应用或 API。',
    'app.signed_out': '登录已失效，请重新登录。',
    'signin.title': '登录',
    'signin.username': '用户名',
    'signin.password': '密码',
    'signin.submit': '登录',
    'nav.tickets': '工单台',
    'nav.call': '登记来电',
    'nav.board': '调度看板',
    'nav.plans': '日程规划',
    'nav.sla': '服务水平',
    'nav.inbox': '通知',
    'nav.revisits': '回访',
    'nav.accounts': '客户',
    'nav.inspections': '巡检',
    'nav.quality': '质检',
    'nav.myreviews': '我的质检',
    'nav.qualityreport': '质检报告',
    'inbox.link': '通知',
  },
});

const $ = (id) => document.getElementById(id);
let views = [];
let current = null;
let inboxTimer = null;

function allowed(user) {
  return VIEWS.filter((v) => user.role === 'admin' || v.roles.includes(user.role) || (v.grant && (user.grants || []).includes(v.grant)));
}

function showSignIn(message) {
  for (const v of views) v.instance.stop?.();
  clearInterval(inboxTimer);
  views = [];
  current = null;
  i18n.use(null);
  i18n.translatePage();
  $('top').hidden = true;
  for (const s of document.querySelectorAll('.view')) s.hidden = true;
  $('signin').hidden = false;
  notice(message ? t(message) : '', !!message);
  $('username').focus();
}

async function countUnread() {
  try {
    const page = await api.get('/notifications', { unread: true, limit: 1 });
    const count = $('inbox-count');
    count.textContent = page.total ? i18n.number(page.total) : '';
    count.hidden = !page.total;
  } catch {
    // The count waits for the next round.
  }
}

function start(user) {
  i18n.use(user.language);
  i18n.translatePage();
  $('language').value = i18n.current();
  $('signin').hidden = true;
  $('top').hidden = false;
  $('who').textContent = t('app.who', { name: user.display_name, role: term('role', user.role) });
  views = allowed(user).map((v) => ({ ...v, instance: v.make(user) }));
  const nav = $('nav');
  nav.replaceChildren(...views.filter((v) => !v.hidden).map((v) => el('a', { href: `#${v.id}`, 'data-view': v.id }, t(`nav.${v.id}`))));
  $('inbox-link').hidden = !views.some((v) => v.id === 'inbox');
  if (views.length === 0) {
    notice(t('app.no_view'), true);
    return;
  }
  if (!$('inbox-link').hidden) {
    countUnread();
    inboxTimer = setInterval(() => !document.hidden && countUnread(), POLL_MS);
  }
  route();
}

function route() {
  if (!api.currentUser() || views.length === 0) return;
  const [id, ...rest] = location.hash.replace(/^#/, '').split('/');
  const view = views.find((v) => v.id === id) || views[0];
  if (current && current !== view) {
    current.instance.stop?.();
    $(`view-${current.id}`).hidden = true;
  }
  for (const a of $('nav').children) a.classList.toggle('current', a.dataset.view === view.id);
  $(`view-${view.id}`).hidden = false;
  const entering = current !== view;
  current = view;
  notice('');
  view.instance.show(rest.map(decodeURIComponent), entering);
  if (view.id === 'inbox') countUnread();
}

$('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  clearErrors(form);
  const button = $('signin-submit');
  button.disabled = true;
  try {
    const user = await api.signIn($('username').value.trim(), $('password').value);
    $('password').value = '';
    notice('');
    start(user);
  } catch (err) {
    showError(form, err);
  } finally {
    button.disabled = false;
  }
});

$('signout').addEventListener('click', async () => {
  await api.signOut();
  showSignIn();
});

// A language chosen here is the user's: kept on their record, then the page is drawn again in it.
$('language').addEventListener('change', async (e) => {
  try {
    await api.updateMe({ language: e.target.value });
    location.reload();
  } catch (err) {
    notice(err, true);
    e.target.value = i18n.current();
  }
});

api.whenSignedOut(() => showSignIn('app.signed_out'));
window.addEventListener('hashchange', route);
document.addEventListener('fieldline:notifications', countUnread);

const user = api.currentUser();
if (user) start(user);
else showSignIn();
