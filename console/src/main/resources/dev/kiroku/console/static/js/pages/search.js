// Search: query box with field completion and syntax help, time range, histogram, chosen columns,
// export to CSV/JSON, and pivots from any value.
import {api} from '../api.js';
import {download, h, pivot, replace, section, stackedBars, time} from '../ui.js';
import {eventDetail} from './alerts.js';

const DEFAULT_COLUMNS = ['@timestamp', 'host.name', 'event.action', 'process.name', 'process.command_line', 'user.name'];
const RANGES = ['15m', '1h', '24h', '7d', '30d'];
let knownFields = null;

async function fields() {
  if (!knownFields) knownFields = (await api.get('/api/v1/events/fields')).fields || [];
  return knownFields;
}

export async function render(params) {
  const columns = (params.columns || DEFAULT_COLUMNS.join(',')).split(',').filter(Boolean);
  const queryBox = h('input.query', {name: 'q', value: params.q || '', placeholder: 'process.name:curl AND destination.port:>1024', autocomplete: 'off', spellcheck: 'false', list: 'field-names'});
  const datalist = h('datalist', {id: 'field-names'});
  const range = h('select', {name: 'last'}, RANGES.map(r => h('option', {value: r, selected: (params.last || '24h') === r}, `last ${r}`)));
  const columnBox = h('input', {name: 'columns', value: columns.join(','), title: 'Columns, comma-separated field names'});
  completeFields(queryBox, datalist);
  const form = h('form.searchbar', {onsubmit: e => {
    e.preventDefault();
    location.hash = '#/search?' + new URLSearchParams({q: queryBox.value, last: range.value, columns: columnBox.value});
  }}, queryBox, datalist, range, h('button', {type: 'submit'}, 'Search'),
  h('details.help', h('summary', 'Syntax'), syntaxHelp()),
  h('label.columns', 'Columns ', columnBox));
  const page = h('div', h('h1', 'Search'), form);
  if (params.q === undefined) return page;
  const request = {q: params.q, last: params.last || '24h'};
  page.append(
    section('Events over time', async () => histogram(await api.get('/api/v1/events/histogram', {...request, interval: bucket(request.last)}))),
    results(request, columns));
  return page;
}

function results(request, columns) {
  const body = h('div', h('p.loading', 'Searching…'));
  const events = [];
  let next = null;
  const loadMore = async () => {
    const page = await api.get('/api/v1/events', {...request, limit: 100, cursor: next});
    events.push(...page.events);
    next = page.next;
    replace(body,
      h('div.toolbar',
        h('span', `${page.total} events match; showing ${events.length}`),
        h('button.secondary', {onclick: () => download('kiroku-events.json', 'application/json', JSON.stringify(events, null, 2))}, 'Export JSON'),
        h('button.secondary', {onclick: () => download('kiroku-events.csv', 'text/csv', csv(events, columns))}, 'Export CSV')),
      h('table.data.events',
        h('thead', h('tr', columns.map(c => h('th', c)))),
        h('tbody', events.map(e => eventRow(e, columns)))),
      next ? h('button.secondary', {onclick: loadMore}, 'More') : null);
  };
  loadMore().catch(e => replace(body, h('pre.error', e.message)));
  return h('section.card', h('header', h('h2', 'Events')), body);
}

function eventRow(event, columns) {
  const row = h('tr.clickable', columns.map(c => h('td', c === '@timestamp' ? time(event[c]) : pivot(c, event[c]))));
  row.addEventListener('click', e => {
    if (e.target.closest('a')) return;
    const open = row.nextSibling && row.nextSibling.classList.contains('detail');
    if (open) row.nextSibling.remove();
    else row.after(h('tr.detail', h('td', {colspan: columns.length}, eventDetail(event),
      event['process.entity_id'] ? h('a', {href: '#/graph?entity=' + encodeURIComponent(event['process.entity_id'])}, 'Process graph →') : null)));
  });
  return row;
}

export function csv(events, columns) {
  const cell = v => {
    const s = v === undefined || v === null ? '' : Array.isArray(v) ? v.join(' ') : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.map(cell).join(','), ...events.map(e => columns.map(c => cell(e[c])).join(','))].join('\r\n') + '\r\n';
}

function bucket(last) {
  return {'15m': '30s', '1h': '1m', '24h': '30m', '7d': '6h', '30d': '1d'}[last] || '1h';
}

function histogram(body) {
  const buckets = body.buckets || [];
  if (!buckets.length) return h('p.empty', 'No events in this window.');
  return stackedBars(buckets.map(b => time(b.start).slice(11, 16)), [{label: 'events', className: 'bar', values: buckets.map(b => b.count)}]);
}

/** Offers field names as the analyst types a word before ':'. */
function completeFields(input, datalist) {
  input.addEventListener('input', async () => {
    const before = input.value.slice(0, input.selectionStart);
    const word = before.match(/([A-Za-z@][\w.@]*)$/);
    if (!word) return;
    const prefix = before.slice(0, before.length - word[1].length);
    const names = (await fields().catch(() => [])).map(f => f.name || f).filter(n => n.startsWith(word[1])).slice(0, 30);
    replace(datalist, names.map(n => h('option', {value: prefix + n + ':'})));
  });
}

function syntaxHelp() {
  const rows = [
    ['host.name:web-1', 'keyword equals'], ['process.name:cu*', 'wildcard / prefix'],
    ['process.command_line:"--user admin"', 'words in order'], ['curl', 'bare words search command lines and paths'],
    ['destination.port:[1000 TO 2000]', 'range, also >1024, <=, …'], ['destination.ip:10.0.0.0/8', 'IP, CIDR'],
    ['@timestamp:>now-15m', 'time'], ['a AND b, a OR b, NOT a, ( … )', 'boolean logic'],
  ];
  return h('table.fields', rows.map(([q, m]) => h('tr', h('th', h('code', q)), h('td', m))));
}
