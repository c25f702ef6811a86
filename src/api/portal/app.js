// The customer portal: sign-in by a one-time link, then the organisation's requests, one
// request with what waits for the customer, a new request, the upcoming visits. Routes are in
// the address's fragment (`#/tickets/12`), so a link from an e-mail
// (`/portal/#/sign-in?token=...`) never sends its token to the server in a request line.

import { askForLink, signIn, signOut, contact, whenSignedOut } from './api.js';
import { t, use, useZone, current, translatePage } from './i18n.js';
import { notice, showError, clearErrors } from './ui.js';
import { showList, showTicket } from './tickets.js';
import { showRequest, showVisits } from './request.js';
import { showAnswers } from './answers.js';

/** Where to go after signing in, when a link to one ticket was opened signed out. */
const NEXT = 'fieldline.portal.next';

const VIEWS = ['signin', 'tickets', 'ticket', 'request', 'visits', 'answers'];

function show(view) {
  for (const v of VIEWS) document.getElementById(`view-${v}`).hidden = v !== view;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.id === `nav-${view}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const h = document.querySelector(`#view-${view} h1`);
  if (h) h.tabIndex = -1;
}

function header() {
  const k = contact();
  document.getElementById('nav').hidden = !k;
  document.getElementById('signout').hidden = !k;
  document.getElementById('who').textContent = k ? `${k.name} · ${k.customer_name}` : '';
  document.getElementById('language').value = current();
  translatePage();
}

async function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean);
  try {
    if (parts[0] === 'sign-in') {
      const token = new URLSearchParams(query || '').get('token');
      if (token) return await landing(token);
    }
    if (!contact()) {
      // A link from a notice (`#/tickets/12`) opens that ticket once the contact has signed in.
      if (parts[0] === 'tickets' && parts[1]) localStorage.setItem(NEXT, `#/tickets/${Number(parts[1])}`);
      show('signin');
      return;
    }
    if (parts[0] === 'tickets' && parts[1]) {
      show('ticket');
      await showTicket(Number(parts[1]));
    } else if (parts[0] === 'request') {
      show('request');
      await showRequest();
    } else if (parts[0] === 'answers') {
      show('answers');
      await showAnswers(parts[1] ? Number(parts[1]) : null);
    } else if (parts[0] === 'visits') {
      show('visits');
      await showVisits();
    } else {
      show('tickets');
      await showList(0);
    }
  } catch (err) {
    notice(err, true);
  }
}

/** The link from the e-mail: its token is exchanged for a session, then taken out of the address. */
async function landing(token) {
  show('signin');
  notice(t('signin.signing_in'));
  try {
    const k = await signIn(token);
    use(k.language);
    useZone(k.time_zone);
    notice('');
    const next = localStorage.getItem(NEXT);
    localStorage.removeItem(NEXT);
    history.replaceState(null, '', /^#\/tickets\/\d+$/.test(next || '') ? next : '#/tickets');
    header();
    await route();
  } catch (err) {
    history.replaceState(null, '', '#/sign-in');
    notice(err, true);
  }
}

function start() {
  const k = contact();
  use(k ? k.language : undefined);
  useZone(k ? k.time_zone : undefined);
  header();
  document.getElementById('language').onchange = (ev) => {
    use(ev.target.value);
    header();
    route();
  };
  document.getElementById('signout').onclick = async () => {
    await signOut();
    header();
    notice(t('signin.signed_out'));
    location.hash = '#/sign-in';
  };
  whenSignedOut(() => {
    header();
    notice(t('signin.expired'), true);
    show('signin');
  });
  const form = document.getElementById('signin-form');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    try {
      await askForLink(document.getElementById('email').value.trim());
      document.getElementById('signin-sent').hidden = false;
    } catch (err) {
      showError(form, err);
    }
  });
  window.addEventListener('hashchange', () => {
    notice('');
    route();
  });
  route();
}

start();
