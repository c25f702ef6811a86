// The console's shell: sign-in, the views the signed-in role may use, and the address (#view).

import * as api from './api.js';
import { el, notice, showError, clearErrors } from './ui.js';
import { Board } from './board.js';
import { TicketDesk } from './tickets.js';
import { SlaView } from './sla.js';

/** The views, and the roles that may use each (an admin may use every one). */
const VIEWS = [
  { id: 'board', title: 'Dispatch board', roles: ['dispatcher', 'supervisor', 'manager'], make: (u) => new Board(u) },
  { id: 'tickets', title: 'Ticket desk', roles: ['agent', 'remote_engineer', 'supervisor'], make: (u) => new TicketDesk(u) },
  { id: 'sla', title: 'Service levels', roles: ['supervisor', 'manager'], make: (u) => new SlaView(u) },
];

const $ = (id) => document.getElementById(id);
let views = [];
let current = null;

function allowed(user) {
  return VIEWS.filter((v) => user.role === 'admin' || v.roles.includes(user.role));
}

function showSignIn(message) {
  for (const v of views) v.instance.stop?.();
  views = [];
  current = null;
  $('top').hidden = true;
  for (const s of document.querySelectorAll('.view')) s.hidden = true;
  $('signin').hidden = false;
  notice(message || '', !!message);
  $('username').focus();
}

function start(user) {
  $('signin').hidden = true;
  $('top').hidden = false;
  $('who').textContent = `${user.display_name} (${user.role.replace('_', ' ')})`;
  views = allowed(user).map((v) => ({ ...v, instance: v.make(user) }));
  const nav = $('nav');
  nav.replaceChildren(...views.map((v) => el('a', { href: `#${v.id}`, 'data-view': v.id }, v.title)));
  if (views.length === 0) {
    notice('Your role has no part of the console; use the mobile app or the API.', true);
    return;
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
  view.instance.show(rest, entering);
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

api.whenSignedOut(() => showSignIn('Your sign-in has ended; sign in again.'));
window.addEventListener('hashchange', route);

const user = api.currentUser();
if (user) start(user);
else showSignIn();
