// Settings: enrolment tokens, users and roles, agent policies, and the audit trail (admin; docs/api.md).
// Retention: the --retention start option is the default until an admin sets it here (PUT /api/v1/settings/retention).
import {api} from '../api.js';
import {badge, bytes, fact, h, replace, section, table, time} from '../ui.js';
import {needs} from '../roles.js';

export async function render() {
  return h('div', h('h1', 'Settings'),
    h('div.grid',
      section('Enrolment token', () => tokenForm()),
      section('Users and roles', () => userForm())),
    section('Agent policy', () => policyForm()),
    section('Event store and retention', async () => h('div', storeStatus((await api.get('/api/v1/health')).store || {}),
      retentionForm(await api.get('/api/v1/settings/retention')))),
    section('Audit trail (newest first)', async () => {
      const audit = (await api.get('/api/v1/audit', {limit: 100})).audit || [];
      return table(audit, [
        {title: 'When', value: a => time(a.at || a.time)}, {title: 'Who', value: a => a.actor || a.user || ''},
        {title: 'What', value: a => a.action || ''}, {title: 'Detail', value: a => a.detail || a.target || ''},
      ], {empty: 'Nothing recorded yet.'});
    }));
}

/** PUT /api/v1/settings/retention: whole days; the store deletes older days at its next maintenance run. */
function retentionForm(current) {
  const days = h('input', {...needs('admin'), name: 'retention_days', type: 'number', min: 1, max: 36500, size: 6,
    value: current.retention_days ?? ''});
  const result = h('span', {'aria-live': 'polite'});
  const origin = current => current.source === 'settings' ? 'set here' : 'the --retention start option';
  return h('form.retention', {novalidate: true, onsubmit: async e => {
    e.preventDefault();
    try {
      const changed = await api.put('/api/v1/settings/retention', {retention_days: Number(days.value)});
      replace(result, `Events are now kept ${changed.retention_days} days (${origin(changed)}).`);
    } catch (err) {
      replace(result, h('span.error', err.message));
    }
  }}, h('div.toolbar', h('label', 'Keep events for ', days, ' days'),
    h('button', {...needs('admin'), type: 'submit'}, 'Save retention'),
    h('small', ` now ${current.retention_days ?? 'forever'} days, ${origin(current)}`)), result);
}

/** POST /api/v1/tokens: the token is shown once; the server keeps only its hash. */
function tokenForm() {
  const expires = h('input', {name: 'expires', value: '24h', size: 8});
  const group = h('input', {name: 'group', value: 'default', size: 16});
  const result = h('div', {'aria-live': 'polite'});
  return h('form', {onsubmit: async e => {
    e.preventDefault();
    try {
      const t = await api.post('/api/v1/tokens', {expires: expires.value, group: group.value});
      replace(result, h('p', 'Start an agent with this token (shown once, valid ', t.expiresIn, '):'),
        h('pre.token', `./kiroku agent --server ${location.hostname}:${t.fleetPort} --token ${t.token}`));
    } catch (err) {
      replace(result, h('p.error', err.message));
    }
  }}, h('div.toolbar', h('label', 'Valid for ', expires), h('label', 'Group ', group), h('button', {...needs('admin'), type: 'submit'}, 'Create token')), result);
}

/** POST /api/v1/users creates or replaces a user (passwords of at least 12 characters). */
function userForm() {
  const name = h('input', {name: 'name', autocomplete: 'off', required: true});
  const role = h('select', {name: 'role'}, ['viewer', 'analyst', 'admin'].map(r => h('option', {value: r}, r)));
  const password = h('input', {name: 'password', type: 'password', autocomplete: 'new-password', minlength: 12, required: true});
  const result = h('p', {'aria-live': 'polite'});
  return h('form', {onsubmit: async e => {
    e.preventDefault();
    try {
      const u = await api.post('/api/v1/users', {name: name.value.trim(), role: role.value, password: password.value});
      password.value = '';
      replace(result, `${u.name} is now ${u.role}.`);
    } catch (err) {
      replace(result, h('span.error', err.message));
    }
  }}, h('label', 'User', name), h('label', 'Role', role), h('label', 'Password (12 characters or more)', password),
  h('button', {...needs('admin'), type: 'submit'}, 'Create or replace user'), result);
}

/** policy.apply to a group or every agent: muted sensors, exclusions, journal size and retention. */
function policyForm() {
  const field = (key, label, placeholder) => h('label', label, h('input', {name: key, placeholder, size: 40}));
  const target = h('input', {name: 'target', value: 'all', size: 20});
  const fields = [
    field('version', 'Policy version (required)', 'e.g. 2026-11-27.1'),
    field('sensors.muted', 'Muted sensors', 'comma-separated, e.g. socket_inventory'),
    field('exclude.paths', 'Excluded paths', 'comma-separated globs'),
    field('exclude.processes', 'Excluded processes', 'comma-separated names'),
    field('journal.max_bytes', 'Journal size (bytes)', ''),
    field('journal.retention_hours', 'Journal retention (hours)', ''),
  ];
  const result = h('p', {'aria-live': 'polite'});
  return h('form', {onsubmit: async e => {
    e.preventDefault();
    const parameters = {};
    for (const label of fields) {
      const input = label.querySelector('input');
      if (input.value.trim()) parameters[input.name] = input.value.trim();
    }
    try {
      const issued = await api.post('/api/v1/commands', {target: target.value.trim(), type: 'policy.apply', parameters, expires: '24h'});
      replace(result, `Sent to ${issued.agents.length} endpoint(s); follow it on the Response page.`);
    } catch (err) {
      replace(result, h('span.error', err.message));
    }
  }}, h('label', 'Target (all, group:NAME or agent:ID)', target), fields, h('button', {...needs('analyst'), type: 'submit'}, 'Apply policy'), result);
}

/** The store's state and the days it holds (GET /api/v1/health); retention is the server's --retention start option. */
function storeStatus(store) {
  const state = String(store.state || 'unknown');
  return h('div',
    h('dl.facts',
      fact('State', [badge(state.toLowerCase(), state === 'OK' ? 'online' : 'danger'), store.detail ? ' ' + store.detail : '']),
      fact('Days held', store.oldestDay ? `${store.oldestDay} to ${store.newestDay} (${store.partitions} daily partitions)` : 'none yet'),
      fact('On disk', bytes(store.diskBytes))),
    h('p.hint', 'Whole days older than the retention are deleted. The retention is set when the server starts ',
      h('code', 'kiroku server --retention 30d'), ' and is not changed from the console.'));
}
