// The browser half of `kiroku bench console`: signs in to a running server and times each console page in Debian's
// Chromium, from the navigation to the page's ready state (console-pages.mjs). Prints one line
// "TIMINGS {route: median ms, ...}" (-1: not ready within 15 s) and "COLD <ms>" for a new tab loading the overview.
// Environment: KIROKU_URL, KIROKU_USER, KIROKU_PASSWORD, KIROKU_ROUTES (comma-separated, in the console's hash form),
// optional KIROKU_ROUNDS (default 3) and CHROMIUM (default /usr/bin/chromium).
import {chromium} from 'playwright-core';
import {signIn, timeColdLoad, timePages} from './console-pages.mjs';

const env = name => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (bench console sets it)`);
  return value;
};

const browser = await chromium.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox']});
try {
  const base = env('KIROKU_URL');
  const page = await signIn(browser, base, env('KIROKU_USER'), env('KIROKU_PASSWORD'), 60_000);
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  const timings = await timePages(page, env('KIROKU_ROUTES').split(','), Number(process.env.KIROKU_ROUNDS || 3));
  console.log('TIMINGS ' + JSON.stringify(timings));
  console.log('COLD ' + await timeColdLoad(page, base, 'overview'));
  if (errors.length) {
    console.log('ERRORS ' + JSON.stringify(errors));
    process.exitCode = 1;
  }
} finally {
  await browser.close();
}
