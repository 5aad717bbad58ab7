// Overview: alerts by severity over time, endpoint health, top rules and techniques, ATT&CK coverage.
// Every number here is counted by the server (GET /api/v1/alerts/summary, GET /api/v1/endpoints/summary),
// so the page costs the same with ten alerts or ten million events.
import {api} from '../api.js';
import {h, LEVELS, levelBadge, link, section, stackedBars, table} from '../ui.js';
import {attackMatrix} from '../attack.js';

const HOURS = 24;
const TOP = 10;

export async function render() {
  // Techniques for the matrix need more than the top ten; 200 rows is still a few kilobytes.
  const summary = api.get('/api/v1/alerts/summary', {last: `${HOURS}h`, bucket: '1h', top: 200});
  return h('div.overview',
    h('h1', 'Overview'),
    h('div.grid',
      section(`Alerts by severity, last ${HOURS} hours`, async () => severityChart(await summary)),
      section('Endpoints', async () => endpointSummary(await api.get('/api/v1/endpoints/summary')))),
    h('div.grid',
      section('Top rules', async () => topRules(await summary)),
      section('Top techniques', async () => topTechniques(await summary))),
    section(`ATT&CK coverage of the enabled rules (highlighted: fired in the last ${HOURS} hours)`, async () => {
      const [rules, s] = await Promise.all([api.get('/api/v1/rules').then(r => r.rules), summary]);
      return attackMatrix(rules, new Map(Object.entries(s.techniques || {})));
    }));
}

function severityChart(summary) {
  const labels = summary.buckets.map(b => `${String(new Date(b.start).getUTCHours()).padStart(2, '0')}h`);
  const series = LEVELS.map(level => ({label: level, className: 'level-' + level,
    values: summary.buckets.map(b => b.levels[level] || 0)}));
  const totals = LEVELS.map(level => [level, summary.totals[level] || 0]);
  if (totals.every(([, n]) => n === 0)) return h('p.empty', `No alerts in the last ${HOURS} h.`);
  return h('div',
    h('p.legend', totals.map(([level, n]) => h('span', levelBadge(level), ' ', link('#/alerts', {level, last: `${HOURS}h`}, n)))),
    stackedBars(labels, series));
}

function endpointSummary(fleet) {
  if (!fleet.total) {
    return h('p.empty', 'No endpoint has enrolled yet. Create a token with ', h('code', './kiroku token create'),
      ' and start an agent with it.');
  }
  return h('div',
    h('div.stats',
      stat('online', fleet.status.online || 0, {state: 'online'}), stat('offline', fleet.status.offline || 0, {state: 'offline'}),
      stat('isolated', fleet.isolated, {state: 'isolated'}), stat('with event loss', fleet.with_loss, {state: 'with loss'})),
    fleet.most_loss.length ? table(fleet.most_loss, [
      {title: 'Endpoint with loss', value: e => link('#/endpoints/' + encodeURIComponent(e.agentId), {}, e.hostName || e.agentId)},
      {title: 'Events lost', value: e => e.lost, className: 'num'},
    ]) : h('p.empty', 'No endpoint reported event loss.'));
}

/** Sum of an endpoint's loss counters. */
export function totalLoss(endpoint) {
  return Object.values(endpoint.losses || {}).reduce((sum, n) => sum + (Number(n) || 0), 0);
}

function stat(label, value, filter) {
  return h('a.stat', {href: '#/endpoints?' + new URLSearchParams(filter)}, h('strong', String(value)), h('span', label));
}

function topRules(summary) {
  return table(summary.top_rules.slice(0, TOP), [
    {title: 'Rule', value: r => link('#/alerts', {rule: r.id}, r.title || r.id)},
    {title: 'Level', value: r => levelBadge(r.level)},
    {title: 'Alerts', value: r => r.alerts, className: 'num'},
  ], {empty: `No alerts in the last ${HOURS} h.`});
}

function topTechniques(summary) {
  const top = Object.entries(summary.techniques || {}).slice(0, TOP);
  return table(top, [
    {title: 'Technique', value: ([t]) => link('#/alerts', {technique: t}, t.toUpperCase())},
    {title: 'Alerts', value: ([, n]) => n, className: 'num'},
  ], {empty: `No techniques fired in the last ${HOURS} h.`});
}
