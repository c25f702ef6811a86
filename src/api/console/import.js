// The admin's going-live import: choose what the file holds, download its template, check the
// file (a dry run that lists every row's problems by line and column), then import it — every
// row or none.

import * as api from './api.js';
import { add, t, number, errorText } from './i18n.js';
import { el, data, showError, clearErrors } from './ui.js';

const KINDS = ['customers', 'contacts', 'sites', 'assets', 'technicians'];
const $ = (id) => document.getElementById(id);

add({
  en: {
    'nav.import': 'Import',
    'import.title': 'Import from spreadsheets',
    'import.intro': 'Import in this order: customers, then contacts and sites (naming their customer), then assets (naming customer and site); technicians at any time. Files may be UTF-8 or GBK CSV.',
    'import.kind': 'The file holds',
    'import.kind.customers': 'Customers', 'import.kind.contacts': 'Contacts', 'import.kind.sites': 'Sites',
    'import.kind.assets': 'Assets', 'import.kind.technicians': 'Technicians',
    'import.template': 'Download the template',
    'import.file': 'CSV file',
    'import.check': 'Check the file',
    'import.run': 'Import',
    'import.summary': '{rows} rows read ({encoding}); {valid} without problems.',
    'import.checked_ok': 'No problems: the file can be imported.',
    'import.checked_bad': 'Problems found: {count}. Nothing was written; fix the file and check it again.',
    'import.refused': 'Problems found: {count}. Nothing was written (a file is imported whole or not at all).',
    'import.written': 'Rows imported: {count}.',
    'import.col.line': 'Line', 'import.col.column': 'Column', 'import.col.problem': 'Problem',
    'field.file': 'File',
  },
  zh: {
    'nav.import': '数据导入',
    'import.title': '从表格导入数据',
    'import.intro': '请按顺序导入：先客户，再联系人和地点（写明所属客户），再设备（写明客户和地点）；工程师可随时导入。文件可为 UTF-8 或 GBK 编码的 CSV。',
    'import.kind': '文件内容',
    'import.kind.customers': '客户', 'import.kind.contacts': '联系人', 'import.kind.sites': '地点',
    'import.kind.assets': '设备', 'import.kind.technicians': '工程师',
    'import.template': '下载模板',
    'import.file': 'CSV 文件',
    'import.check': '检查文件',
    'import.run': '导入',
    'import.summary': '读取 {rows} 行（{encoding}），其中 {valid} 行无问题。',
    'import.checked_ok': '没有问题，可以导入。',
    'import.checked_bad': '发现 {count} 个问题，未写入任何数据。请修改文件后重新检查。',
    'import.refused': '发现 {count} 个问题，未写入任何数据（文件要么全部导入，要么都不导入）。',
    'import.written': '已导入 {count} 行。',
    'import.col.line': '行', 'import.col.column': '列', 'import.col.problem': '问题',
    'field.file': '文件',
  },
});

export class ImportView {
  constructor() {
    this.built = false;
  }

  show() {
    if (this.built) return;
    this.built = true;
    const kind = el('select', { name: 'kind', id: 'import-kind' },
      KINDS.map((k) => el('option', { value: k }, t(`import.kind.${k}`))));
    const file = el('input', { type: 'file', name: 'file', id: 'import-file', accept: '.csv,text/csv' });
    this.result = el('div', { id: 'import-result', 'aria-live': 'polite' });
    this.form = el('form', { id: 'import-form', class: 'call', noValidate: true, onsubmit: (e) => e.preventDefault() },
      el('label', {}, t('import.kind'), kind),
      el('label', {}, t('import.file'), file),
      el('label', {}, el('button', { type: 'button', id: 'import-template', onclick: () => this.template(kind.value) }, t('import.template'))),
      el('div', { class: 'buttons' },
        el('button', { type: 'button', id: 'import-check', onclick: () => this.send(true) }, t('import.check')),
        el('button', { type: 'button', id: 'import-run', onclick: () => this.send(false) }, t('import.run'))));
    kind.addEventListener('change', () => this.result.replaceChildren());
    $('view-import').replaceChildren(
      el('h2', {}, t('import.title')),
      el('p', { class: 'hint' }, t('import.intro')),
      this.form,
      this.result);
  }

  async template(kind) {
    try {
      const text = await api.getText(`/imports/${kind}/template`, {}, 'text/csv');
      const link = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: `${kind}-template.csv` });
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (err) {
      showError(this.form, err);
    }
  }

  async send(dryRun) {
    clearErrors(this.form);
    const kind = this.form.elements.kind.value;
    const file = this.form.elements.file.files[0];
    if (!file) {
      showError(this.form, { field: 'file', reason: 'required', status: 422 });
      return;
    }
    const buttons = this.form.querySelectorAll('button');
    for (const b of buttons) b.disabled = true;
    try {
      const report = await api.upload(`/imports/${kind}`, file, 'text/csv', { dry_run: dryRun });
      this.render(report);
    } catch (err) {
      this.result.replaceChildren();
      showError(this.form, err);
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  render(r) {
    const count = r.problems.length;
    const outcome = r.written
      ? t('import.written', { count: number(r.valid_rows) })
      : count === 0
        ? t('import.checked_ok')
        : t(r.dry_run ? 'import.checked_bad' : 'import.refused', { count: number(count) });
    const state = r.written ? 'written' : count === 0 ? 'clean' : 'problems';
    this.result.replaceChildren(
      el('p', { class: count ? 'bad' : 'good', 'data-state': state, 'data-dry-run': String(r.dry_run) }, outcome),
      el('p', { class: 'hint' }, t('import.summary', { rows: number(r.rows), valid: number(r.valid_rows), encoding: r.encoding.toUpperCase() })),
      count === 0 ? '' : el('table', { class: 'list', id: 'import-problems' },
        el('thead', {}, el('tr', {}, ['line', 'column', 'problem'].map((c) => el('th', {}, t(`import.col.${c}`))))),
        el('tbody', {}, r.problems.map((p) =>
          el('tr', { 'data-line': p.line, 'data-column': p.column || '', 'data-code': p.problem.reason || p.problem.code },
            el('td', {}, number(p.line)),
            el('td', {}, p.column ? data(p.column) : ''),
            el('td', {}, errorText({ ...p.problem, status: p.problem.status })))))));
  }
}
