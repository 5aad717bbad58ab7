// The walk-through of the web console in Debian's Chromium, driven by Playwright (playwright-core).
// Run by it/.../console/ConsolePlaywrightTest, which starts the real server and agent and passes them in KIROKU_*.
// Each step prints "PASS <step>"; any failure exits non-zero with the step, the error and a screenshot.
import {chromium} from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import {open, signIn as openConsole, timePages} from './console-pages.mjs';

const env = name => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (ConsolePlaywrightTest sets it)`);
  return value;
};
const BASE = env('KIROKU_URL');
const AGENT = env('KIROKU_AGENT');
const C2 = env('KIROKU_C2');
const ARTIFACTS = env('KIROKU_ARTIFACTS');
const TIMEOUT = 30_000;

fs.mkdirSync(ARTIFACTS, {recursive: true});
const browser = await chromium.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox']});
let page;
const errors = [];

async function step(name, body) {
  try {
    await body();
    console.log(`PASS ${name}`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e.stack || e}`);
    if (page) await page.screenshot({path: path.join(ARTIFACTS, `failed-${name.replace(/\W+/g, '-')}.png`), fullPage: true}).catch(() => {});
    await browser.close();
    process.exit(1);
  }
}

const shot = name => page.screenshot({path: path.join(ARTIFACTS, `${name}.png`), fullPage: true});

async function signIn(user, password) {
  page = await openConsole(browser, BASE, user, password, TIMEOUT);
  page.on('pageerror', e => errors.push(e.message));
}

/** Opens a console page and waits until it, not the previous one, is shown with every section loaded. */
const go = (route, timeout) => open(page, BASE, route, timeout);

/** Confirms the open confirmation dialog, after filling its fields. */
async function confirm(fields = {}) {
  const dialog = page.locator('dialog.confirm');
  for (const [name, value] of Object.entries(fields)) await dialog.locator(`[name="${name}"]`).fill(value);
  await dialog.locator('[data-confirm]').click();
}

await step('log in', async () => {
  await signIn(env('KIROKU_ADMIN'), env('KIROKU_ADMIN_PASSWORD'));
  await page.locator('.matrix .technique.fired').first().waitFor();
  await page.locator('svg.chart rect').first().waitFor();
  await page.locator('.stats', {hasText: 'online'}).waitFor();
  await shot('overview');
});

await step('see live events arrive', async () => {
  await go(`endpoints/${encodeURIComponent(AGENT)}`);
  const name = `kiroku-live-${Date.now()}.txt`;
  const marker = path.join(env('KIROKU_WATCHED'), name);
  // The agent records the whole machine; the timeline's filter keeps this test's file in view.
  await page.locator('input.timeline-filter').fill(`file.path:*${name}`);
  await page.locator('input.timeline-filter').press('Enter');
  await page.locator('.timeline p.empty', {hasText: 'No events match.'}).waitFor();
  fs.writeFileSync(marker, 'written while the endpoint page was open\n');
  // The page refreshes its timeline by itself: no reload, no navigation.
  // Generous: on a loaded machine the agent can be thousands of events behind (the step's screenshot shows its lag).
  await page.locator('.timeline td', {hasText: marker}).first().waitFor({timeout: 180_000});
  await shot('endpoint-live');
});

await step('isolate', async () => {
  await page.locator('button[data-action=isolate]').click();
  await confirm();
  await page.locator('.command-status td', {hasText: 'succeeded'}).first().waitFor({timeout: 60_000});
  await page.locator('h1.endpoint-title .badge', {hasText: 'isolated'}).waitFor({timeout: 60_000});
  await page.locator('dl.facts dd', {hasText: /^isolated$/}).waitFor();
  await shot('endpoint-isolated');
  await page.locator('button[data-action=release]').click();
  await confirm();
  await page.locator('h1.endpoint-title .badge.danger').waitFor({state: 'detached', timeout: 60_000});
});

await step('open an alert', async () => {
  await go('alerts?level=critical');
  await page.locator('table.data tbody tr a[href^="#/alerts/"]').first().click();
  await page.locator('details.event', {hasText: `/dev/tcp/${C2}/4444`}).first().waitFor();
  await shot('alert');
});

await step('walk the graph to the root cause', async () => {
  await page.getByRole('link', {name: /Open the process in the graph/}).click();
  await page.locator('svg.graph g.node').first().waitFor();
  const chain = page.locator('svg.graph g.node.chain');
  await chain.nth(1).waitFor();
  // The root of the chain is the session the shell came from.
  await page.locator('svg.graph g.node.chain', {hasText: 'sshd'}).first().dispatchEvent('click');
  await page.locator('aside.node-details h3').waitFor();
  await shot('graph-root-cause');
});

await step('see the cross-endpoint edge', async () => {
  await go('graph?entity=e-db-bash');
  await page.locator('svg.graph path.edge.cross-host').first().waitFor();
  await page.locator('svg.graph g.node', {hasText: 'ssh'}).first().waitFor();
  await shot('graph-cross-endpoint');
});

await step('investigate from the C2 address', async () => {
  await go(`investigate?kind=ip&value=${C2}`, 60_000);
  await page.locator('.steps table.data tbody tr', {hasText: 'web-1'}).first().waitFor();
  await shot('investigate-c2');
});

await step('incident closed', async () => {
  await go('incidents');
  await page.locator('table.data tbody tr a[href^="#/incidents/"]').first().click({timeout: 60_000});
  await page.locator('textarea[placeholder^="Root cause"]').fill('reverse shell started from an ssh session');
  await page.locator('textarea[placeholder^="Scope"]').fill(`web-1, and db-2 through ssh; nothing else contacted ${C2}`);
  await page.getByRole('button', {name: 'Close incident'}).click();
  await confirm();
  await page.locator('h1 .badge', {hasText: 'closed'}).waitFor();
  const download = page.waitForEvent('download');
  await page.getByRole('button', {name: 'Closure report (HTML)'}).click();
  const report = await download;
  const file = path.join(ARTIFACTS, 'closure-report.html');
  await report.saveAs(file);
  const html = fs.readFileSync(file, 'utf8');
  if (!html.includes('reverse shell started from an ssh session')) throw new Error('the closure report lacks the root cause');
  await shot('incident-closed');
  const reportPage = await page.context().newPage();
  await reportPage.goto('file://' + file);
  await reportPage.screenshot({path: path.join(ARTIFACTS, 'closure-report.png'), fullPage: true});
  await reportPage.close();
});

await step('rules: problems by line, tested on history, added', async () => {
  await go('rules');
  const editor = page.locator('#rule-yaml');
  await editor.fill('title: Ssh to another host\nlogsource: {product: linux, category: process_creation\ndetection:\n  selection: {Image|endswith: /ssh}\n  condition: selection\n');
  await page.locator('#rule-problems li', {hasText: /Line \d+, column \d+: invalid YAML/}).waitFor();
  await editor.fill('title: Ssh to another host\nid: 6f1c2b7e-3a58-4d0b-9c1e-0000000000e2\nstatus: experimental\n'
    + 'logsource: {product: linux, category: process_creation}\ndetection:\n  selection: {Image|sometimes: /ssh}\n  condition: selection\nlevel: low\n');
  await page.locator('#rule-problems li', {hasText: /Line 6, column \d+: .*sometimes/}).waitFor();
  await page.locator('#rule-problems li a').first().click();
  const selected = await editor.evaluate(t => t.value.substring(t.selectionStart, t.selectionEnd));
  if (!selected.includes('sometimes')) throw new Error(`clicking the problem selected "${selected}", not line 6`);
  await editor.fill((await editor.inputValue()).replace('sometimes', 'endswith'));
  await page.locator('#rule-problems', {hasText: 'Valid'}).waitFor();
  await page.locator('#rule-test').click();
  await page.locator('#rule-test-report .test-summary', {hasText: /^[1-9]\d* matching events in \d+ evaluated/}).waitFor();
  await page.locator('#rule-test-report tbody tr', {hasText: 'ssh alice@10.0.0.12'}).waitFor();
  await shot('rule-tested');
  await page.locator('#rule-add').click();
  await page.locator('p', {hasText: 'Added and enabled 6f1c2b7e-3a58-4d0b-9c1e-0000000000e2'}).waitFor();
  // A built-in rule, disabled, is tried over history before it is enabled again.
  await go('rules?q=28061025');
  const row = page.locator('table.data tbody tr', {hasText: 'Reverse Shell Via Bash /dev/tcp Redirection'});
  await row.locator('input[type=checkbox]').uncheck();
  await row.locator('button.test-rule').click();
  await page.locator('#rule-test-report .test-summary', {hasText: /^[1-9]\d* matching events/}).waitFor();
  await row.locator('input[type=checkbox]').check();
});

await step('policies: a dry-run policy added', async () => {
  await go('policies');
  const form = page.locator('form.policy');
  await form.locator('input[name=name]').fill('isolate on critical (dry run)');
  await form.locator('select[name=min_level]').selectOption('critical');
  await form.locator('input[name=action][value=isolate]').check();
  await form.getByRole('button', {name: 'Add policy'}).click();
  const row = page.locator('table.data tbody tr', {hasText: 'isolate on critical (dry run)'});
  await row.waitFor();
  await row.locator('.badge', {hasText: 'dry run'}).waitFor();
  await shot('policies');
});

await step('yara sweep: progress per endpoint and a hit', async () => {
  const dir = env('KIROKU_WATCHED');
  fs.writeFileSync(path.join(dir, 'dropper.sh'), '#!/bin/sh\n# KIROKU-E2E-YARA-MARKER\necho hi\n');
  await go('yara');
  await page.locator('#yara-rules').fill('rule e2e_marker {\n  strings: $a = "KIROKU-E2E-YARA-MARKER"\n  condition: $a\n}\n');
  await page.locator('#yara-paths').fill(dir);
  await page.locator('#yara-start').click();
  await confirm();
  await page.locator('#yara-endpoints tbody tr').first().waitFor();
  await page.locator('#yara-endpoints tbody tr', {hasText: 'done'}).first().waitFor({timeout: 120_000});
  await page.locator('#yara-endpoints tbody tr .badge.danger', {hasText: /^[1-9]\d*$/}).waitFor();
  await shot('yara-sweep');
});

await step('trials: an indicator file and a YARA set tried before use', async () => {
  await go('rules');
  await page.locator('#ioc-test-file').setInputFiles({name: 'c2.txt', mimeType: 'text/plain', buffer: Buffer.from(`# campaign\n${C2}\n`)});
  await page.locator('#ioc-test').click();
  await page.locator('#ioc-test-report .test-summary', {hasText: /^[1-9]\d* matching events for 1 of 1 evaluable/}).waitFor();
  await page.locator('#ioc-test-report tbody tr', {hasText: C2}).first().waitFor();
  await page.locator('section.card', {has: page.locator('#ioc-test-report')})
    .screenshot({path: path.join(ARTIFACTS, 'indicator-tested.png')}); // the section: the rule list above is long
  await page.locator('#yara-check-rules').fill('rule broken {\n  strings: $a = "x"\n  condition: $b\n}\n');
  await page.locator('#yara-check').click();
  await page.locator('#yara-check-report li', {hasText: /Line [34]: error: .*\$b/}).waitFor();
  await page.locator('#yara-check-rules').fill('rule e2e_trial {\n  strings: $a = "KIROKU-E2E-YARA-MARKER"\n  condition: $a\n}\n');
  await page.locator('#yara-test-endpoint').selectOption(AGENT);
  await page.locator('#yara-test-paths').fill(env('KIROKU_WATCHED'));
  await page.locator('#yara-test').click();
  await page.locator('#yara-summary', {hasText: 'not alerted'}).waitFor({timeout: 120_000});
  await page.locator('#yara-found tbody tr', {hasText: 'dropper.sh'}).waitFor();
  await shot('yara-trial');
  await page.waitForTimeout(4_000); // the server collects finished sweeps every 2 s; a test's matches must not become alerts
  const alerts = await page.evaluate(async () => (await (await fetch('/api/v1/alerts?rule=yara:e2e_trial&limit=10',
    {headers: {'X-Requested-With': 'kiroku-console'}})).json()).alerts);
  if (alerts.length) throw new Error(`a YARA test raised ${alerts.length} alerts`);
});

await step('every page interactive: timed in the browser', async () => {
  // In-app navigation as a click in the menu does it: from the hash change until the new page is in place with no
  // section still loading (every REST call answered and drawn). Timed in the page with performance.now().
  const routes = ['overview', 'endpoints', `endpoints/${encodeURIComponent(AGENT)}`, 'alerts', 'search', 'incidents',
    'response', 'policies', 'rules', 'yara', 'settings'];
  const timings = {};
  for (const [route, ms] of Object.entries(await timePages(page, routes))) {
    if (ms < 0) throw new Error(`${route} did not finish loading within 15 s`);
    timings[route.split('/')[0] + (route.includes('/') ? '/id' : '')] = ms;
  }
  fs.writeFileSync(path.join(ARTIFACTS, 'page-timings.json'), JSON.stringify(timings, null, 1));
  console.log('TIMINGS ' + JSON.stringify(timings));
  const slow = Object.entries(timings).filter(([, ms]) => ms > 5_000);
  if (slow.length) throw new Error('pages slower than 5 s: ' + JSON.stringify(slow));
});

await step('viewer refused', async () => {
  await signIn(env('KIROKU_VIEWER'), env('KIROKU_VIEWER_PASSWORD'));
  await go(`endpoints/${encodeURIComponent(AGENT)}`);
  // The console offers a viewer no action: the button is disabled and says why...
  await page.waitForFunction(() => {
    const b = document.querySelector('button[data-action=isolate]');
    return b && b.disabled && /needs the analyst role/i.test(b.title);
  });
  // ...and the server refuses the action itself, whatever a page offers.
  const answer = await page.evaluate(async (agent) => {
    const session = JSON.parse(sessionStorage.getItem('kiroku.session'));
    const r = await fetch('/api/v1/commands', {method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', Accept: 'application/json', 'X-Requested-With': 'kiroku-console',
        'X-CSRF-Token': session.csrf_token},
      body: JSON.stringify({target: `agent:${agent}`, type: 'isolate', parameters: {}, expires: '1h'})});
    return {status: r.status, body: await r.text()};
  }, AGENT);
  if (answer.status !== 403 || !/viewer; this needs analyst/.test(answer.body)) {
    throw new Error(`a viewer's isolate was answered ${answer.status}: ${answer.body}`);
  }
  await shot('viewer-refused');
});

await step('no script errors', async () => {
  if (errors.length) throw new Error('JavaScript errors on the pages: ' + errors.join(' | '));
});

await browser.close();
