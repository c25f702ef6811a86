// Finding a customer as you type: by the customer's name, a contact's name or phone number, or an
// asset's serial number (`GET /customers/lookup`). The matches show as a list under the field;
// picking one (click, or arrows and Enter) fills a hidden field with the customer's id.

import * as api from './api.js';
import { add, t } from './i18n.js';
import { el, data } from './ui.js';

add({
  en: {
    'lookup.placeholder': 'name, phone, contact or serial number',
    'lookup.none': 'No customer matches.',
    'lookup.matched.name': 'customer',
    'lookup.matched.contact': 'contact',
    'lookup.matched.phone': 'phone',
    'lookup.matched.serial_number': 'serial number',
    'lookup.clear': 'Clear',
  },
  zh: {
    'lookup.placeholder': '名称、电话、联系人或序列号',
    'lookup.none': '没有匹配的客户。',
    'lookup.matched.name': '客户',
    'lookup.matched.contact': '联系人',
    'lookup.matched.phone': '电话',
    'lookup.matched.serial_number': '序列号',
    'lookup.clear': '清除',
  },
});

const WAIT_MS = 250;

/**
 * A customer field named `name`: `node` to place in a form, `clear()`, and `onPick(f)` called
 * with the chosen match (`{customer_id, customer_name, matched_on, contact_id?, site_id?, asset_id?, ...}`).
 */
export function customerPicker(name, { id } = {}) {
  const hidden = el('input', { type: 'hidden', name });
  const input = el('input', {
    type: 'search', id, autocomplete: 'off', placeholder: t('lookup.placeholder'),
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', size: 28,
  });
  const list = el('ul', { class: 'matches', role: 'listbox', hidden: true });
  const node = el('span', { class: 'lookup' }, input, hidden, list);
  let timer = null;
  let asked = 0;
  let matches = [];
  let active = -1;
  let picked = () => {};

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    active = -1;
  };
  const choose = (m) => {
    hidden.value = m.customer_id;
    input.value = m.customer_name;
    close();
    picked(m);
  };
  const draw = () => {
    list.replaceChildren(...(matches.length ? matches.map((m, i) => el('li', {
      role: 'option', class: `match${i === active ? ' active' : ''}`, 'aria-selected': String(i === active),
      'data-customer-id': m.customer_id, 'data-matched-on': m.matched_on,
      onmousedown: (e) => { e.preventDefault(); choose(m); },
    },
    data(m.customer_name, 'strong'), ' ',
    el('span', { class: 'badge' }, t(`lookup.matched.${m.matched_on}`)), ' ',
    data([m.contact_name, m.contact_phone, m.site_name, m.product_model, m.serial_number].filter(Boolean).join(' · '), 'span', { class: 'muted' })))
      : [el('li', { class: 'muted' }, t('lookup.none'))]));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  };
  const ask = async () => {
    const q = input.value.trim();
    const mine = ++asked;
    if (q.length < 2) {
      matches = [];
      close();
      return;
    }
    try {
      const page = await api.get('/customers/lookup', { q, limit: 10 });
      if (mine !== asked) return;
      matches = Array.isArray(page) ? page : page.items;
      active = matches.length ? 0 : -1;
      draw();
    } catch {
      close();
    }
  };
  input.addEventListener('input', () => {
    hidden.value = '';
    clearTimeout(timer);
    timer = setTimeout(ask, WAIT_MS);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden || !matches.length) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
      draw();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(matches[Math.max(active, 0)]);
    } else if (e.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  return {
    node,
    input,
    clear() {
      hidden.value = '';
      input.value = '';
      matches = [];
      close();
    },
    onPick(f) {
      picked = f;
    },
  };
}
