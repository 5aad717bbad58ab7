// Response: commands to endpoints with confirmation and live per-endpoint status, and the log of commands.
// The actions offered are the command types the agents run today (docs/api.md, POST /api/v1/commands).
import {api} from '../api.js';
import {badge, confirmAction, download, h, replace, reshow, section, table, time} from '../ui.js';
import {needs} from '../roles.js';

/**
 * Every action the agents take (docs/response.md), with the parameters the analyst fills in. A field's value
 * becomes the command parameter of the same name; lines and commas both separate list values.
 */
export const ACTIONS = [
  {type: 'isolate', label: 'Isolate', danger: true, detail: 'The endpoint keeps only loopback and its connection to this server until released.',
    fields: [{name: 'allow', label: 'Also allow (addr:port, comma-separated)', optional: true}]},
  {type: 'release', label: 'Release isolation'},
  {type: 'kill', label: 'Kill process', danger: true, detail: 'The process is matched by its entity id, so a reused pid is never signalled.',
    fields: [{name: 'entity_ids', label: 'Process entity id(s)'}, {name: 'pid', label: 'pid (optional check)', optional: true},
      {name: 'tree', label: 'Kill the whole tree', type: 'checkbox', value: true}]},
  {type: 'quarantine', label: 'Quarantine file', danger: true, detail: 'The file is moved into the agent\'s encrypted quarantine; restore brings it back byte for byte.',
    fields: [{name: 'paths', label: 'Absolute paths, one per line', multiline: true}]},
  {type: 'restore', label: 'Restore file', fields: [{name: 'ids', label: 'Quarantine ids (from the quarantine result)'}]},
  {type: 'collect', label: 'Collect file', detail: 'Files up to 16 MiB are sent whole with their SHA-256.',
    fields: [{name: 'paths', label: 'Absolute paths, one per line', multiline: true}]},
  {type: 'block_hash', label: 'Block hash', danger: true, detail: 'Executions of files with this SHA-256 are refused on this endpoint.',
    fields: [{name: 'hashes', label: 'SHA-256 hashes'}, {name: 'reason', label: 'Reason', optional: true}]},
  {type: 'unblock_hash', label: 'Unblock hash', fields: [{name: 'hashes', label: 'SHA-256 hashes'}]},
  {type: 'block_destination', label: 'Block destination', danger: true,
    fields: [{name: 'targets', label: 'IPs, CIDRs or domains'}]},
  {type: 'unblock_destination', label: 'Unblock destination', fields: [{name: 'targets', label: 'IPs, CIDRs or domains'}]},
  {type: 'yara.scan', label: 'YARA scan', detail: 'The endpoint scans the paths and processes with these rules at a bounded rate.',
    fields: [{name: 'rules', label: 'YARA rules', multiline: true}, {name: 'paths', label: 'Paths to scan, one per line', multiline: true, optional: true},
      {name: 'pids', label: 'Process ids to scan', optional: true}], parameters: yaraRequest},
  {type: 'ping', label: 'Ping'},
  {type: 'inventory.refresh', label: 'Refresh inventory'},
  {type: 'policy.status', label: 'Show policy'},
];

/** The yara.scan command takes one parameter, a YaraScanRequest in JSON (docs/yara.md). */
function yaraRequest(values) {
  return {request: JSON.stringify({
    requestId: 'console-' + Date.now(),
    rules: [{name: 'console.yar', source: values.rules}],
    paths: list(values.paths),
    pids: list(values.pids).map(Number),
  })};
}

function list(text) {
  return String(text || '').split(/[\n,]/).map(s => s.trim()).filter(Boolean);
}

/** Turns the form's values into command parameters: list fields one value per line, as the agent reads them. */
function parametersOf(action, values) {
  if (action.parameters) return action.parameters(values);
  const parameters = {};
  for (const field of action.fields || []) {
    const value = values[field.name];
    if (field.type === 'checkbox') parameters[field.name] = String(value);
    else if (value) parameters[field.name] = list(value).join(field.multiline ? '\n' : ',');
  }
  return parameters;
}

/**
 * Buttons that send a command to the given agents (each opens a confirmation with the action's parameters), then
 * follow each delivery's state live until it is final.
 */
export function responseButtons(agentIds, {prefill = {}} = {}) {
  const status = h('div.command-status', {'aria-live': 'polite'});
  const who = agentIds.length === 1 ? agentIds[0] : agentIds.length + ' endpoints';
  return h('div', h('div.toolbar.response-actions', ACTIONS.map(a => h(a.danger ? 'button.danger' : 'button.secondary', {
    ...needs('analyst'), dataset: {action: a.type},
    onclick: async () => {
      const values = await confirmAction(`${a.label}: ${who}?`, a.detail, (a.fields || []).map(f => ({...f, value: prefill[f.name] ?? f.value})));
      if (!values) return;
      try {
        const parameters = parametersOf(a, values);
        const missing = (a.fields || []).filter(f => !f.optional && f.type !== 'checkbox' && !String(values[f.name] || '').trim());
        if (missing.length) throw new Error(`${a.label} needs ${missing.map(f => f.label).join(', ')}.`);
        const issued = [];
        for (const id of agentIds) issued.push(await api.post('/api/v1/commands', {target: `agent:${id}`, type: a.type, parameters, expires: '1h'}));
        follow(issued.map(c => c.id), status);
      } catch (e) {
        replace(status, h('p.error', e.message));
      }
    }}, a.label))), status);
}

const FINAL = ['succeeded', 'failed', 'expired'];

/** Polls commands until every delivery reached a final state (or two minutes passed). */
async function follow(ids, into) {
  for (let i = 0; i < 120; i++) {
    const deliveries = (await Promise.all(ids.map(id => api.get('/api/v1/commands/' + encodeURIComponent(id)))))
      .flatMap(r => r.deliveries || []);
    replace(into, deliveryTable(deliveries));
    if (deliveries.length && deliveries.every(d => FINAL.includes(d.state))) {
      into.dispatchEvent(new CustomEvent('kiroku:command-finished', {bubbles: true, detail: deliveries}));
      return;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

/** A delivery's output: the agent's results per target, with collected files offered as downloads. */
function output(d) {
  let results;
  try {
    results = typeof d.output === 'string' ? JSON.parse(d.output) : d.output;
  } catch {
    return d.output ?? '';
  }
  if (!Array.isArray(results)) return typeof d.output === 'string' ? d.output : JSON.stringify(d.output ?? '');
  return h('ul.results', results.map(r => h('li',
    badge(String(r.outcome || '').toLowerCase(), r.outcome === 'FAILED' ? 'failed' : 'done'), ' ', h('code', r.target), ' ', r.detail || '',
    r.data && r.data.content_base64 ? [' ', h('button.link', {onclick: () => saveCollected(r)}, 'download'),
      ' ', h('button.link', {...needs('analyst'), onclick: () => analyzeCollected(d)}, 'analyze in the sandbox')] : null)));
}

/** Sends every file the collect command brought back to the sandbox and says where each went. */
async function analyzeCollected(delivery) {
  if (!await confirmAction('Analyze the collected files in the sandbox?',
      'Each file is analysed statically and detonated; a high verdict blocks its hash on every endpoint.')) return;
  try {
    const answer = await api.post('/api/v1/sandbox/collected/' + encodeURIComponent(delivery.id), {});
    window.alert((answer.submitted || []).map(s => `${s.path}: ${s.state}${s.sha256 ? ' (' + s.sha256.slice(0, 12) + '…)' : ''}`)
      .join('\n') || 'nothing was collected');
  } catch (e) {
    window.alert('The sandbox refused: ' + e.message);
  }
}

function saveCollected(result) {
  const bytes = Uint8Array.from(atob(result.data.content_base64), c => c.charCodeAt(0));
  download((result.target.split('/').pop() || 'collected') + '.bin', 'application/octet-stream', bytes);
}

function deliveryTable(deliveries) {
  return table(deliveries, [
    {title: 'Command', value: d => d.type}, {title: 'Endpoint', value: d => d.agentId},
    {title: 'State', value: d => badge(d.state, d.state === 'succeeded' ? 'done' : d.state)},
    {title: 'Output', value: output},
  ], {empty: 'Waiting for the endpoints to answer…'});
}

export async function render() {
  return h('div', h('h1', 'Response'),
    section('Block list (every endpoint)', async () => {
      const entries = (await api.get('/api/v1/blocklist')).entries || [];
      return h('div', blockForm(), table(entries, [
        {title: 'Kind', value: e => e.kind}, {title: 'Value', value: e => h('code', e.value)},
        {title: 'Reason', value: e => e.reason || ''}, {title: 'Source', value: e => e.source || ''},
        {title: 'Added', value: e => `${time(e.created)} by ${e.createdBy || ''}`},
        {title: '', value: e => h('button.secondary', {...needs('analyst'), onclick: async () => {
          if (!await confirmAction(`Unblock ${e.value} on every endpoint?`)) return;
          await api.delete('/api/v1/blocklist/' + e.id);
          reshow();
        }}, 'Unblock')},
      ], {empty: 'Nothing is blocked.'}));
    }),
    section('Commands sent to endpoints', async () => {
      const commands = (await api.get('/api/v1/commands', {limit: 200})).commands || [];
      return table(commands, [
        {title: 'Issued', value: c => time(c.issued)}, {title: 'By', value: c => c.issuedBy},
        {title: 'Command', value: c => c.type}, {title: 'Target', value: c => c.target}, {title: 'Endpoint', value: c => c.agentId},
        {title: 'State', value: c => badge(c.state, c.state === 'succeeded' ? 'done' : c.state)},
        {title: 'Finished', value: c => time(c.finished)},
      ], {empty: 'No commands yet.'});
    }),
    section('Indicators', async () => {
      const indicators = (await api.get('/api/v1/indicators')).indicators || [];
      return h('div', indicatorUpload(), table(indicators.slice(0, 500), [
        {title: 'Type', value: i => i.type}, {title: 'Value', value: i => i.value}, {title: 'Source', value: i => i.source},
        {title: 'Action', value: i => i.action}, {title: 'Evaluable', value: i => i.evaluable ? 'yes' : badge('no: ' + i.not_evaluable_reason, 'medium')},
      ], {empty: 'No indicators imported.'}));
    }));
}

/** Blocks a SHA-256 or a destination (address, network, domain) on every endpoint. */
function blockForm() {
  const kind = h('select', h('option', {value: 'hash'}, 'SHA-256'), h('option', {value: 'destination'}, 'destination'));
  const value = h('input', {placeholder: 'hash, IP, CIDR or domain', size: 66});
  const reason = h('input', {placeholder: 'reason'});
  const result = h('span');
  return h('div.toolbar', kind, value, reason, h('button.danger', {...needs('analyst'), onclick: async () => {
    if (!await confirmAction(`Block ${value.value} on every endpoint?`)) return;
    try {
      await api.post('/api/v1/blocklist', {kind: kind.value, value: value.value.trim(), reason: reason.value});
      reshow();
    } catch (e) {
      replace(result, h('span.error', e.message));
    }
  }}, 'Block everywhere'), result);
}

/** Imports an OpenIOC, STIX or list file; the server hunts back through the retention window with it. */
function indicatorUpload() {
  const file = h('input', {type: 'file'});
  const result = h('span');
  return h('div.toolbar', file, h('button', {...needs('analyst'), onclick: async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    try {
      const r = await api.postText('/api/v1/indicators', await chosen.text(), {name: chosen.name});
      replace(result, `${r.stored} indicators stored, ${r.evaluable} evaluable; a retro-hunt is running.`);
    } catch (e) {
      replace(result, h('span.error', e.message));
    }
  }}, 'Import indicators'), result);
}
