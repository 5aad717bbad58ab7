// Response: commands to endpoints with confirmation and live per-endpoint status, and the log of commands.
// The actions offered are the command types the agents run today (docs/api.md, POST /api/v1/commands).
import {api} from '../api.js';
import {badge, confirmAction, h, replace, section, table, time} from '../ui.js';

const ACTIONS = [
  {type: 'isolate', label: 'Isolate', danger: true, detail: 'The endpoint keeps only loopback and its connection to this server until released.'},
  {type: 'release', label: 'Release isolation'},
  {type: 'ping', label: 'Ping'},
  {type: 'inventory.refresh', label: 'Refresh inventory'},
  {type: 'policy.status', label: 'Show policy'},
];

/** Buttons that send a command to the given agents, with confirmation, then follow each delivery's state. */
export function responseButtons(agentIds) {
  const status = h('div');
  return h('div', h('div.toolbar', ACTIONS.map(a => h(a.danger ? 'button.danger' : 'button.secondary', {onclick: async () => {
    if (!await confirmAction(`${a.label}: ${agentIds.length === 1 ? agentIds[0] : agentIds.length + ' endpoints'}?`, a.detail)) return;
    try {
      const issued = [];
      for (const id of agentIds) issued.push(await api.post('/api/v1/commands', {target: `agent:${id}`, type: a.type, parameters: {}, expires: '1h'}));
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
    if (deliveries.length && deliveries.every(d => FINAL.includes(d.state))) return;
    await new Promise(r => setTimeout(r, 1000));
  }
}

function deliveryTable(deliveries) {
  return table(deliveries, [
    {title: 'Command', value: d => d.type}, {title: 'Endpoint', value: d => d.agentId},
    {title: 'State', value: d => badge(d.state, d.state === 'succeeded' ? 'done' : d.state)},
    {title: 'Output', value: d => typeof d.output === 'string' ? d.output : JSON.stringify(d.output ?? '')},
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
        {title: '', value: e => h('button.secondary', {onclick: async () => {
          if (!await confirmAction(`Unblock ${e.value} on every endpoint?`)) return;
          await api.delete('/api/v1/blocklist/' + e.id);
          location.reload();
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
  return h('div.toolbar', kind, value, reason, h('button.danger', {onclick: async () => {
    if (!await confirmAction(`Block ${value.value} on every endpoint?`)) return;
    try {
      await api.post('/api/v1/blocklist', {kind: kind.value, value: value.value.trim(), reason: reason.value});
      location.reload();
    } catch (e) {
      replace(result, h('span.error', e.message));
    }
  }}, 'Block everywhere'), result);
}

/** Imports an OpenIOC, STIX or list file; the server hunts back through the retention window with it. */
function indicatorUpload() {
  const file = h('input', {type: 'file'});
  const result = h('span');
  return h('div.toolbar', file, h('button', {onclick: async () => {
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
