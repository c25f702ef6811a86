// Answers to common questions: the service's published articles meant for customers (for
// everywhere, or for a region of the organisation's sites), searched in Chinese or English;
// `#/answers/<id>` opens one.

import { get } from './api.js';
import { t, add, time } from './i18n.js';
import { el, data, notice } from './ui.js';

add({
  en: {
    'nav.answers': 'Answers',
    'answers.title': 'Answers to common questions',
    'answers.search': 'Describe your question', 'answers.go': 'Search',
    'answers.none': 'No answer matches; try other words, or send us a request.',
    'answers.back': 'Back to the answers', 'answers.updated': 'Updated {at}',
  },
  zh: {
    'nav.answers': '常见问题',
    'answers.title': '常见问题解答',
    'answers.search': '请描述您的问题', 'answers.go': '搜索',
    'answers.none': '没有找到答案；请换个说法，或提交服务请求。',
    'answers.back': '返回常见问题', 'answers.updated': '更新于 {at}',
  },
});

let lastQuery = '';

async function search(q) {
  lastQuery = q;
  const list = document.getElementById('answers-list');
  const found = q ? await get(`/knowledge?q=${encodeURIComponent(q)}`) : [];
  list.replaceChildren(q && !found.length ? el('p', { class: 'muted' }, t('answers.none')) : '',
    el('ul', { id: 'answers-hits' }, found.map((a) => el('li', { 'data-article': a.id },
      el('a', { href: `#/answers/${a.id}` }, data(a.title)),
      el('div', { class: 'muted' }, data(a.body.slice(0, 160)))))));
}

/** The search, or one article. */
export async function showAnswers(id) {
  const form = document.getElementById('answers-form');
  const input = el('input', { type: 'search', name: 'q', id: 'answers-q', 'aria-label': t('answers.search'), placeholder: t('answers.search'), size: 40, value: lastQuery });
  form.replaceChildren(input, ' ', el('button', { type: 'submit' }, t('answers.go')));
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    try {
      await search(input.value.trim());
    } catch (err) {
      notice(err, true);
    }
  };
  if (!id) {
    await search(lastQuery);
    return;
  }
  const a = await get(`/knowledge/${id}`);
  document.getElementById('answers-list').replaceChildren(
    el('article', { id: 'answers-article' },
      el('h2', {}, data(a.title)),
      el('div', { style: 'white-space: pre-wrap' }, data(a.body)),
      el('p', { class: 'muted' }, t('answers.updated', { at: time(a.updated_at) }))),
    el('p', {}, el('a', { href: '#/answers' }, t('answers.back'))));
}
