// Rules: the loaded rule set with search, enable/disable, reload, adding a user rule, and load problems.
import {api} from '../api.js';
import {badge, confirmAction, h, levelBadge, replace, section, table} from '../ui.js';

export async function render(params) {
  const body = await api.get('/api/v1/rules');
  const filter = h('input', {type: 'search', placeholder: 'Filter by title, id, technique…', value: params.q || ''});
  const list = h('div');
  const refresh = () => {
    const text = filter.value.toLowerCase();
    const rows = body.rules.filter(r => !text || JSON.stringify(r).toLowerCase().includes(text));
    replace(list, table(rows, [
      {title: 'Level', value: r => levelBadge(r.level)},
      {title: 'Title', value: r => r.title},
      {title: 'Techniques', value: r => (r.techniques || []).map(t => t.toUpperCase()).join(' ')},
      {title: 'Source', value: r => badge(r.source)},
      {title: 'Enabled', value: r => toggle(r)},
    ], {empty: 'No rule matches.'}));
  };
  filter.addEventListener('input', refresh);
  refresh();
  return h('div',
    h('h1', 'Rules ', h('small', `${body.rules.length} rules`)),
    h('div.toolbar', filter, h('button.secondary', {onclick: reload}, 'Reload rules')),
    list,
    section('Add a rule (Sigma YAML)', () => addRuleForm()),
    (body.problems || []).length ? section('Load problems', () => table(body.problems, [
      {title: 'File', value: p => p.file ?? ''}, {title: 'Line', value: p => p.line ?? ''}, {title: 'Problem', value: p => p.message ?? p.reason ?? JSON.stringify(p)},
    ])) : null);
}

function toggle(rule) {
  const box = h('input', {type: 'checkbox', checked: rule.enabled !== false});
  box.addEventListener('change', async () => {
    try {
      await api.post(`/api/v1/rules/${encodeURIComponent(rule.id)}/${box.checked ? 'enable' : 'disable'}`);
      rule.enabled = box.checked;
    } catch (e) {
      box.checked = !box.checked;
      alert(e.message);
    }
  });
  return box;
}

async function reload() {
  if (!await confirmAction('Reload all rules from disk?')) return;
  const result = await api.post('/api/v1/rules/reload');
  alert(`Loaded ${result.rules} rules; ${(result.refused_files || []).length} files refused.`);
  location.reload();
}

function addRuleForm() {
  const yaml = h('textarea.code', {rows: 12, placeholder: 'title: …\nlogsource: …\ndetection: …'});
  const result = h('div');
  return h('div', yaml, h('div.toolbar', h('button', {onclick: async () => {
    try {
      const added = await api.postText('/api/v1/rules', yaml.value);
      replace(result, h('p', `Added ${(added.rules || []).join(', ')}.`));
    } catch (e) {
      replace(result, h('p.error', e.message));
    }
  }}, 'Add rule')), result);
}
