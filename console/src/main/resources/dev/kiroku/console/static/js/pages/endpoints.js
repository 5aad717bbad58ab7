// Endpoints: the fleet with search and filters; an endpoint's inventory, health, alerts, timeline and response.
import {api} from '../api.js';
import {fact, ago, badge, bytes, h, levelBadge, link, replace, section, table, time} from '../ui.js';
import {totalLoss} from './overview.js';
import {responseButtons} from './response.js';

/** The endpoints the server knows (or those matching the list parameters), in the console's shape. */
export async function loadEndpoints(params) {
  const body = await api.get('/api/v1/endpoints', params);
  return (body.endpoints || []).map(normalise);
}

/** GET /api/v1/endpoints (docs/api.md) in the console's shape. */
function normalise(e) {
  const inventory = e.inventory || {};
  return {
    id: e.agentId,
    hostname: e.hostName || inventory.hostName,
    status: e.status,
    os: [inventory.osName, inventory.osVersion].filter(Boolean).join(' '),
    kernel: inventory.kernel,
    version: inventory.agentVersion,
    addresses: inventory.ipAddresses || [],
    lastSeen: e.lastSeen,
    isolated: inventory.isolation === 'isolated',
    isolation: inventory.isolation,
    sensors: inventory.sensors || [],
    losses: inventory.losses || {},
    journalBytes: inventory.journalBytes,
    eventsReceived: e.eventsReceived,
    lag: e.lag,
  };
}

export function endpointState(e) {
  return e.status || 'offline';
}

const PAGE = 100;

export async function render(params, args) {
  if (args.length) return endpointPage(args[0]);
  const filter = h('input', {type: 'search', placeholder: 'Filter by name, address, OS…', value: params.filter || ''});
  const stateFilter = h('select', {'aria-label': 'State'}, [['all', 'all'], ['online', 'online'], ['offline', 'offline'],
    ['isolated', 'isolated'], ['loss', 'with loss']].map(([value, label]) => h('option', {value}, label)));
  stateFilter.value = params.state || 'all';
  const results = h('div');
  // Filtered and paged by the server (GET /api/v1/endpoints?q=&status=&offset=&limit=): a fleet of thousands stays quick.
  let shown = [];
  let timer = null;
  const load = async (append) => {
    const body = await api.get('/api/v1/endpoints', {q: filter.value.trim(), status: stateFilter.value === 'all' ? '' : stateFilter.value,
      offset: append ? shown.length : 0, limit: PAGE});
    shown = (append ? shown : []).concat((body.endpoints || []).map(normalise));
    const more = body.total > shown.length
      ? h('div.toolbar', h('span', `${shown.length} of ${body.total} endpoints`), h('button.secondary', {onclick: () => load(true)}, `Show ${Math.min(PAGE, body.total - shown.length)} more`))
      : h('p.hint', `${body.total} endpoint${body.total === 1 ? '' : 's'}`);
    replace(results, table(shown, [
      {title: 'Endpoint', value: e => link('#/endpoints/' + encodeURIComponent(e.id), {}, e.hostname || e.id)},
      {title: 'State', value: e => [badge(endpointState(e), endpointState(e)), e.isolated ? badge('isolated', 'danger') : '']},
      {title: 'OS', value: e => [e.os, e.kernel].filter(Boolean).join(' · ')},
      {title: 'Addresses', value: e => (e.addresses || []).join(', ')},
      {title: 'Last seen', value: e => ago(e.lastSeen)},
      {title: 'Events lost', value: e => totalLoss(e), className: 'num'},
    ], {empty: filter.value || stateFilter.value !== 'all' ? 'No endpoint matches.' : 'No endpoint has enrolled yet.'}), more);
  };
  filter.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => load(false).catch(e => replace(results, h('p.error', e.message))), 250);
  });
  stateFilter.addEventListener('change', () => load(false).catch(e => replace(results, h('p.error', e.message))));
  await load(false);
  return h('div', h('h1', 'Endpoints'), h('div.toolbar', filter, stateFilter), results);
}

/** One endpoint in the console's shape, or null when the server does not know it. */
async function loadEndpoint(id) {
  try {
    return normalise(await api.get(`/api/v1/endpoints/${encodeURIComponent(id)}`));
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

/** Calls update every few seconds while the element is on the page (live pages update without reload). */
export function whileShown(element, seconds, update) {
  const timer = setInterval(async () => {
    if (!element.isConnected) {
      clearInterval(timer);
      return;
    }
    try {
      await update();
    } catch {
      // the next round tries again; a signed-out user sees the sign-in dialog from api.js
    }
  }, seconds * 1000);
}

function heading(endpoint, id) {
  return [endpoint.hostname || id, ' ', badge(endpointState(endpoint), endpointState(endpoint)),
    endpoint.isolated ? badge('isolated', 'danger') : ''];
}

function inventory(endpoint, id) {
  return h('dl.facts',
    fact('Agent id', id), fact('OS', endpoint.os), fact('Kernel', endpoint.kernel),
    fact('Agent version', endpoint.version), fact('Addresses', (endpoint.addresses || []).join(', ')),
    fact('Last seen', `${time(endpoint.lastSeen)} (${ago(endpoint.lastSeen)})`),
    fact('Journal', bytes(endpoint.journalBytes)), fact('Events received', endpoint.eventsReceived),
    fact('Lag (recorded − stored)', endpoint.lag), fact('Isolation', endpoint.isolation));
}

function sensorsAndLoss(endpoint) {
  return [
    table(endpoint.sensors, [
      {title: 'Sensor', value: s => s.name}, {title: 'State', value: s => badge(s.state, s.state === 'running' ? 'online' : 'offline')},
      {title: 'Mode', value: s => s.mode}, {title: 'Detail', value: s => s.detail},
    ], {empty: 'The agent reported no sensors yet.'}),
    table(Object.entries(endpoint.losses), [{title: 'Source', value: ([k]) => k}, {title: 'Lost', value: ([, v]) => v, className: 'num'}],
      {empty: 'No loss reported.'})];
}

function timeline(events) {
  return table(events, [
    {title: 'Time', value: e => time(e['@timestamp'])}, {title: 'Action', value: e => e['event.action']},
    {title: 'Process', value: e => e['process.name']},
    {title: 'Detail', value: e => e['file.path'] || (e['destination.ip'] ? `${e['destination.ip']}:${e['destination.port'] ?? ''}` : '') || e['process.command_line'] || ''},
  ], {empty: 'No events match.'});
}

async function endpointPage(id) {
  const endpoint = await loadEndpoint(id);
  if (!endpoint) return h('p.error', `No endpoint ${id} is known to this server.`);
  const title = h('h1.endpoint-title', heading(endpoint, id));
  const facts = h('div', inventory(endpoint, id));
  const health = h('div', sensorsAndLoss(endpoint));
  const events = h('div.timeline', h('p.loading', 'Loading…'));
  const filter = h('input.timeline-filter', {type: 'search', size: 50, 'aria-label': 'Filter the timeline',
    placeholder: 'filter, e.g. event.category:file or process.name:curl'});
  const filterError = h('span.error');
  const loadTimeline = async () => {
    const q = `agent.id:"${id}"` + (filter.value.trim() ? ` AND (${filter.value.trim()})` : '');
    try {
      replace(events, timeline((await api.get('/api/v1/events', {q, limit: 50})).events));
      replace(filterError);
    } catch (e) {
      replace(filterError, e.message);
    }
  };
  filter.addEventListener('change', loadTimeline);
  const refresh = async () => {
    const now = await loadEndpoint(id);
    if (!now) return;
    replace(title, heading(now, id));
    replace(facts, inventory(now, id));
    replace(health, sensorsAndLoss(now));
  };
  const page = h('div',
    title,
    h('div.grid',
      section('Inventory', () => facts),
      section('Sensors and loss', () => health)),
    section('Response', () => responseButtons([id])),
    section('Recent alerts', async () => {
      const alerts = (await api.get('/api/v1/alerts', {agent: id, limit: 20})).alerts;
      return table(alerts, [
        {title: 'Last seen', value: a => time(a.last_seen)}, {title: 'Level', value: a => levelBadge(a.rule.level)},
        {title: 'Rule', value: a => link('#/alerts/' + a.id, {}, a.rule.title)}, {title: 'Count', value: a => a.count, className: 'num'},
      ], {empty: 'No alerts for this endpoint.'});
    }),
    section('Timeline (newest first, live)', async () => {
      await loadTimeline();
      return h('div', h('div.toolbar', filter, filterError), events);
    }, link('#/search', {q: `agent.id:"${id}"`}, 'open in search')));
  // A finished command (isolate, release…) changes the inventory: ask for it at once, then keep it live.
  page.addEventListener('kiroku:command-finished', () => api.post('/api/v1/commands',
    {target: `agent:${id}`, type: 'inventory.refresh', parameters: {}, expires: '10m'}).catch(() => {}));
  whileShown(page, 3, () => Promise.all([refresh(), loadTimeline()]));
  return page;
}
