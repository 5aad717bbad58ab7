// Alerts: list with filters, triage (status, assignee, false positive → exception with preview), alert page.
import {api} from '../api.js';
import {fact, badge, confirmAction, h, LEVELS, levelBadge, link, pivot, replace, section, table, time} from '../ui.js';
import {needs} from '../roles.js';

const STATUSES = ['open', 'acknowledged', 'false_positive', 'resolved'];

const PAGE = 100;

export async function render(params, args) {
  if (args.length) return alertPage(args[0]);
  const form = filters(params);
  // The first 100 alerts (newest first), then 100 more on demand: the list stays quick with hundreds of thousands stored.
  // The technique filter is applied here, so it looks at the newest 500 at a time.
  const query = {rule: params.rule, level: params.level, host: params.host, agent: params.agent,
    status: params.status, last: params.last || '7d', limit: params.technique ? 500 : PAGE};
  const results = h('div');
  const load = async limit => {
    let alerts = (await api.get('/api/v1/alerts', {...query, limit})).alerts;
    const full = alerts.length === limit;
    if (params.technique) alerts = alerts.filter(a => (a.rule.techniques || []).includes(params.technique));
    replace(results, alertTable(alerts, params, query.last),
      full && limit < 10_000 ? h('div.toolbar', h('span', `the newest ${alerts.length} shown`),
        h('button.secondary', {onclick: () => load(Math.min(10_000, limit + (params.technique ? 500 : PAGE)))
          .catch(e => replace(results, h('p.error', e.message)))}, 'Show more')) : null);
  };
  await load(query.limit);
  return h('div', h('h1', 'Alerts'), form,
    params.technique ? h('p', 'Technique ', badge(params.technique.toUpperCase())) : null,
    results);
}

function alertTable(alerts, params, last) {
  return table(alerts, [
    {title: 'Last seen', value: a => time(a.last_seen)},
    {title: 'Level', value: a => levelBadge(a.rule.level)},
    {title: 'Rule', value: a => link('#/alerts/' + a.id, {}, a.rule.title)},
    {title: 'Endpoint', value: a => link('#/endpoints/' + encodeURIComponent(a.agent_id), {}, a.host_name || a.agent_id)},
    {title: 'Techniques', value: a => (a.rule.techniques || []).map(t => t.toUpperCase()).join(' ')},
    {title: 'Status', value: a => badge(a.status || 'open', a.status || 'open')},
    {title: 'Assignee', value: a => a.assignee || ''},
    {title: 'Count', value: a => a.count, className: 'num'},
  ], {empty: ['rule', 'level', 'host', 'agent', 'status', 'technique'].some(k => params[k])
    ? `No alert in the last ${last} matches these filters.` : `No alerts in the last ${last}.`,
  onRow: a => { location.hash = '#/alerts/' + a.id; }});
}

function filters(params) {
  const field = (name, placeholder) => h('input', {name, placeholder, value: params[name] || ''});
  const select = (name, values) => h('select', {name},
    h('option', {value: ''}, `any ${name}`), values.map(v => h('option', {value: v, selected: params[name] === v}, v)));
  return h('form.toolbar', {onsubmit: e => {
    e.preventDefault();
    const data = Object.fromEntries([...new FormData(e.target).entries()].filter(([, v]) => v));
    location.hash = '#/alerts?' + new URLSearchParams(data);
  }},
  select('level', LEVELS), select('status', STATUSES), field('rule', 'rule id'), field('technique', 'technique (t1059)'),
  field('host', 'host name'), field('last', 'window (7d)'), h('button', {type: 'submit'}, 'Filter'));
}

async function alertPage(id) {
  const alert = await api.get('/api/v1/alerts/' + encodeURIComponent(id));
  const events = alert.events || [];
  return h('div',
    h('h1', levelBadge(alert.rule.level), ' ', alert.rule.title),
    h('div.grid',
      section('Alert', () => h('dl.facts',
        fact('Rule', [alert.rule.id, ' ', link('#/rules', {q: alert.rule.id}, '(rule)')]),
        fact('Endpoint', link('#/endpoints/' + encodeURIComponent(alert.agent_id), {}, alert.host_name || alert.agent_id)),
        fact('Process', alert.process_entity_id ? link('#/graph', {entity: alert.process_entity_id}, alert.process_entity_id) : ''),
        fact('First / last seen', `${time(alert.first_seen)} / ${time(alert.last_seen)}`),
        fact('Occurrences', alert.count),
        fact('Techniques', (alert.rule.techniques || []).map(t => t.toUpperCase()).join(' ')),
        fact('Tactics', (alert.rule.tactics || []).join(', ')),
        fact('References', (alert.rule.references || []).map(r => h('div', h('a', {href: r, rel: 'noreferrer', target: '_blank'}, r)))))),
      section('Triage', () => triage(alert))),
    section('Matched events', () => h('div', events.map(eventDetail))),
    alert.process_entity_id ? h('p', link('#/graph', {entity: alert.process_entity_id}, 'Open the process in the graph →'), ' · ',
      link('#/investigate', {kind: 'alert', value: alert.id}, 'Investigate this alert →')) : null);
}

function triage(alert) {
  const status = h('select', {...needs('analyst')}, STATUSES.map(s => h('option', {value: s, selected: (alert.status || 'open') === s}, s)));
  const assignee = h('input', {...needs('analyst'), placeholder: 'assignee', value: alert.assignee || ''});
  const note = h('p');
  const save = async () => {
    try {
      await api.post(`/api/v1/alerts/${alert.id}/triage`, {status: status.value, assignee: assignee.value || null});
      replace(note, 'Saved.');
    } catch (e) {
      replace(note, h('span.error', e.message));
    }
  };
  return h('div',
    h('div.toolbar', status, assignee, h('button', {...needs('analyst'), onclick: save}, 'Save')), note,
    h('h3', 'False positive? Turn it into an exception'),
    exceptionBuilder(alert));
}

/** Pick field values of the matched event; preview how many alerts the exception would suppress; add it. */
function exceptionBuilder(alert) {
  const event = (alert.events || [])[0] || {};
  const candidates = ['process.executable', 'process.parent.executable', 'process.command_line', 'user.name', 'host.name', 'file.path', 'destination.ip']
    .filter(f => event[f] !== undefined);
  const boxes = candidates.map(f => ({field: f, value: String(event[f]), box: h('input', {type: 'checkbox'})}));
  const result = h('p');
  const body = () => ({
    rule_id: alert.rule.id,
    comment: `false positive of alert ${alert.id}`,
    conditions: boxes.filter(b => b.box.checked).map(b => ({field: b.field, value: b.value})),
  });
  const preview = async () => {
    try {
      const p = await api.post('/api/v1/exceptions/preview', body());
      replace(result, `Would suppress ${p.would_suppress} of the last ${p.alerts_checked} alerts.`);
    } catch (e) { replace(result, h('span.error', e.message)); }
  };
  const add = async () => {
    if (!await confirmAction('Add this exception?', 'Matching events will no longer raise alerts for this rule.')) return;
    try {
      const created = await api.post('/api/v1/exceptions', body());
      await api.post(`/api/v1/alerts/${alert.id}/triage`, {status: 'false_positive'}).catch(() => null);
      replace(result, `Exception ${created.id ?? ''} added.`);
    } catch (e) { replace(result, h('span.error', e.message)); }
  };
  if (!boxes.length) return h('p.empty', 'The matched event has no fields to build an exception from.');
  return h('div', boxes.map(b => h('label.check', b.box, h('code', b.field), ' = ', h('span.value', b.value))),
    h('div.toolbar', h('button.secondary', {...needs('analyst'), onclick: preview}, 'Preview'), h('button', {...needs('analyst'), onclick: add}, 'Add exception')), result);
}

export function eventDetail(event) {
  const keys = Object.keys(event).sort();
  return h('details.event', {open: true},
    h('summary', time(event['@timestamp']), ' ', event['event.action'] || '', ' ', event['process.name'] || ''),
    h('table.fields', keys.map(k => h('tr', h('th', k), h('td', pivot(k, event[k]))))));
}
