// Who leads whom, in the admin's view: the teams tab (#admin/teams: each team with its kind, lead
// and members; create one, rename it, change its lead, deactivate it) and, in the users tab, the
// form that sets a user's team, supervisor, level and grants.

import * as api from './api.js';
import { add, t, term } from './i18n.js';
import { el, notice, data } from './ui.js';
import * as names from './names.js';
import { option, dataOption, field, head, body, sending, step } from './admin_ops.js';

const KINDS = ['hotline_shift', 'remote', 'field_region'];
const GRANTS = ['reviewer', 'editor'];
const LEVELS = [1, 2, 3, 4, 5];
const $ = (id) => document.getElementById(id);

add({
  en: {
    'admin.tab.teams': 'Teams',
    'admin.teams.new': 'New team', 'admin.teams.create': 'Create the team', 'admin.teams.created': 'Team {name} created.',
    'admin.teams.col.name': 'Name', 'admin.teams.col.kind': 'Kind', 'admin.teams.col.lead': 'Lead',
    'admin.teams.col.members': 'Members', 'admin.teams.col.state': 'State',
    'admin.teams.pick': 'Pick a team to change it.', 'admin.teams.edit': 'Name, kind, lead', 'admin.teams.save': 'Save the team',
    'admin.teams.no_lead': 'no lead yet', 'admin.teams.active': 'active', 'admin.teams.inactive': 'inactive',
    'admin.org.title': 'Team, supervisor, level and grants', 'admin.org.save': 'Save',
    'admin.org.no_team': 'no team', 'admin.org.no_supervisor': 'none (alerts go to every supervisor)',
    'admin.org.saved': 'Where {name} stands is saved.',
    'team_kind.hotline_shift': 'hotline shift', 'team_kind.remote': 'remote engineers', 'team_kind.field_region': 'field region',
    'grant.reviewer': 'quality reviewer', 'grant.editor': 'knowledge-base editor',
    'field.name': 'Name', 'field.kind': 'Kind', 'field.lead_id': 'Lead', 'field.team_id': 'Team',
    'field.supervisor_id': 'Supervisor', 'field.level': 'Level', 'field.grants': 'Grants',
  },
  zh: {
    'admin.tab.teams': '班组',
    'admin.teams.new': '新建班组', 'admin.teams.create': '创建班组', 'admin.teams.created': '已创建班组 {name}。',
    'admin.teams.col.name': '名称', 'admin.teams.col.kind': '类型', 'admin.teams.col.lead': '班长',
    'admin.teams.col.members': '人数', 'admin.teams.col.state': '状态',
    'admin.teams.pick': '选择一个班组进行修改。', 'admin.teams.edit': '名称、类型、班长', 'admin.teams.save': '保存班组',
    'admin.teams.no_lead': '尚无班长', 'admin.teams.active': '启用', 'admin.teams.inactive': '停用',
    'admin.org.title': '班组、上级、级别和授权', 'admin.org.save': '保存',
    'admin.org.no_team': '无班组', 'admin.org.no_supervisor': '无（提醒发给所有主管）',
    'admin.org.saved': '已保存 {name} 的组织信息。',
    'team_kind.hotline_shift': '热线班次', 'team_kind.remote': '远程工程师', 'team_kind.field_region': '现场区域',
    'grant.reviewer': '质检员', 'grant.editor': '知识库编辑',
    'field.name': '名称', 'field.kind': '类型', 'field.lead_id': '班长', 'field.team_id': '班组',
    'field.supervisor_id': '上级', 'field.level': '级别', 'field.grants': '授权',
  },
});

/** The form that sets where user `u` stands; `saved(user)` runs after a save. */
export async function organisationForm(u, saved) {
  const [teams, people] = await Promise.all([api.get('/teams'), names.colleagues()]);
  const grants = el('fieldset', { class: 'choices', 'data-field': 'grants' }, el('legend', {}, t('field.grants')),
    GRANTS.map((g) => el('label', {}, el('input', { type: 'checkbox', name: 'grants', value: g, checked: u.grants.includes(g) }), t(`grant.${g}`))));
  const form = sending({ 'data-action': 'set-organisation' }, [
    field('team_id', el('select', { name: 'team_id' }, option('', t('admin.org.no_team'), !u.team_id),
      teams.filter((x) => x.active || x.id === u.team_id).map((x) => dataOption(x.id, x.name, x.id === u.team_id)))),
    field('supervisor_id', el('select', { name: 'supervisor_id' }, option('', t('admin.org.no_supervisor'), !u.supervisor_id),
      people.filter((p) => p.id !== u.id).map((p) => dataOption(p.id, `${p.display_name} · ${term('role', p.role)}`, p.id === u.supervisor_id)))),
    field('level', el('select', { name: 'level' }, LEVELS.map((l) => option(l, String(l), l === u.level)))),
    grants,
    el('button', { type: 'submit', class: 'primary' }, t('admin.org.save')),
  ], async (v, f) => {
    const chosen = [...f.querySelectorAll('input[name=grants]:checked')].map((x) => x.value);
    const s = await api.put(`/users/${u.id}/organisation`, {
      team_id: v.team_id ? Number(v.team_id) : null,
      supervisor_id: v.supervisor_id ? Number(v.supervisor_id) : null,
      level: Number(v.level || 1),
      grants: chosen,
    });
    notice(t('admin.org.saved', { name: s.display_name }));
    await saved(s);
  });
  return step('organisation', t('admin.org.title'), form);
}

export class TeamsTab {
  constructor() {
    this.selected = null;
  }

  async render(box) {
    box.replaceChildren(el('div', { class: 'desk' },
      el('div', {},
        step('create-team', t('admin.teams.new'), await this.form(null)),
        el('table', { id: 'admin-teams', class: 'list' })),
      el('div', { id: 'admin-team-panel', class: 'panel' }, el('p', { class: 'muted' }, t('admin.teams.pick')))));
    await this.load();
  }

  /** The team's fields: a new team when `team` is null. */
  async form(team) {
    const people = (await names.colleagues()).filter((p) => p.role !== 'technician' || team?.kind !== 'hotline_shift');
    return sending({ 'data-action': team ? 'edit-team' : 'create-team', class: 'call' }, [
      field('name', el('input', { name: 'name', maxLength: 100, value: team?.name ?? '' })),
      field('kind', el('select', { name: 'kind' }, KINDS.map((k) => option(k, t(`team_kind.${k}`), k === (team?.kind ?? 'hotline_shift'))))),
      field('lead_id', el('select', { name: 'lead_id' }, option('', t('admin.teams.no_lead'), !team?.lead_id),
        people.map((p) => dataOption(p.id, `${p.display_name} · ${term('role', p.role)}`, p.id === team?.lead_id)))),
      team ? field('active', el('select', { name: 'active' },
        option('true', t('admin.teams.active'), team.active), option('false', t('admin.teams.inactive'), !team.active))) : '',
      el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t(team ? 'admin.teams.save' : 'admin.teams.create'))),
    ], async (v, f) => {
      const input = { name: v.name ?? '', kind: v.kind, lead_id: v.lead_id ? Number(v.lead_id) : null, active: team ? v.active !== 'false' : true };
      const saved = team ? await api.put(`/teams/${team.id}`, input) : await api.post('/teams', input);
      if (!team) {
        f.reset();
        f.closest('details').open = false;
        notice(t('admin.teams.created', { name: saved.name }));
      } else {
        notice(t('admin.saved'));
      }
      this.selected = saved.id;
      await this.load();
    });
  }

  async load() {
    try {
      const teams = await api.get('/teams');
      const cols = ['name', 'kind', 'lead', 'members', 'state'];
      $('admin-teams').replaceChildren(head('admin.teams.col', cols), body(teams.map((x) =>
        el('tr', {
          class: `row${x.id === this.selected ? ' selected' : ''}`, tabIndex: 0, 'data-team-id': x.id, 'data-name': x.name,
          onclick: () => this.pick(x), onkeydown: (e) => e.key === 'Enter' && this.pick(x),
        },
        el('td', {}, data(x.name)), el('td', {}, t(`team_kind.${x.kind}`)),
        el('td', {}, x.lead_name ? data(x.lead_name) : el('span', { class: 'muted' }, t('admin.teams.no_lead'))),
        el('td', {}, String(x.members)),
        el('td', {}, el('span', { class: `badge ${x.active ? 'active' : 'disabled'}` }, t(x.active ? 'admin.teams.active' : 'admin.teams.inactive'))))), cols.length));
      const chosen = teams.find((x) => x.id === this.selected);
      if (chosen) await this.pick(chosen);
    } catch (err) {
      if (err.status !== 401) notice(err, true);
    }
  }

  async pick(team) {
    this.selected = team.id;
    for (const row of document.querySelectorAll('#admin-teams tr.row')) row.classList.toggle('selected', Number(row.dataset.teamId) === team.id);
    $('admin-team-panel').replaceChildren(el('div', { 'data-team-id': team.id, class: 'actions' },
      el('h2', {}, data(team.name), ' ', el('span', { class: 'muted' }, t(`team_kind.${team.kind}`))),
      step('edit-team', t('admin.teams.edit'), await this.form(team), { open: true })));
  }
}
