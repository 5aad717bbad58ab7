// Shared by the console's walk-through (console.e2e.mjs) and the page timings of `kiroku bench console`
// (console.timings.mjs): signing in, opening a page and waiting for it, and timing pages in the browser.

/** Signs in through the console's own form in a fresh browser context; returns the page, showing the overview. */
export async function signIn(browser, base, user, password, timeout = 30_000) {
  const context = await browser.newContext({viewport: {width: 1366, height: 860}, acceptDownloads: true,
    ignoreHTTPSErrors: true}); // the server's certificate is signed by its own CA, which this browser profile does not hold
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  await page.goto(base + '/console/');
  const dialog = page.locator('dialog.login');
  await dialog.locator('input[name=user]').fill(user);
  await dialog.locator('input[name=password]').fill(password);
  await dialog.getByRole('button', {name: 'Sign in'}).click();
  await dialog.waitFor({state: 'detached'});
  await page.locator('#user', {hasText: user}).waitFor();
  await shown(page);
  return page;
}

/**
 * Waits until the console shows the page its address names, with every section loaded: the console sets
 * #page[data-shown] to the hash once that navigation's page is in place (never for an older, slower one), so an
 * element the previous page also had is never taken for the new page's.
 */
export async function shown(page, timeout) {
  await page.waitForFunction(() => {
    const root = document.getElementById('page');
    return root.dataset.shown === (location.hash || '#/overview') && !root.querySelector('.loading');
  }, null, timeout ? {timeout} : {});
}

/** Opens a console page by its route ('alerts?level=critical') and waits until it is shown and loaded. */
export async function open(page, base, route, timeout) {
  await page.goto(`${base}/console/#/${route}`);
  await shown(page, timeout);
}

/**
 * Times each route as a click in the menu opens it: from the hash change until the new page is in place with no
 * section still loading (every REST call answered and drawn), with performance.now() in the page. Returns
 * {route: median ms of `rounds`}; a page not ready within `limit` ms counts as -1.
 */
export async function timePages(page, routes, rounds = 3, limit = 15_000) {
  const timings = {};
  for (const route of routes) {
    const samples = [];
    for (let i = 0; i < rounds; i++) {
      // Leave the page for one that asks the server nothing (search without a query), so the next load is timed alone.
      await page.evaluate(() => { location.hash = '#/search?leave=' + Math.random(); });
      await shown(page, 60_000);
      samples.push(await page.evaluate(async ({target, limit}) => {
        const root = document.getElementById('page');
        const start = performance.now();
        location.hash = '#/' + target;
        return await new Promise(resolve => {
          const check = () => {
            const now = performance.now();
            if (root.dataset.shown === location.hash && !root.querySelector('.loading')) resolve(now - start);
            else if (now - start > limit) resolve(-1);
            else requestAnimationFrame(check);
          };
          check();
        });
      }, {target: route, limit}));
    }
    samples.sort((a, b) => a - b);
    timings[route] = samples[0] < 0 ? -1 : Math.round(samples[Math.floor(samples.length / 2)]);
  }
  return timings;
}

/** Times a cold start of the console: a new tab loading it at `route` until that page is shown and loaded. */
export async function timeColdLoad(page, base, route) {
  const tab = await page.context().newPage();
  try {
    const start = Date.now();
    await tab.goto(`${base}/console/#/${route}`);
    await shown(tab, 60_000);
    return Date.now() - start;
  } finally {
    await tab.close();
  }
}
