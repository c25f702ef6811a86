// A ticket's e-mail on its page: the messages received (from the timeline), the files that came
// with them (downloaded with the user's token), and the form to reply to the contact by e-mail,
// with the API's validation errors next to the field they name.

import * as api from './api.js';
import { add, t } from './i18n.js';
import { el, notice, showError, clearErrors, timeEl, data } from './ui.js';

add({
  en: {
    'mail.title': 'E-mail',
    'mail.received': 'Received',
    'mail.none': 'No e-mail on this ticket.',
    'mail.files': 'Files',
    'mail.reply': 'Reply to the contact by e-mail',
    'mail.text': 'Reply',
    'mail.send': 'Send the reply',
    'mail.sent': 'The reply is on its way: {subject}',
    'event.mail_received': 'e-mail received',
    'event.mail_replied': 'e-mail reply sent',
    'notification.mail_received': 'E-mail received',
    'field.text': 'Text',
  },
  zh: {
    'mail.title': '邮件',
    'mail.received': '收到',
    'mail.none': '此工单没有邮件。',
    'mail.files': '附件',
    'mail.reply': '通过邮件回复联系人',
    'mail.text': '回复内容',
    'mail.send': '发送回复',
    'mail.sent': '回复已发出：{subject}',
    'event.mail_received': '收到邮件',
    'event.mail_replied': '已发送邮件回复',
    'notification.mail_received': '收到邮件',
    'field.text': '内容',
  },
});

/** A link that downloads a ticket's file with the signed-in user's token. */
export function downloadLink(a) {
  return el('a', {
    href: '#', 'data-attachment-id': a.id,
    onclick: async (e) => {
      e.preventDefault();
      try {
        const blob = await api.getBlob(`/tickets/${a.ticket_id}/attachments/${a.id}`);
        const link = el('a', { href: URL.createObjectURL(blob), download: a.filename, hidden: true });
        document.body.append(link);
        link.click();
        link.remove();
      } catch (err) {
        notice(err, true);
      }
    },
  }, data(a.filename), ' ', data(`(${Math.ceil(a.size_bytes / 1024)} KB)`));
}

/** The e-mail part of a ticket's page; `reload()` draws the ticket again after a reply. */
export async function ticketMail(x, timeline, zone, reload) {
  const files = await api.get(`/tickets/${x.id}/attachments`).catch(() => []);
  const received = timeline.filter((e) => e.kind === 'mail_received' || e.kind === 'mail_replied');
  const form = el('form', { class: 'step', id: 'reply-form', novalidate: true },
    el('label', {}, el('span', {}, t('mail.text')), el('textarea', { name: 'text', rows: 4, cols: 50 })),
    el('button', { type: 'submit' }, t('mail.send')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      const r = await api.post(`/tickets/${x.id}/replies`, { text: form.elements.text.value });
      notice(t('mail.sent', { subject: r.subject }));
      reload();
    } catch (err) {
      showError(form, err);
    }
  });
  return el('section', { class: 'ticket-mail', id: 'ticket-mail' },
    el('h3', {}, t('mail.title')),
    received.length
      ? el('ul', { class: 'mails' }, received.map((e) => el('li', { 'data-kind': e.kind },
        el('strong', {}, t(`event.${e.kind}`)), ' ', timeEl(e.at, zone, true), ' ',
        data(e.data?.from ?? e.data?.to ?? ''), ' · ', data(e.data?.subject ?? ''),
        data(e.data?.excerpt ?? '', 'div', { class: 'muted' }))))
      : el('p', { class: 'muted' }, t('mail.none')),
    files.length ? [el('h4', {}, t('mail.files')), el('ul', { class: 'files', id: 'ticket-files' }, files.map((a) => el('li', {}, downloadLink(a))))] : null,
    x.contact_email && !['closed', 'cancelled'].includes(x.status) ? [el('h4', {}, t('mail.reply')), form] : null);
}
