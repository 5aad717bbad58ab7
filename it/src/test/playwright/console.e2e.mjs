// The walk-through of the web console in Debian's Chromium, driven by Playwright (playwright-core).
// Run by it/.../console/ConsolePlaywrightTest, which starts the real server and agent and passes them in KIROKU_*.
// Each step prints "PASS <step>"; any failure exits non-zero with the step, the error and a screenshot.
import {chromium} from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

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
  const context = await browser.newContext({viewport: {width: 1366, height: 860}, acceptDownloads: true});
  page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(BASE + '/console/');
  const dialog = page.locator('dialog.login');
  await dialog.locator('input[name=user]').fill(user);
  await dialog.locator('input[name=password]').fill(password);
  await dialog.getByRole('button', {name: 'Sign in'}).click();
  await dialog.waitFor({state: 'detached'});
  await page.locator('#user', {hasText: user}).waitFor();
}

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
  await page.goto(`${BASE}/console/#/endpoints/${encodeURIComponent(AGENT)}`);
  await page.locator('.timeline').waitFor();
  const name = `kiroku-live-${Date.now()}.txt`;
  const marker = path.join(env('KIROKU_WATCHED'), name);
  // The agent records the whole machine; the timeline's filter keeps this test's file in view.
  await page.locator('input.timeline-filter').fill(`file.path:*${name}`);
  await page.locator('input.timeline-filter').press('Enter');
  await page.locator('.timeline p.empty', {hasText: 'No events match.'}).waitFor();
  fs.writeFileSync(marker, 'written while the endpoint page was open\n');
  // The page refreshes its timeline by itself: no reload, no navigation.
  await page.locator('.timeline td', {hasText: marker}).first().waitFor({timeout: 60_000});
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
  await page.goto(`${BASE}/console/#/alerts?level=critical`);
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
  await page.goto(`${BASE}/console/#/graph?entity=e-db-bash`);
  await page.locator('svg.graph path.edge.cross-host').first().waitFor();
  await page.locator('svg.graph g.node', {hasText: 'ssh'}).first().waitFor();
  await shot('graph-cross-endpoint');
});

await step('investigate from the C2 address', async () => {
  await page.goto(`${BASE}/console/#/investigate?kind=ip&value=${C2}`);
  await page.locator('.steps table.data tbody tr', {hasText: 'web-1'}).first().waitFor();
  await shot('investigate-c2');
});

await step('incident closed', async () => {
  await page.goto(`${BASE}/console/#/incidents`);
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

await step('viewer refused', async () => {
  await signIn(env('KIROKU_VIEWER'), env('KIROKU_VIEWER_PASSWORD'));
  await page.goto(`${BASE}/console/#/endpoints/${encodeURIComponent(AGENT)}`);
  await page.locator('button[data-action=isolate]').click();
  await confirm();
  await page.locator('.command-status .error', {hasText: /viewer; this needs analyst/}).waitFor();
  await shot('viewer-refused');
});

await step('no script errors', async () => {
  if (errors.length) throw new Error('JavaScript errors on the pages: ' + errors.join(' | '));
});

await browser.close();
