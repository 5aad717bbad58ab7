// Response: actions on endpoints with confirmation and live status, the block list, and the action log.
import {api} from '../api.js';
import {badge, confirmAction, h, replace, section, table, time} from '../ui.js';

const ACTIONS = [
  {type: 'isolate', label: 'Isolate', danger: true},
  {type: 'release', label: 'Release isolation'},
];

/** Buttons that issue endpoint-wide actions to the given agents, with confirmation and the command's status. */
export function responseButtons(agentIds) {
  const status = h('div');
  return h('div', h('div.toolbar', ACTIONS.map(a => h('button' + (a.danger ? '.danger' : '.secondary'), {onclick: async () => {
    if (!await confirmAction(`${a.label} ${agentIds.length === 1 ? agentIds[0] : agentIds.length + ' endpoints'}?`)) return;
    try {
      const issued = await api.post('/api/v1/commands', {type: a.type, targets: agentIds, parameters: {}});
      follow(issued, status);
    } catch (e) {
      replace(status, h('p.error', e.message));
    }
  }}, a.label))), status);
}

/** Polls a command until every target answered. */
async function follow(issued, into) {
  const id = issued.id;
  for (let i = 0; i < 120; i++) {
    const command = await api.get('/api/v1/commands/' + encodeURIComponent(id));
    replace(into, commandView(command));
    if (['done', 'failed', 'expired'].includes(command.state)) return;
    await new Promise(r => setTimeout(r, 1000));
  }
}

function commandView(command) {
  return h('div', h('p', `${command.type}: `, badge(command.state || 'pending', command.state)),
    table(command.results || [], [
      {title: 'Endpoint', value: r => r.agent_id}, {title: 'Outcome', value: r => badge(r.status, r.status)}, {title: 'Detail', value: r => r.detail || ''},
    ], {empty: 'Waiting for the endpoints to answer…'}));
}

export async function render() {
  return h('div', h('h1', 'Response'),
    section('Blocked hashes and destinations', async () => {
      const blocks = (await api.get('/api/v1/blocklist')).entries || [];
      return table(blocks, [
        {title: 'Type', value: b => b.type}, {title: 'Value', value: b => b.value}, {title: 'Reason', value: b => b.reason || ''},
        {title: 'Added', value: b => time(b.created)},
      ], {empty: 'Nothing is blocked.'});
    }),
    section('Actions taken', async () => {
      const commands = (await api.get('/api/v1/commands')).commands || [];
      return table(commands, [
        {title: 'Issued', value: c => time(c.issued)}, {title: 'By', value: c => c.issued_by},
        {title: 'Action', value: c => c.type}, {title: 'Target', value: c => c.target},
        {title: 'State', value: c => badge(c.state, c.state)},
      ], {empty: 'No actions yet.'});
    }));
}
