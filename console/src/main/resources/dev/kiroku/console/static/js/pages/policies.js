// Response policies: automatic containment when an alert matches (GET/POST /api/v1/response/policies,
// PUT/DELETE /api/v1/response/policies/{id}; docs/api.md). A policy in dry run only records what it would have done.
import {api} from '../api.js';
import {badge, confirmAction, h, LEVELS, replace, reshow, section, table} from '../ui.js';
import {needs} from '../roles.js';

const PATH = '/api/v1/response/policies';
export const POLICY_ACTIONS = ['kill_tree', 'quarantine_file', 'isolate', 'block_hash'];

export async function render() {
  const form = h('div');
  const list = section('Policies', async () => policyTable(await loadPolicies(), form));
  replace(form, policyForm(null));
  return h('div', h('h1', 'Response policies'),
    h('p.hint', 'When an alert matches a policy\'s conditions, the server sends its actions to the alert\'s endpoint. ',
      'Start new policies in dry run: they record what they would have done without acting.'),
    list, section('New or edited policy', () => form));
}

async function loadPolicies() {
  const body = await api.get(PATH);
  return Array.isArray(body) ? body : (body.policies || []);
}

function policyTable(policies, form) {
  return table(policies, [
    {title: 'Name', value: p => p.name},
    {title: 'State', value: p => [badge(p.enabled ? 'enabled' : 'disabled', p.enabled ? 'online' : 'offline'), p.dry_run ? [' ', badge('dry run', 'medium')] : '']},
    {title: 'When', value: p => describe(p.conditions || {})},
    {title: 'Then', value: p => (p.actions || []).join(', ')},
    {title: '', value: p => h('div.toolbar',
      h('button.secondary', {...needs('analyst'), onclick: () => replace(form, policyForm(p))}, 'Edit'),
      h('button.secondary', {...needs('analyst'), onclick: async () => {
        if (!await confirmAction(`${p.enabled ? 'Disable' : 'Enable'} policy ${p.name}?`)) return;
        await save({...p, enabled: !p.enabled});
      }}, p.enabled ? 'Disable' : 'Enable'),
      h('button.danger', {...needs('analyst'), onclick: async () => {
        if (!await confirmAction(`Delete policy ${p.name}?`)) return;
        await api.delete(`${PATH}/${encodeURIComponent(p.id)}`);
        reshow();
      }}, 'Delete'))},
  ], {empty: 'No response policy yet: alerts only notify. Add one below.'});
}

function describe(c) {
  const parts = [];
  if (c.min_level) parts.push(`level ≥ ${c.min_level}`);
  if (c.rule_ids && c.rule_ids.length) parts.push(`rule ${c.rule_ids.join(' or ')}`);
  if (c.tags && c.tags.length) parts.push(`tag ${c.tags.join(' or ')}`);
  if (c.endpoints && c.endpoints.length) parts.push(`on ${c.endpoints.join(', ')}`);
  return parts.join('; ') || 'every alert';
}

async function save(policy) {
  if (policy.id !== undefined && policy.id !== null && policy.id !== '') await api.put(`${PATH}/${encodeURIComponent(policy.id)}`, policy);
  else await api.post(PATH, policy);
  reshow();
}

const words = text => text.split(/[\s,]+/).map(s => s.trim()).filter(Boolean);

/** The form for a new policy (policy null) or an existing one; errors from the server are shown under it. */
function policyForm(policy) {
  const p = policy || {name: '', enabled: true, dry_run: true, conditions: {}, actions: []};
  const c = p.conditions || {};
  const name = h('input', {name: 'name', required: true, value: p.name});
  const enabled = h('input', {type: 'checkbox', name: 'enabled'});
  enabled.checked = p.enabled !== false;
  const dryRun = h('input', {type: 'checkbox', name: 'dry_run'});
  dryRun.checked = p.dry_run !== false;
  const minLevel = h('select', {name: 'min_level'}, h('option', {value: ''}, 'any level'),
    [...LEVELS].reverse().map(l => h('option', {value: l}, l)));
  minLevel.value = c.min_level || '';
  const rules = h('input', {name: 'rule_ids', size: 60, placeholder: 'rule ids, comma-separated', value: (c.rule_ids || []).join(', ')});
  const tags = h('input', {name: 'tags', size: 60, placeholder: 'e.g. attack.t1059.004', value: (c.tags || []).join(', ')});
  const endpoints = h('input', {name: 'endpoints', size: 60, placeholder: 'agent ids or host names (empty: every endpoint)', value: (c.endpoints || []).join(', ')});
  const actions = POLICY_ACTIONS.map(a => {
    const box = h('input', {type: 'checkbox', name: 'action', value: a});
    box.checked = (p.actions || []).includes(a);
    return box;
  });
  const result = h('p', {'aria-live': 'polite'});
  return h('form.policy', {onsubmit: async e => {
    e.preventDefault();
    const chosen = actions.filter(b => b.checked).map(b => b.value);
    if (!chosen.length) return replace(result, h('span.error', 'Choose at least one action.'));
    try {
      await save({...(policy ? {id: policy.id} : {}), name: name.value.trim(), enabled: enabled.checked, dry_run: dryRun.checked,
        conditions: {rule_ids: words(rules.value), min_level: minLevel.value || null, tags: words(tags.value), endpoints: words(endpoints.value)},
        actions: chosen});
    } catch (err) {
      replace(result, h('span.error', err.message));
    }
  }},
    h('label', 'Name', name),
    h('label.check', enabled, ' enabled'), h('label.check', dryRun, ' dry run (record only)'),
    h('fieldset', h('legend', 'When an alert has'), h('label', 'Minimum level', minLevel), h('label', 'Rules', rules),
      h('label', 'Tags', tags), h('label', 'Endpoints', endpoints)),
    h('fieldset', h('legend', 'Then'), actions.map(b => h('label.check', b, ' ', b.value.replace(/_/g, ' ')))),
    h('div.toolbar', h('button', {...needs('analyst'), type: 'submit'}, policy ? 'Save policy' : 'Add policy'),
      policy ? h('button.secondary', {type: 'button', onclick: () => replace(result.closest('.section-body') || result, policyForm(null))}, 'New policy instead') : null),
    result);
}
