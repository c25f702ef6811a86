// A new request (a ticket on the web channel for the contact's organisation): the site and
// equipment chosen from the organisation's own, the kind, the subject, what happened, and
// photos or files (`#request-attachments`), sent once the request is registered; a file the
// service refuses is listed beside the field, and the request is not sent twice. And the
// upcoming visits.

import { get, post } from './api.js';
import { t } from './i18n.js';
import { el, notice, showError, clearErrors, values, field } from './ui.js';
import { visitsTable, fileInput, uploadFiles, showRefused } from './tickets.js';

const KINDS = ['fault', 'enquiry', 'complaint', 'suggestion'];

/** The form, with the organisation's sites and equipment to choose from. */
export async function showRequest() {
  const sites = await get('/sites');
  const form = document.getElementById('request-form');
  const site = el('select', { name: 'site_id', id: 'request-site' },
    el('option', { value: '' }, t('request.no_site')),
    sites.map((s) => el('option', { value: s.id, translate: 'no' }, `${s.name} · ${s.address}`)));
  const asset = el('select', { name: 'asset_id', id: 'request-asset' });
  const fillAssets = () => {
    const chosen = sites.filter((s) => !site.value || String(s.id) === site.value);
    asset.replaceChildren(el('option', { value: '' }, t('request.no_asset')),
      ...chosen.flatMap((s) => s.assets.map((a) => el('option', { value: a.id, translate: 'no' }, `${a.model} · ${a.serial_number}`))));
  };
  site.onchange = fillAssets;
  fillAssets();
  const files = fileInput('request-files');
  const refused = el('ul', { class: 'refused', id: 'request-refused' });
  const kind = el('select', { name: 'kind', id: 'request-kind' }, KINDS.map((k) => el('option', { value: k }, t(`kind.${k}`))));
  form.replaceChildren(
    field('field.site_id', site),
    field('field.asset_id', asset),
    field('field.kind', kind),
    field('field.title', el('input', { name: 'title', id: 'request-title', maxLength: 200, required: true })),
    field('field.description', el('textarea', { name: 'description', id: 'request-description', maxLength: 10000, required: true })),
    el('div', { id: 'request-attachments' }, field('field.files', files), el('p', { class: 'muted' }, t('request.attachments')), refused),
    el('p', {}, el('button', { type: 'submit', id: 'request-submit' }, t('request.submit'))),
    el('p', { class: 'form-error', role: 'alert' }),
  );
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = values(form);
    const body = { kind: v.kind, title: v.title ?? '', description: v.description ?? '' };
    if (v.site_id) body.site_id = Number(v.site_id);
    if (v.asset_id) body.asset_id = Number(v.asset_id);
    let tk;
    try {
      tk = await post('/tickets', body);
    } catch (err) {
      showError(form, err);
      return;
    }
    const chosen = [...files.files];
    for (const x of form.elements) x.disabled = true;
    const bad = await uploadFiles(tk.id, chosen);
    if (!bad.length) {
      notice(t('request.done', { number: tk.number }));
      location.hash = `#/tickets/${tk.id}`;
      return;
    }
    // Registered, with some files refused: say which beside the field; the form stays
    // disabled so the request is not sent twice, and a link opens it.
    showRefused(refused, bad);
    refused.after(el('p', {}, el('a', { href: `#/tickets/${tk.id}`, id: 'request-open' }, t('request.open'))));
    notice(t('request.files_refused', { number: tk.number }), true);
  };
}

/** The organisation's visits still to come. */
export async function showVisits() {
  const visits = await get('/visits');
  const node = document.getElementById('visit-list');
  if (!visits.length) {
    node.replaceChildren(el('caption', { class: 'muted' }, t('visits.empty')));
    return;
  }
  node.replaceWith(Object.assign(visitsTable(visits, true), { id: 'visit-list' }));
}
