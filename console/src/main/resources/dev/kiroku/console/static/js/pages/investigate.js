// Investigate: from one clue (IP, domain, hash, file name, alert) through the four steps:
// who talked to it, how it got there, who else has it, what it did (GET /api/v1/investigate/…).
import {api} from '../api.js';
import {badge, h, link, pivot, section, table, time} from '../ui.js';
import {graphView} from '../graph.js';
import {consoleGraph, expand} from './graph.js';

const KINDS = ['ip', 'domain', 'hash', 'file', 'alert'];

function request(kind, value) {
  const v = encodeURIComponent(value);
  return kind === 'file' ? api.get('/api/v1/investigate/file', {name: value}) : api.get(`/api/v1/investigate/${kind}/${v}`);
}

export async function render(params) {
  const kind = KINDS.includes(params.kind) ? params.kind : 'ip';
  const form = h('form.toolbar', {onsubmit: e => {
    e.preventDefault();
    location.hash = '#/investigate?' + new URLSearchParams({kind: e.target.kind.value, value: e.target.value.value.trim()});
  }}, h('select', {name: 'kind'}, KINDS.map(k => h('option', {value: k, selected: k === kind}, k))),
  h('input', {name: 'value', placeholder: '203.0.113.5, evil.example, a SHA-256, payload.sh or an alert id', value: params.value || '', size: 60}),
  h('button', {type: 'submit'}, 'Investigate'));
  const page = h('div', h('h1', 'Investigate'), form);
  if (!params.value) return page;
  const report = await request(kind, params.value);
  page.append(
    (report.answers || []).length ? h('section.card.answers', (report.answers || []).map(a => h('p', a))) : null,
    h('div.steps',
      section('Who talked to it', () => whoTalked(report)),
      section('How it got there', () => howItGotThere(report)),
      section('Who else has it', () => whoElse(report)),
      section('What it did', () => whatItDid(report))),
    (report.chains || []).length ? section('Graph', () => graphView(
      consoleGraph(report.chains[0].graph, (report.chains[0].chain || []).map(l => l.process.entity_id)), {onExpand: expand})) : null,
    (report.cuts || []).length ? h('p.error', report.cuts.join(' ')) : null);
  return page;
}

function processLink(p) {
  return p ? link('#/graph', {entity: p.entity_id}, `${p.executable || '?'} (pid ${p.pid}) on ${p.host_name || p.agent_id}`) : '';
}

function whoTalked(report) {
  return table(report.contacts || [], [
    {title: 'First / last', value: c => `${time(c.first)} / ${time(c.last)}`},
    {title: 'Endpoint', value: c => link('#/endpoints/' + encodeURIComponent(c.agent_id), {}, c.host_name || c.agent_id)},
    {title: 'Process', value: c => link('#/graph', {entity: c.process_entity_id}, `${c.executable || '?'} (pid ${c.pid})`)},
    {title: 'Command line', value: c => c.command_line},
    {title: 'How', value: c => [c.relation, ' ', (c.remotes || []).join(', ')]},
    {title: 'Times', value: c => c.count, className: 'num'},
  ], {empty: (report.answers || [])[0] || 'Nobody.'});
}

function howItGotThere(report) {
  const chains = report.chains || [];
  if (!chains.length) return h('p.empty', 'No process chain to show.');
  return h('div', chains.map(rc => h('div',
    h('h3', processLink(rc.subject)),
    h('ol.chain', (rc.chain || []).map(l => h('li',
      processLink(l.process), l.process && l.process.args ? h('div', h('code', l.process.args.join(' '))) : null,
      l.entered_from ? h('div', badge('entered from'), ' ', pivot('source.ip', l.entered_from.peer_address)) : null,
      (l.origins || []).map(o => h('div',
        badge(o.role || 'file'), ' ', o.path, o.writer ? [' written by ', processLink(o.writer.process), ' at ', time(o.writer.time)] : ' (writer not recorded)',
        o.writer && (o.writer.download || []).length ? h('div', 'download origin: ',
          o.writer.download.map(d => pivot('destination.ip', `${d.remote_address}:${d.remote_port}`))) : null))))),
    rc.boundary ? h('p.empty', rc.boundary) : null)));
}

function whoElse(report) {
  const rows = (report.scope || []).flatMap(s => (s.endpoints || []).map(p => ({...p, artifact: s.path || s.name})));
  return table(rows, [
    {title: 'Endpoint', value: p => link('#/endpoints/' + encodeURIComponent(p.agent_id), {}, p.host_name || p.agent_id)},
    {title: 'Artifact', value: p => p.artifact},
    {title: 'Paths', value: p => (p.paths || []).join(', ')},
    {title: 'SHA-256', value: p => pivot('file.hash.sha256', p.sha256)},
    {title: 'State', value: p => badge(String(p.state).toLowerCase().replace('_', ' '), p.state === 'DORMANT' ? 'medium' : 'high')},
    {title: 'First / last seen', value: p => `${time(p.first_seen)} / ${time(p.last_seen)}`},
  ], {empty: 'No other endpoint has it.'});
}

function whatItDid(report) {
  const effects = [];
  for (const impact of report.impacts || []) {
    for (const d of impact.processes || []) effects.push({time: d.process.start_time, what: 'process', detail: processLink(d.process)});
    for (const f of impact.files || []) effects.push({time: f.time, what: f.action, detail: f.path});
    for (const c of impact.connections || []) effects.push({time: c.time, what: c.action, detail: `${c.remote_address}:${c.remote_port}`});
  }
  effects.sort((a, b) => String(a.time).localeCompare(String(b.time)));
  return table(effects, [
    {title: 'Time', value: e => time(e.time)}, {title: 'What', value: e => badge(e.what)}, {title: 'Detail', value: e => e.detail},
  ], {empty: 'Nothing recorded after it.'});
}
