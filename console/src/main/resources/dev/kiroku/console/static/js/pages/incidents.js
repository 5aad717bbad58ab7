// Incidents: list; incident page with timeline, graph, endpoints, indicators, notes, actions, status and closure.
import {api} from '../api.js';
import {badge, confirmAction, fact, h, link, replace, section, table, time} from '../ui.js';

const STATUSES = ['new', 'investigating', 'contained', 'closed'];

export async function render(params, args) {
  if (args.length) return incidentPage(args[0]);
  const incidents = (await api.get('/api/v1/incidents', {status: params.status})).incidents || [];
  return h('div', h('h1', 'Incidents'),
    h('div.toolbar', h('a', {href: '#/incidents'}, 'all'), STATUSES.map(s => link('#/incidents', {status: s}, s))),
    table(incidents, [
      {title: 'Id', value: i => link('#/incidents/' + i.id, {}, '#' + i.id)},
      {title: 'Title', value: i => i.title},
      {title: 'Status', value: i => badge(i.status, i.status)},
      {title: 'Assignee', value: i => i.assignee || ''},
      {title: 'Endpoints', value: i => (i.endpoints || []).length},
      {title: 'Alerts', value: i => (i.alert_ids || i.alerts || []).length},
      {title: 'Updated', value: i => time(i.updated)},
    ], {empty: 'No incidents.', onRow: i => { location.hash = '#/incidents/' + i.id; }}));
}

async function incidentPage(id) {
  const incident = await api.get('/api/v1/incidents/' + encodeURIComponent(id));
  const base = '/api/v1/incidents/' + encodeURIComponent(id);
  return h('div',
    h('h1', `#${incident.id} ${incident.title} `, badge(incident.status, incident.status)),
    h('div.grid',
      section('Incident', () => h('dl.facts',
        fact('Status', statusControl(base, incident)),
        fact('Assignee', incident.assignee || ''),
        fact('Opened', time(incident.created)),
        fact('Root process', incident.root_entity_id ? link('#/graph', {entity: incident.root_entity_id}, incident.root_entity_id) : ''),
        fact('Affected endpoints', (incident.endpoints || []).map(e => link('#/endpoints/' + encodeURIComponent(e), {}, e)).flatMap((l, i) => i ? [', ', l] : [l])))),
      section('Indicators', () => h('div',
        table(incident.indicators || [], [{title: 'Type', value: i => i.type}, {title: 'Value', value: i => i.value}], {empty: 'None extracted.'}),
        (incident.indicators || []).length ? h('button.secondary', {onclick: async () => {
          const r = await api.post(base + '/indicators/export');
          alert(`Sent ${r.exported ?? (incident.indicators || []).length} indicators to the indicator store.`);
        }}, 'Send to indicator store') : null))),
    section('Timeline', () => table(incident.timeline || [], [
      {title: 'Time', value: e => time(e.time || e['@timestamp'])},
      {title: 'Endpoint', value: e => e.host_name || e['host.name'] || ''},
      {title: 'What', value: e => e.action || e['event.action'] || ''},
      {title: 'Detail', value: e => e.detail || e['process.command_line'] || e['file.path'] || ''},
    ], {empty: 'No events.'})),
    section('Notes', () => notes(base, incident)),
    section('Response actions', () => table(incident.actions || [], [
      {title: 'Time', value: a => time(a.time)}, {title: 'Action', value: a => a.action || a.type},
      {title: 'Target', value: a => a.target}, {title: 'Result', value: a => a.result || a.outcome},
    ], {empty: 'No actions taken yet.'})),
    section('Close', () => closing(base, incident)));
}

function statusControl(base, incident) {
  const select = h('select', STATUSES.filter(s => s !== 'closed').map(s => h('option', {value: s, selected: incident.status === s}, s)));
  if (incident.status === 'closed') return 'closed';
  select.addEventListener('change', async () => {
    await api.post(base + '/status', {status: select.value});
    location.reload();
  });
  return select;
}

function notes(base, incident) {
  const text = h('textarea', {rows: 3, placeholder: 'What you found, what you did…'});
  return h('div',
    (incident.notes || []).map(n => h('div.note', h('small', `${n.author || ''} ${time(n.time)}`), h('p', n.text))),
    text, h('div.toolbar', h('button', {onclick: async () => {
      await api.post(base + '/notes', {text: text.value});
      location.reload();
    }}, 'Add note')));
}

function closing(base, incident) {
  const reportLinks = h('p', h('a', {href: base + '/report.html', target: '_blank'}, 'Closure report (HTML)'), ' · ',
    h('a', {href: base + '/report.json', target: '_blank'}, 'JSON'));
  if (incident.status === 'closed') return reportLinks;
  const rootCause = h('textarea', {rows: 3, placeholder: 'Root cause: how the intrusion began'});
  const scope = h('textarea', {rows: 3, placeholder: 'Scope: which endpoints were affected and which were checked'});
  const result = h('div');
  return h('div', rootCause, scope, h('div.toolbar', h('button.danger', {onclick: async () => {
    if (!await confirmAction('Close this incident?', 'Closing declares the incident over and produces the closure report.')) return;
    try {
      await api.post(base + '/close', {root_cause: rootCause.value, scope: scope.value});
      location.reload();
    } catch (e) {
      replace(result, h('p.error', e.message));
    }
  }}, 'Close incident')), result);
}
