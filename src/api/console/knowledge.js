// The knowledge base: every office role searches, reads and rates the published articles;
// editors (the `editor` grant) write and change articles, submit them for review, and — as a
// second editor, or a supervisor — review (publish or send back), retire, and read the
// worst-rated list. The address #knowledge/<id> opens an article (the registration form's
// suggestions link there).

import * as api from './api.js';
import { add, t, term, number } from './i18n.js';
import { el, data, notice, showError, clearErrors, values, timeEl } from './ui.js';

const $ = (id) => document.getElementById(id);
const KINDS = ['question_answer', 'how_to', 'troubleshooting'];
const AUDIENCES = ['staff', 'customers'];
const STATUSES = ['draft', 'review', 'published', 'retired'];

add({
  en: {
    'nav.knowledge': 'Knowledge base',
    'kb.title': 'Knowledge base',
    'kb.search': 'Search (Chinese or English)', 'kb.go': 'Search',
    'kb.none': 'No article matches.', 'kb.pick': 'Search, then pick an article to read it.',
    'kb.new': 'New article', 'kb.edit': 'Edit', 'kb.save': 'Save', 'kb.cancel': 'Cancel',
    'kb.submit': 'Submit for review', 'kb.approve': 'Approve and publish', 'kb.send_back': 'Send back',
    'kb.retire': 'Retire', 'kb.reopen': 'Reopen as draft',
    'kb.list.published': 'Published', 'kb.list.draft': 'Drafts', 'kb.list.review': 'In review', 'kb.list.retired': 'Retired',
    'kb.list.worst': 'Worst rated',
    'kb.meta': 'Version {version}, by {editor}', 'kb.scope_everywhere': 'Everywhere', 'kb.linked': 'Solved tickets: {count}',
    'kb.rating': 'Accuracy {accuracy} · readability {readability} ({count} ratings)', 'kb.unrated': 'Not rated yet',
    'kb.rate': 'Rate this article', 'kb.rated': 'Thank you: your rating is saved.',
    'kb.link': 'Link a solved ticket (id)', 'kb.linked_done': 'The ticket is linked.',
    'kb.review_note': 'Review note', 'kb.versions': 'Versions', 'kb.feedback_list': 'Feedback',
    'kb.done': 'Done.',
    'kb_kind.question_answer': 'Question and answer', 'kb_kind.how_to': 'How-to', 'kb_kind.troubleshooting': 'Troubleshooting',
    'kb_audience.staff': 'Staff only', 'kb_audience.customers': 'Customers too',
    'kb_status.draft': 'draft', 'kb_status.review': 'in review', 'kb_status.published': 'published', 'kb_status.retired': 'retired',
    'field.kind': 'Kind', 'field.title': 'Title', 'field.body': 'Text', 'field.audience': 'Audience', 'field.regions': 'Regions (none: everywhere)',
    'field.tags': 'Tags (comma-separated)', 'field.models': 'Product models (comma-separated)', 'field.note': 'What changed',
    'field.accuracy': 'Accuracy (1-5)', 'field.readability': 'Readability (1-5)', 'field.feedback': 'Feedback', 'field.ticket_id': 'Ticket id',
    'field.q': 'Search',
  },
  zh: {
    'nav.knowledge': '知识库',
    'kb.title': '知识库',
    'kb.search': '搜索（中文或英文）', 'kb.go': '搜索',
    'kb.none': '没有匹配的文章。', 'kb.pick': '请先搜索，再选择文章阅读。',
    'kb.new': '新建文章', 'kb.edit': '编辑', 'kb.save': '保存', 'kb.cancel': '取消',
    'kb.submit': '提交审核', 'kb.approve': '审核通过并发布', 'kb.send_back': '退回修改',
    'kb.retire': '下线', 'kb.reopen': '重新编辑',
    'kb.list.published': '已发布', 'kb.list.draft': '草稿', 'kb.list.review': '待审核', 'kb.list.retired': '已下线',
    'kb.list.worst': '评分最低',
    'kb.meta': '第 {version} 版，{editor} 编辑', 'kb.scope_everywhere': '全国', 'kb.linked': '已解决工单：{count}',
    'kb.rating': '准确性 {accuracy} · 易读性 {readability}（{count} 条评价）', 'kb.unrated': '尚无评价',
    'kb.rate': '评价本文', 'kb.rated': '谢谢，您的评价已保存。',
    'kb.link': '关联已解决的工单（编号）', 'kb.linked_done': '工单已关联。',
    'kb.review_note': '审核意见', 'kb.versions': '版本', 'kb.feedback_list': '反馈',
    'kb.done': '已完成。',
    'kb_kind.question_answer': '问答', 'kb_kind.how_to': '操作指南', 'kb_kind.troubleshooting': '故障排除',
    'kb_audience.staff': '仅限员工', 'kb_audience.customers': '客户可见',
    'kb_status.draft': '草稿', 'kb_status.review': '待审核', 'kb_status.published': '已发布', 'kb_status.retired': '已下线',
    'field.kind': '类别', 'field.title': '标题', 'field.body': '正文', 'field.audience': '读者', 'field.regions': '适用区域（不选为全国）',
    'field.tags': '标签（逗号分隔）', 'field.models': '产品型号（逗号分隔）', 'field.note': '修改说明',
    'field.accuracy': '准确性（1-5）', 'field.readability': '易读性（1-5）', 'field.feedback': '反馈', 'field.ticket_id': '工单编号',
    'field.q': '搜索',
  },
});

const split = (s) => (s || '').split(/[,，]/).map((x) => x.trim()).filter(Boolean);
const fmt = (x) => (x == null ? '–' : number(x, 1));
const label = (key, control) => el('label', {}, t(`field.${key}`), control);

export class KnowledgeBase {
  constructor(user) {
    this.user = user;
    this.editor = (user.grants || []).includes('editor') || user.role === 'admin';
    this.reviewer = this.editor || user.role === 'supervisor';
    this.regions = null;
    this.build();
  }

  build() {
    const root = $('view-knowledge');
    const tabs = this.reviewer
      ? el('div', { class: 'tabs', id: 'kb-tabs' },
        [...STATUSES.map((s) => el('button', { type: 'button', 'data-list': s, onclick: () => this.listStatus(s) }, t(`kb.list.${s}`))),
          el('button', { type: 'button', 'data-list': 'worst', onclick: () => this.worst() }, t('kb.list.worst'))])
      : '';
    const form = el('form', { id: 'kb-search', class: 'toolbar', role: 'search' },
      el('h1', {}, t('kb.title')),
      el('input', { type: 'search', name: 'q', id: 'kb-q', 'aria-label': t('kb.search'), placeholder: t('kb.search'), size: 40 }),
      el('button', { type: 'submit' }, t('kb.go')),
      this.editor ? el('button', { type: 'button', id: 'kb-new', onclick: () => this.edit(null) }, t('kb.new')) : '');
    form.onsubmit = (e) => {
      e.preventDefault();
      this.search();
    };
    root.replaceChildren(form, tabs,
      el('div', { class: 'desk' },
        el('ul', { id: 'kb-hits', class: 'hits' }),
        el('div', { id: 'kb-panel', class: 'panel' }, el('p', { class: 'muted' }, t('kb.pick')))));
  }

  show(args) {
    if (args[0]) this.open(Number(args[0]));
    else $('kb-q').focus();
  }

  hits(items, empty = 'kb.none') {
    const ul = $('kb-hits');
    ul.replaceChildren(...(items.length ? items.map((h) => el('li', { 'data-article': h.id },
      el('a', { href: `#knowledge/${h.id}` }, data(h.title)),
      ' ', el('span', { class: 'muted' }, term('kb_kind', h.kind), ' · ', term('kb_status', h.status)),
      el('div', { class: 'muted' }, data(h.excerpt ?? (h.body || '').slice(0, 160))))) : [el('li', { class: 'muted' }, t(empty))]));
  }

  async search() {
    try {
      const q = $('kb-q').value.trim();
      const page = await api.get('/knowledge/search', q ? { q, limit: 50 } : { limit: 50 });
      this.hits(page.items);
    } catch (err) {
      notice(err, true);
    }
  }

  async listStatus(status) {
    try {
      const page = status === 'published'
        ? await api.get('/knowledge/search', { limit: 50 })
        : await api.get('/knowledge/search', { status, limit: 50 });
      this.hits(page.items);
    } catch (err) {
      notice(err, true);
    }
  }

  async worst() {
    try {
      this.hits(await api.get('/knowledge/worst-rated', { limit: 50 }));
    } catch (err) {
      notice(err, true);
    }
  }

  async open(id) {
    try {
      const a = await api.get(`/knowledge/articles/${id}`);
      this.render(a);
    } catch (err) {
      notice(err, true);
    }
  }

  act(path, body, after) {
    return async () => {
      try {
        const a = await api.post(`/knowledge/articles/${this.article.id}/${path}`, body ? body() : {});
        notice(t(after || 'kb.done'));
        this.render(a);
      } catch (err) {
        notice(err, true);
      }
    };
  }

  render(a) {
    this.article = a;
    const rating = a.ratings
      ? t('kb.rating', { accuracy: fmt(a.accuracy), readability: fmt(a.readability), count: number(a.ratings) })
      : t('kb.unrated');
    const scope = a.region_names.length ? a.region_names.join('、') : t('kb.scope_everywhere');
    const steps = [];
    if (this.editor && a.status !== 'retired') steps.push(el('button', { type: 'button', id: 'kb-edit', onclick: () => this.edit(a) }, t('kb.edit')));
    if (this.editor && a.status === 'draft') steps.push(el('button', { type: 'button', id: 'kb-submit', onclick: this.act('submit') }, t('kb.submit')));
    if (this.reviewer && a.status === 'review') {
      const note = el('input', { id: 'kb-review-note', 'aria-label': t('kb.review_note'), placeholder: t('kb.review_note') });
      steps.push(note,
        el('button', { type: 'button', class: 'primary', id: 'kb-approve', onclick: this.act('review', () => ({ approve: true, note: note.value || undefined })) }, t('kb.approve')),
        el('button', { type: 'button', id: 'kb-send-back', onclick: this.act('review', () => ({ approve: false, note: note.value || undefined })) }, t('kb.send_back')));
    }
    if (this.reviewer && a.status === 'published') steps.push(el('button', { type: 'button', id: 'kb-retire', onclick: this.act('retire') }, t('kb.retire')));
    if (this.reviewer && a.status === 'retired') steps.push(el('button', { type: 'button', id: 'kb-reopen', onclick: this.act('reopen') }, t('kb.reopen')));
    const panel = $('kb-panel');
    panel.replaceChildren(
      el('h2', { id: 'kb-article-title' }, data(a.title)),
      el('p', { class: 'muted' }, term('kb_kind', a.kind), ' · ', term('kb_audience', a.audience), ' · ', term('kb_status', a.status), ' · ', data(scope)),
      el('div', { id: 'kb-article-body', class: 'article-body', style: 'white-space: pre-wrap' }, data(a.body)),
      a.tags.length || a.models.length ? el('p', { class: 'muted' }, data([...a.tags, ...a.models].join(' · '))) : '',
      el('p', { class: 'muted' }, t('kb.meta', { version: a.version, editor: a.edited_by_name }), ' · ', timeEl(a.updated_at, undefined, true)),
      a.review_note ? el('p', {}, t('kb.review_note'), ': ', data(a.review_note)) : '',
      el('p', { id: 'kb-rating' }, rating, ' · ', t('kb.linked', { count: number(a.linked_tickets) })),
      steps.length ? el('div', { class: 'buttons' }, steps) : '',
      a.status === 'published' ? this.rateForm(a) : '',
      a.status === 'published' ? this.linkForm(a) : '');
    if (this.reviewer) this.history(a, panel);
  }

  rateForm(a) {
    const marks = (name) => el('select', { name }, [5, 4, 3, 2, 1].map((n) => el('option', { value: n }, String(n))));
    const form = el('form', { id: 'kb-rate', class: 'inline' },
      el('h3', {}, t('kb.rate')), label('accuracy', marks('accuracy')), label('readability', marks('readability')),
      label('feedback', el('input', { name: 'feedback', maxLength: 1000, size: 30 })),
      el('button', { type: 'submit' }, t('kb.rate')), el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      const v = values(form);
      try {
        const out = await api.post(`/knowledge/articles/${a.id}/ratings`, { accuracy: Number(v.accuracy), readability: Number(v.readability), feedback: v.feedback });
        this.render(out);
        notice(t('kb.rated'));
      } catch (err) {
        showError(form, err);
      }
    };
    return form;
  }

  linkForm(a) {
    const form = el('form', { id: 'kb-link', class: 'inline' },
      label('ticket_id', el('input', { name: 'ticket_id', inputMode: 'numeric', size: 8 })),
      el('button', { type: 'submit' }, t('kb.link')), el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      try {
        const out = await api.post(`/knowledge/articles/${a.id}/tickets`, { ticket_id: Number(values(form).ticket_id) || 0 });
        this.render(out);
        notice(t('kb.linked_done'));
      } catch (err) {
        showError(form, err);
      }
    };
    return form;
  }

  async history(a, panel) {
    try {
      const [versions, ratings] = await Promise.all([
        api.get(`/knowledge/articles/${a.id}/versions`),
        api.get(`/knowledge/articles/${a.id}/ratings`),
      ]);
      if (this.article !== a) return;
      panel.append(
        el('h3', {}, t('kb.versions')),
        el('ul', {}, versions.map((v) => el('li', {}, data(`v${v.version} · `), data(v.edited_by_name), ' · ', timeEl(v.edited_at, undefined, true), v.note ? ' · ' : '', data(v.note || '')))),
        ratings.length ? el('h3', {}, t('kb.feedback_list')) : '',
        ratings.length ? el('ul', {}, ratings.map((r) => el('li', {}, `${r.accuracy}/${r.readability} · `, data(r.user_name), r.feedback ? ' · ' : '', data(r.feedback || '')))) : '');
    } catch {
      // The history is an extra; the article stays readable without it.
    }
  }

  async edit(a) {
    if (!this.regions) this.regions = await api.getAll('/regions').catch(() => []);
    const select = (name, options, chosen) => el('select', { name }, options.map((o) => el('option', { value: o, selected: o === chosen }, term(name === 'kind' ? 'kb_kind' : 'kb_audience', o))));
    const regionBox = el('select', { name: 'regions', multiple: true, size: Math.min(5, Math.max(2, this.regions.length)) },
      this.regions.map((r) => el('option', { value: r.id, selected: a ? a.regions.includes(r.id) : false }, data(r.name))));
    const form = el('form', { id: 'kb-editor', class: 'stacked', novalidate: true },
      label('kind', select('kind', KINDS, a?.kind ?? 'question_answer')),
      label('title', el('input', { name: 'title', maxLength: 200, size: 50, value: a?.title ?? '' })),
      label('body', el('textarea', { name: 'body', rows: 10, cols: 60, value: a?.body ?? '' })),
      label('audience', select('audience', AUDIENCES, a?.audience ?? 'staff')),
      label('regions', regionBox),
      label('tags', el('input', { name: 'tags', size: 40, value: (a?.tags ?? []).join(', ') })),
      label('models', el('input', { name: 'models', size: 40, value: (a?.models ?? []).join(', ') })),
      a ? label('note', el('input', { name: 'note', size: 40 })) : '',
      el('div', { class: 'buttons' },
        el('button', { type: 'submit', class: 'primary', id: 'kb-save' }, t('kb.save')),
        el('button', { type: 'button', onclick: () => (a ? this.render(a) : $('kb-panel').replaceChildren()) }, t('kb.cancel'))),
      el('p', { class: 'form-error', role: 'alert' }));
    form.onsubmit = async (e) => {
      e.preventDefault();
      clearErrors(form);
      const v = values(form);
      const body = {
        kind: v.kind, title: v.title || '', body: form.elements.body.value, audience: v.audience,
        regions: [...regionBox.selectedOptions].map((o) => Number(o.value)),
        tags: split(v.tags), models: split(v.models), note: v.note,
      };
      try {
        const out = a ? await api.put(`/knowledge/articles/${a.id}`, body) : await api.post('/knowledge/articles', body);
        notice(t('kb.done'));
        // The address names the article without opening it a second time.
        history.replaceState(null, '', `#knowledge/${out.id}`);
        this.render(out);
      } catch (err) {
        showError(form, err);
      }
    };
    $('kb-panel').replaceChildren(form);
    form.elements.title.focus();
  }
}
