// Incidents: list; incident page with timeline, graph, endpoints, indicators, notes, actions, status and closure.
import {api} from '../api.js';
import {whileShown} from './endpoints.js';
import {badge, confirmAction, download, fact, h, link, replace, reshow, section, table, time} from '../ui.js';
import {needs} from '../roles.js';

const STATUSES = ['new', 'investigating', 'contained', 'closed'];

export async function render(params, args) {
  if (args.length) return incidentPage(args[0]);
  let incidents = await loadIncidents(params);
  const list = h('div', incidentTable(incidents, params));
  // Live: incidents the correlator opens while the list is shown appear without a reload (redrawn only when changed,
  // so a row is not replaced under the pointer for nothing).
  whileShown(list, 5, async () => {
    const now = await loadIncidents(params);
    if (JSON.stringify(now) === JSON.stringify(incidents)) return;
    incidents = now;
    replace(list, incidentTable(incidents, params));
  });
  return h('div', h('h1', 'Incidents'),
    h('div.toolbar', h('a', {href: '#/incidents'}, 'all'), STATUSES.map(s => link('#/incidents', {status: s}, s))),
    list);
}

async function loadIncidents(params) {
  return (await api.get('/api/v1/incidents', {status: params.status})).incidents || [];
}

function incidentTable(incidents, params) {
  return table(incidents, [
    {title: 'Id', value: i => link('#/incidents/' + i.id, {}, '#' + i.id)},
    {title: 'Title', value: i => i.title},
    {title: 'Status', value: i => statusBadge(i.status)},
    {title: 'Assignee', value: i => i.assignee || ''},
    {title: 'Endpoints', value: i => endpointsOf(i).length},
    {title: 'Alerts', value: i => (i.alerts || []).length},
    {title: 'Updated', value: i => time(i.updated)},
  ], {empty: params.status ? `No ${params.status} incidents.` : 'No incidents yet: the server opens one when related alerts fire.',
    onRow: i => { location.hash = '#/incidents/' + i.id; }});
}

const statusOf = incident => String(incident.status || '').toLowerCase();
const statusBadge = status => badge(String(status).toLowerCase(), String(status).toLowerCase());
const endpointsOf = incident => [...new Set((incident.alerts || []).map(a => a.host_name || a.agent_id))];

async function incidentPage(id) {
  const base = '/api/v1/incidents/' + encodeURIComponent(id);
  const [incident, timeline, exported] = await Promise.all([api.get(base), api.get(base + '/timeline'), api.get(base + '/indicators')]);
  incident.status = statusOf(incident);
  incident.timeline = timeline.timeline || [];
  incident.indicators = exported.indicators || [];
  return h('div',
    h('h1', `#${incident.id} ${incident.title} `, statusBadge(incident.status)),
    h('div.grid',
      section('Incident', () => h('dl.facts',
        fact('Status', statusControl(base, incident)),
        fact('Assignee', incident.assignee || ''),
        fact('Opened', time(incident.created)),
        fact('Causal roots', (incident.causal_roots || []).map(r => h('div', link('#/graph', {entity: r}, r)))),
        fact('Alerts', (incident.alerts || []).map(a => h('div', a.id ? link('#/alerts/' + a.id, {}, a.rule_title) : a.rule_title))),
        fact('Affected endpoints', endpointsOf(incident).join(', ')))),
      section('Indicators', () => h('div',
        table(incident.indicators || [], [{title: 'Type', value: i => i.type}, {title: 'Value', value: i => i.value}], {empty: 'None extracted.'}),
        (incident.indicators || []).length ? h('button.secondary', {...needs('analyst'), onclick: async () => {
          const list = incident.indicators.map(i => `${i.value}`).join('\n') + '\n';
          const r = await api.postText('/api/v1/indicators', list, {name: `incident-${incident.id}.txt`});
          alert(`The indicator store took ${r.stored} indicators from this incident.`);
        }}, 'Send to indicator store') : null))),
    section('Timeline', () => table(incident.timeline || [], [
      {title: 'Time', value: e => time(e.time || e['@timestamp'])},
      {title: 'Endpoint', value: e => e.host_name || e['host.name'] || ''},
      {title: 'What', value: e => e.action || e['event.action'] || ''},
      {title: 'Detail', value: e => e.detail || e['process.command_line'] || e['file.path'] || ''},
    ], {empty: 'No events.'})),
    section('Notes', () => notes(base, incident)),
    section('Response actions', () => table(incident.actions || [], [
      {title: 'Time', value: a => time(a.time)}, {title: 'Action', value: a => a.action},
      {title: 'Target', value: a => [a.target, a.agent_id].filter(Boolean).join(' on ')}, {title: 'By', value: a => a.actor},
      {title: 'Outcome', value: a => a.outcome},
    ], {empty: 'No actions taken yet.'})),
    section('Close', () => closing(base, incident)));
}

function statusControl(base, incident) {
  const select = h('select', {...needs('analyst')}, STATUSES.filter(s => s !== 'closed').map(s => h('option', {value: s, selected: incident.status === s}, s)));
  if (incident.status === 'closed') return 'closed';
  select.addEventListener('change', async () => {
    await api.post(base + '/status', {status: select.value});
    reshow();
  });
  return select;
}

function notes(base, incident) {
  const text = h('textarea', {...needs('analyst'), rows: 3, placeholder: 'What you found, what you did…'});
  return h('div',
    (incident.notes || []).map(n => h('div.note', h('small', `${n.author || ''} ${time(n.created)}`), h('p', n.text))),
    text, h('div.toolbar', h('button', {...needs('analyst'), onclick: async () => {
      await api.post(base + '/notes', {text: text.value});
      reshow();
    }}, 'Add note')));
}

function closing(base, incident) {
  const reportLinks = h('div.toolbar',
    h('button.secondary', {onclick: async () => {
      const r = await api.get(base + '/report', {format: 'html', envelope: 'json'});
      download(`kiroku-incident-${incident.id}.html`, 'text/html', r.content);
    }}, 'Closure report (HTML)'),
    h('button.secondary', {onclick: async () => {
      download(`kiroku-incident-${incident.id}.json`, 'application/json', JSON.stringify(await api.get(base + '/report'), null, 2));
    }}, 'Closure report (JSON)'));
  if (incident.status === 'closed') return reportLinks;
  const rootCause = h('textarea', {rows: 3, placeholder: 'Root cause: how the intrusion began'});
  const scope = h('textarea', {rows: 3, placeholder: 'Scope: which endpoints were affected and which were checked'});
  const result = h('div');
  return h('div', rootCause, scope, h('div.toolbar', h('button.danger', {...needs('analyst'), onclick: async () => {
    if (!await confirmAction('Close this incident?', 'Closing declares the incident over and produces the closure report.')) return;
    try {
      await api.post(base + '/close', {root_cause: rootCause.value, scope: scope.value});
      reshow();
    } catch (e) {
      replace(result, h('p.error', e.message));
    }
  }}, 'Close incident')), result);
}
