// Overview: alerts by severity over time, endpoint health, top rules and techniques, ATT&CK coverage.
import {api} from '../api.js';
import {h, LEVELS, levelBadge, link, section, stackedBars, table} from '../ui.js';
import {attackMatrix} from '../attack.js';
import {endpointState, loadEndpoints} from './endpoints.js';

const HOURS = 24;

export async function render() {
  const alertsPromise = api.get('/api/v1/alerts', {last: `${HOURS}h`, limit: 5000}).then(r => r.alerts);
  return h('div.overview',
    h('h1', 'Overview'),
    h('div.grid',
      section(`Alerts by severity, last ${HOURS} hours`, async () => severityChart(await alertsPromise)),
      section('Endpoints', async () => endpointSummary(await loadEndpoints()))),
    h('div.grid',
      section('Top rules', async () => topRules(await alertsPromise)),
      section('Top techniques', async () => topTechniques(await alertsPromise))),
    section('ATT&CK coverage of the enabled rules (highlighted: fired in the last 24 hours)', async () => {
      const [rules, alerts] = await Promise.all([api.get('/api/v1/rules').then(r => r.rules), alertsPromise]);
      return attackMatrix(rules, techniqueCounts(alerts));
    }));
}

function severityChart(alerts) {
  const now = Date.now();
  const hourStart = i => new Date(now - (HOURS - 1 - i) * 3600_000);
  const labels = Array.from({length: HOURS}, (_, i) => `${String(hourStart(i).getUTCHours()).padStart(2, '0')}h`);
  const series = LEVELS.map(level => ({label: level, className: 'level-' + level, values: new Array(HOURS).fill(0)}));
  for (const alert of alerts) {
    const index = HOURS - 1 - Math.floor((now - new Date(alert.last_seen)) / 3600_000);
    const s = series.find(x => x.label === alert.rule.level) || series[series.length - 1];
    if (index >= 0 && index < HOURS) s.values[index] += 1;
  }
  const totals = LEVELS.map(level => [level, alerts.filter(a => a.rule.level === level).length]);
  return h('div',
    h('p.legend', totals.map(([level, n]) => h('span', levelBadge(level), ' ', link('#/alerts', {level}, n)))),
    stackedBars(labels, series));
}

function endpointSummary(endpoints) {
  const count = state => endpoints.filter(e => endpointState(e) === state).length;
  const lossy = endpoints.filter(e => totalLoss(e) > 0);
  return h('div',
    h('div.stats',
      stat('online', count('online')), stat('offline', count('offline')), stat('isolated', endpoints.filter(e => e.isolated).length),
      stat('with event loss', lossy.length)),
    lossy.length ? table(lossy, [
      {title: 'Endpoint with loss', value: e => link('#/endpoints/' + encodeURIComponent(e.id), {}, e.hostname || e.id)},
      {title: 'Events lost', value: e => totalLoss(e)},
    ]) : h('p.empty', 'No endpoint reported event loss.'));
}

export function totalLoss(endpoint) {
  return Object.values(endpoint.losses || {}).reduce((sum, n) => sum + (Number(n) || 0), 0);
}

function stat(label, value) {
  return h('div.stat', h('strong', value), h('span', label));
}

function topRules(alerts) {
  const counts = new Map();
  for (const a of alerts) {
    const entry = counts.get(a.rule.id) || {rule: a.rule, alerts: 0};
    entry.alerts += 1;
    counts.set(a.rule.id, entry);
  }
  const top = [...counts.values()].sort((a, b) => b.alerts - a.alerts).slice(0, 10);
  return table(top, [
    {title: 'Rule', value: e => link('#/alerts', {rule: e.rule.id}, e.rule.title)},
    {title: 'Level', value: e => levelBadge(e.rule.level)},
    {title: 'Alerts', value: e => e.alerts, className: 'num'},
  ], {empty: 'No alerts in the last 24 hours.'});
}

function techniqueCounts(alerts) {
  const counts = new Map();
  for (const a of alerts) for (const t of a.rule.techniques || []) counts.set(t, (counts.get(t) || 0) + 1);
  return counts;
}

function topTechniques(alerts) {
  const top = [...techniqueCounts(alerts).entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
  return table(top, [
    {title: 'Technique', value: ([t]) => link('#/alerts', {technique: t}, t.toUpperCase())},
    {title: 'Alerts', value: ([, n]) => n, className: 'num'},
  ], {empty: 'No techniques fired in the last 24 hours.'});
}
