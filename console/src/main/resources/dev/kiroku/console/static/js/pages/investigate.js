// Investigate: from one clue (IP, domain, hash, file name, alert) through the four steps:
// who talked to it, how it got there, who else has it, what it did.
import {api} from '../api.js';
import {badge, h, link, pivot, section, table, time} from '../ui.js';
import {graphView} from '../graph.js';

const KINDS = ['ip', 'domain', 'hash', 'file', 'alert'];

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
  const report = await api.get(`/api/v1/investigate/${kind}/${encodeURIComponent(params.value)}`);
  page.append(h('div.steps',
    section('Who talked to it', () => whoTalked(report)),
    section('How it got there', () => howItGotThere(report)),
    section('Who else has it', () => whoElse(report)),
    section('What it did', () => whatItDid(report))),
    report.graph ? section('Graph', () => graphView(report.graph, {onExpand: (node, direction) => api.get('/api/v1/graph/expand', {node: node.id, direction})})) : null);
  return page;
}

function answer(step) {
  return step && step.message ? h('p.empty', step.message) : null;
}

function whoTalked(report) {
  const step = report.who_talked || {};
  return h('div', answer(step), table(step.contacts || [], [
    {title: 'Time', value: c => time(c.time)},
    {title: 'Endpoint', value: c => link('#/endpoints/' + encodeURIComponent(c.agent_id), {}, c.host_name || c.agent_id)},
    {title: 'Process', value: c => link('#/graph', {entity: c.process_entity_id}, c.process_name || c.process_entity_id)},
    {title: 'Executable', value: c => pivot('process.executable', c.executable)},
    {title: 'Destination', value: c => [c.destination_ip, c.destination_port].filter(Boolean).join(':')},
  ], {empty: step.message || 'Nobody.'}));
}

function howItGotThere(report) {
  const step = report.how_it_got_there || {};
  return h('div', answer(step), (step.chains || []).map(chain => h('div',
    h('h3', chain.host_name || chain.agent_id || ''),
    h('ol.chain', (chain.links || []).map(l => h('li',
      badge(l.kind), ' ', l.process_entity_id ? link('#/graph', {entity: l.process_entity_id}, l.label) : l.label,
      l.time ? ' · ' + time(l.time) : '',
      l.origin ? h('div', 'downloaded from ', pivot('destination.ip', l.origin)) : null))))));
}

function whoElse(report) {
  const step = report.who_else || {};
  return h('div', answer(step), table(step.endpoints || [], [
    {title: 'Endpoint', value: e => link('#/endpoints/' + encodeURIComponent(e.agent_id), {}, e.host_name || e.agent_id)},
    {title: 'Path', value: e => e.path},
    {title: 'SHA-256', value: e => pivot('file.hash.sha256', e.sha256)},
    {title: 'State', value: e => badge(e.state, e.state === 'dormant' ? 'medium' : 'high')},
    {title: 'First / last seen', value: e => `${time(e.first_seen)} / ${time(e.last_seen)}`},
  ], {empty: step.message || 'No other endpoint has it.'}));
}

function whatItDid(report) {
  const step = report.what_it_did || {};
  return h('div', answer(step), table(step.effects || [], [
    {title: 'Time', value: e => time(e.time)},
    {title: 'Endpoint', value: e => e.host_name || e.agent_id},
    {title: 'What', value: e => badge(e.kind)},
    {title: 'Detail', value: e => e.detail},
  ], {empty: step.message || 'Nothing recorded.'}));
}
