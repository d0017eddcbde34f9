// browser.test.js - the whole path in a real browser (Debian's Chromium,
// driven by playwright-core): a cooperative signs in and requests labels, the
// regulator approves and issues them, the cooperative downloads the PDF and
// activates the batch, and a consumer on a phone opens one of the codes and
// sees that it is genuine; the cooperative files its use report for the last
// closed year. Then every page is reviewed: each desk page of the route tables
// for the role that sees it (none left out), in Chinese and English, and the
// consumer pages in Chinese, English, Vietnamese and Thai, at 390 px and
// 1280 px: axe-core finds no accessibility problem, no page scrolls sideways,
// no control is under 44 px, a Chinese page shows no stray English word, and
// a screenshot of each goes to tests/browser/out/ (not committed).
//
// Run from the repository root after `make all`: node tests/browser/browser.test.js
// (on PostgreSQL: with GIMARK_TEST_PG set to a test cluster's URI).

'use strict';

const { chromium } = require('playwright-core');
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

const ROOT = path.resolve(__dirname, '..', '..');
const GIMARK = process.env.GIMARK || path.join(ROOT, 'build', 'gimark');
const OUT = path.join(__dirname, 'out');
const PASSWORD = 'correct horse battery staple';
const AXE = require.resolve('axe-core/axe.min.js');

let passed = 0;
let failed = 0;

function check(cond, what, detail) {
  if (cond) {
    passed++;
  } else {
    failed++;
    console.log('FAIL: ' + what + (detail !== undefined ? ' -- ' + String(detail).slice(0, 600) : ''));
  }
  return cond;
}

function gimark(db, args, input, env) {
  return execFileSync(GIMARK, ['--db', db, ...args.map(String)],
                      { input, encoding: 'utf8', env: env ? { ...process.env, ...env } : undefined });
}

// With GIMARK_TEST_PG (a test cluster's URI, tests/pg-cluster.sh) the server
// runs on a PostgreSQL database of its own, dropped at the end.
const PG = process.env.GIMARK_TEST_PG || '';
const PG_NAME = `browser_${process.pid}`;

function psql(query) {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', PG, '-c', query], { encoding: 'utf8' });
}

function seed(dir) {
  let db = path.join(dir, 'browser.db');
  if (PG) {
    psql(`CREATE DATABASE ${PG_NAME}`);
    db = PG.slice(0, PG.lastIndexOf('/') + 1) + PG_NAME;
  }
  gimark(db, ['init']);
  // the demo register as it was recorded a year ago (its clock placed there):
  // its operators were authorised then, so the cooperative has a closed year
  // to file a use report for, which the walk does in the browser
  gimark(db, ['demo'], undefined, { GIMARK_NOW: String(Math.floor(Date.now() / 1000) - 366 * 86400) });
  gimark(db, ['user', 'add', 'coop', '--role', 'operator', '--operator', '93451003MA815908XM'],
         PASSWORD + '\n');
  gimark(db, ['user', 'add', 'reg', '--role', 'regulator', '--scope', '45'], PASSWORD + '\n');
  return db;
}

// Starts the server on a free port; resolves with its process and base URL
// once it prints that it listens.
function startServer(db) {
  return new Promise((resolve, reject) => {
    const proc = spawn(GIMARK, ['--db', db, 'serve', '--listen', '127.0.0.1:0',
                                '--base-url', 'http://gi.example.cn'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const lines = readline.createInterface({ input: proc.stdout });
    lines.once('line', (line) => {
      const m = line.match(/listening on (http:\/\/[^ ]+?)\/?$/);
      if (m) resolve({ proc, base: m[1] });
      else reject(new Error('server did not start: ' + line));
    });
    proc.once('exit', (code) => reject(new Error('server exited with ' + code)));
  });
}

function stopServer(proc) {
  return new Promise((resolve) => {
    proc.removeAllListeners('exit');
    proc.once('exit', (code) => resolve(code));
    proc.kill('SIGTERM');
  });
}

async function signIn(page, base, name, password = PASSWORD) {
  await page.goto(base + '/login?lang=en');
  await page.fill('#username', name);
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('form button[type=submit]')]);
}

async function axeCheck(page, what) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => await window.axe.run(document));
  const problems = result.violations.map((v) => v.id + ': ' + v.help + ' (' +
    v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ') + ')');
  check(result.violations.length === 0, 'axe: no violations on ' + what, problems.join('; '));
}

// Every desk page of the route tables (web/portal*.c) for the role that sees
// it (an operator's account for PORTAL_OPERATOR, a regulator's for
// PORTAL_DESK, nobody signed in for PORTAL_ANYONE), and the consumer pages,
// each in its languages at a phone's (390 px) and a desktop's (1280 px)
// width: no accessibility problem axe finds, no sideways page scroll (wide
// tables scroll in their own box), no control under 44 px, no English word on
// a Chinese page but codes, units and the data's own names, and a screenshot
// of each under tests/browser/out/.
const WIDTHS = [[390, 844, 'phone'], [1280, 800, 'desktop']];
// codes a page names: file formats, GS1 and national standards (GB 32100,
// GB/T 2260), the credit classes the office sets, units
const CODE_WORDS = ['CSV', 'PDF', 'PNG', 'SVG', 'ZIP', 'GTIN', 'GAP', 'SC', 'GB', 'T', 'A', 'B',
                    'C', 'D', 'kg', 'g', 't', 'MB', 'KB', 'px', 'km', 'mu'];

function deskRoutes() {
  const found = new Map();
  const web = path.join(ROOT, 'web');
  for (const name of fs.readdirSync(web).filter((n) => /^portal\w*\.c$/.test(n)).sort()) {
    const text = fs.readFileSync(path.join(web, name), 'utf8');
    for (const m of text.matchAll(/\{"GET", "(\/[^"]*)", PORTAL_(\w+)/g)) found.set(m[1], m[2]);
  }
  return [...found].sort();
}

function sql(db, query) {
  if (PG) return execFileSync('psql', ['-X', '-q', '-A', '-t', db, '-c', query], { encoding: 'utf8' });
  return execFileSync('sqlite3', [db, query], { encoding: 'utf8' });
}

// every ASCII word the register's own records hold: names from the data
function dataWords(db) {
  const rows = sql(db, "select name_zh || ' ' || name_en || ' ' || name_vi || ' ' || name_th || " +
    "' ' || reg_number || ' ' || standard from product union all select name || ' ' || uscc || " +
    "' ' || contact from operator union all select approval_doc from authorisation union all " +
    "select lot_number || ' ' || production_base || ' ' || inspection_cert || ' ' || void_reason " +
    "from batch union all select reason from label_void union all select username from account " +
    "union all select reason from auth_event union all " +
    "select substr(actor, strpos(actor, ':') + 1) from audit_log".replace(
      'strpos(actor', PG ? 'strpos(actor' : 'instr(actor'));
  return new Set([...(rows.match(/[A-Za-z]+/g) || []), ...CODE_WORDS]);
}

// A label's serial, with or without its hyphens: 16 of the code's 32
// characters; one in about 400 holds no digit.
const SERIAL = /^[0-9A-HJKMNP-TV-Z]{4}(-?[0-9A-HJKMNP-TV-Z]{4}){3}$/;

// Words of ASCII letters a Chinese page shows that are none of: a code
// (letters with digits, or a serial), a unit, a word of the data.
async function strayWords(page, allowed) {
  const text = await page.evaluate(() => {
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll('[lang]:not([lang^="zh"])').forEach((e) => e.remove());
    return copy.innerText;
  });
  return [...new Set((text.match(/[A-Za-z0-9][A-Za-z0-9./:_-]*/g) || [])
    .filter((tok) => /[A-Za-z]/.test(tok) && !/\d/.test(tok) && !SERIAL.test(tok))
    .flatMap((tok) => tok.match(/[A-Za-z]+/g))
    .filter((w) => !allowed.has(w)))];
}

// A screenshot under tests/browser/out/. Under load (make test's other lane
// on the same cores) a long page's full-page shot can take longer than
// playwright's default 30 s: the test waits up to SHOT_TIMEOUT_S for it,
// after the page's fonts are ready, with animations stopped.
const SHOT_TIMEOUT_MS = Number(process.env.SHOT_TIMEOUT_S || 120) * 1000;

async function screenshot(page, name, fullPage = true) {
  await page.evaluate(() => document.fonts.ready.then(() => true));
  await page.screenshot({ path: path.join(OUT, name), fullPage, timeout: SHOT_TIMEOUT_MS,
                          animations: 'disabled', caret: 'hide' });
}

// One page at one width: screenshot, sideways scroll, control sizes, axe.
async function reviewPage(page, url, shot, controls, what, wholePage) {
  // the whole page on a phone; a desktop's first screen
  await screenshot(page, shot, wholePage);
  const [scroll, inner, small] = await page.evaluate((selector) => [
    document.documentElement.scrollWidth, window.innerWidth,
    [...document.querySelectorAll(selector)]
      .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height < 44; })
      .map((e) => e.outerHTML.slice(0, 70))], controls);
  check(scroll <= inner, `${what}: no sideways scroll`, `${scroll} > ${inner}`);
  check(small.length === 0, `${what}: no control under 44 px`, small.join(' | '));
  // at both widths: some of axe's rules follow the layout (a table that
  // scrolls in its box on a phone must take the focus, contrast where
  // boxes overlap, the size of touch targets)
  await axeCheck(page, what);
}

const DESK_CONTROLS = 'button, input:not([type=hidden]), select, textarea, summary, nav a, header a';
const CONSUMER_CONTROLS = 'a, button, input:not([type=hidden]), select, textarea';

// Walks one role's pages; resolves with the number of pages reviewed, and
// adds each route it reviewed in both languages to walked.
async function walkDesk(base, page, routes, allowed, walked) {
  let reviewed = 0;
  for (const [route, id] of routes) {
    const url = route.replace('{id}', String(id));
    const slug = url.replace(/^\/|\/$/g, '').replace(/[^A-Za-z0-9]+/g, '-') || 'home';
    for (const lang of ['zh', 'en']) {
      // loaded once at the phone's width, then widened: the layout follows
      await page.setViewportSize({ width: 390, height: 844 });
      const response = await page.goto(`${base}${url}?lang=${lang}`);
      const type = response ? response.headers()['content-type'] || '' : '';
      if (!check(response && response.status() === 200 && type.startsWith('text/html'),
                 `${url} (${lang}) answers a page`, response && response.status())) break;
      for (const [width, height, label] of WIDTHS) {
        await page.setViewportSize({ width, height });
        const what = `${url} in ${lang} at ${width} px`;
        await reviewPage(page, url, `desk-${slug}-${lang}-${label}.png`, DESK_CONTROLS, what,
                         width === 390);
        if (lang === 'zh' && width === 390) {
          const stray = await strayWords(page, allowed);
          check(stray.length === 0, `${url}: no English word on the Chinese page`, stray.join(' '));
        }
        reviewed++;
      }
      if (lang === 'en') walked.add(route);
    }
  }
  return reviewed;
}

// Routes of the route tables that are no page: a download, and signing out
// (it would end the session the walk uses). Every other GET route is walked.
const NOT_PAGES = ['/coop/batches/{id}/labels', '/logout'];

async function reviewEveryPage(base, browser, options, coop, reg, db, ids, code) {
  const allowed = dataWords(db);
  const anonCtx = await browser.newContext(options);
  const anon = await anonCtx.newPage();
  const routes = { OPERATOR: [], DESK: [], ANYONE: [] };
  const walked = new Set();
  const pages = deskRoutes().filter(([route]) => !NOT_PAGES.includes(route));
  for (const [route, who] of pages) {
    // {id}: the operator's own batch, the use report the walk filed, record 1 elsewhere
    const id = route.includes('/usage/') ? ids.report
      : who === 'OPERATOR' && route.includes('batches') ? ids.batch : 1;
    routes[who].push([route, id]);
  }
  check(routes.OPERATOR.length >= 5 && routes.DESK.length >= 20, 'the route tables list the desks',
        JSON.stringify(routes));
  const reg2 = await reg.context().newPage();
  const consumerCtx = await browser.newContext(options);
  const shopper = await consumerCtx.newPage();
  const half = Math.ceil(routes.DESK.length / 2);
  const [c1, c2, c3, c4] = await Promise.all([
    walkDesk(base, coop, routes.OPERATOR, allowed, walked),
    walkDesk(base, reg, routes.DESK.slice(0, half), allowed, walked),
    walkDesk(base, reg2, routes.DESK.slice(half), allowed, walked),
    walkDesk(base, anon, routes.ANYONE, allowed, walked),
    walkConsumer(base, shopper, code, allowed),
  ]);
  const counts = [c1, c2, c3, c4];
  await reg2.close();
  await consumerCtx.close();
  check(counts.reduce((a, b) => a + b, 0) === pages.length * 4,
        'every desk page in zh and en at both widths', `${counts} of ${pages.length * 4}`);
  // no route of the tables left out: each was reviewed, or is named in NOT_PAGES
  const missed = pages.map(([route]) => route).filter((route) => !walked.has(route));
  check(missed.length === 0 && pages.length + NOT_PAGES.length === deskRoutes().length,
        'no page of the route tables is left out of the walk', missed.join(', '));
  await anonCtx.close();
}

// The consumer pages in zh, en, vi and th, as a shopper sees them, and a
// refused report.
async function walkConsumer(base, anon, code, allowed) {
  const titles = { zh: '正品标志', en: 'Genuine label', vi: 'Nhãn chính hãng', th: 'ฉลากของแท้' };
  const consumer = [['home', '/'], ['verify', '/v/' + code], ['unknown', '/v/K7M3-9QX2-HD4T-PW8N'],
                    ['enter', '/v/']];
  for (const lang of ['zh', 'en', 'vi', 'th']) {
    for (const [name, url] of consumer) {
      await anon.setViewportSize({ width: 390, height: 844 });
      await anon.goto(`${base}${url}?lang=${lang}`);
      for (const [width, height, label] of WIDTHS) {
        await anon.setViewportSize({ width, height });
        const what = `the consumer page ${url} in ${lang} at ${width} px`;
        if (name === 'verify' && width === 390)
          check((await anon.textContent('h1')) === titles[lang], `${what}: the verdict's title`,
                await anon.textContent('h1'));
        await reviewPage(anon, url, `consumer-${name}-${lang}-${label}.png`, CONSUMER_CONTROLS, what,
                         width === 390);
        if (lang === 'zh' && width === 390) {
          const stray = await strayWords(anon, allowed);
          check(stray.length === 0, `${url}: no English word on the Chinese page`, stray.join(' '));
        }
      }
    }
    // a report the rules refuse (a hidden text-direction control pasted in):
    // the form comes back with the text kept and the reason beside it. Three
    // reports a client and code at once: English reports on the unknown code.
    const from = lang === 'en' ? consumer[2][1] : consumer[1][1];
    await anon.setViewportSize({ width: 390, height: 844 });
    await anon.goto(`${base}${from}?lang=${lang}`);
    await anon.fill('#text', '\u202e包装印刷模糊，在市场看到');
    await Promise.all([anon.waitForLoadState('load'),
                       anon.click('form[action*="/report"] button[type=submit]')]);
    const what = `the refused report in ${lang}`;
    check(await anon.isVisible('#text-error') &&
          (await anon.inputValue('#text')).includes('包装印刷模糊'),
          `${what}: the reason beside the text, the text kept`);
    for (const [width, height, label] of WIDTHS) {
      await anon.setViewportSize({ width, height });
      await reviewPage(anon, from, `consumer-report-refused-${lang}-${label}.png`, CONSUMER_CONTROLS,
                       `${what} at ${width} px`, width === 390);
      if (lang === 'zh' && width === 390) {
        const stray = await strayWords(anon, allowed);
        check(stray.length === 0, `${what}: no English word on the Chinese page`, stray.join(' '));
      }
    }
  }
}

// The regulator records a new operator (a mistyped USCC first: the form
// comes back with the error beside the field and the values kept), grants it
// the mark, approves the grant, creates its account; the new account signs in
// with the password shown once and requests a batch. All in the browser.
async function newOperatorInTheBrowser(base, browser, options, reg, db) {
  const USCC = '93451003MA00000B7Q';
  await reg.setViewportSize({ width: 390, height: 844 });
  await reg.goto(base + '/admin/operators?lang=en');
  await Promise.all([reg.waitForLoadState('load'), reg.click('a[href^="/admin/operators/new"]')]);
  await reg.fill('#o-uscc', USCC.slice(0, 17) + 'A');
  await reg.fill('#o-name', 'Baiyu Mango Cooperative');
  await reg.selectOption('#o-kind', 'cooperative');
  await reg.fill('#o-region_code', '451003');
  await reg.fill('#o-contact', '0776-3300000');
  await Promise.all([reg.waitForLoadState('load'), reg.click('form[action^="/admin/operators/new"] button')]);
  check(await reg.isVisible('#o-uscc-error'), 'a wrong check character is shown beside the USCC');
  check(await reg.inputValue('#o-name') === 'Baiyu Mango Cooperative', 'the typed name is kept');
  check(await reg.inputValue('#o-contact') === '0776-3300000', 'the typed contact is kept');
  await screenshot(reg, 'operator-refused-phone.png');
  await axeCheck(reg, 'the refused operator form');
  await reg.fill('#o-uscc', USCC);
  await Promise.all([reg.waitForLoadState('load'), reg.click('form[action^="/admin/operators/new"] button')]);
  const m = reg.url().match(/\/admin\/operators\/(\d+)\?/);
  check(m, 'the operator is recorded and its page opens', reg.url());
  const operatorId = m ? Number(m[1]) : 0;
  check(gimark(db, ['operator', 'show', USCC]).includes('Baiyu Mango Cooperative'),
        'the register holds the new operator');
  // grant it the mark: only products of the scope covering its seat are offered
  await reg.fill('#g-yearly_quota', '5000');
  await reg.fill('#g-approval_doc', 'GZ-2026-77');
  await Promise.all([reg.waitForLoadState('load'), reg.click('form[action*="/grant"] button')]);
  check((await reg.textContent('#grant')) !== null && (await reg.textContent('main')).includes('pending'),
        'the grant is recorded, pending');
  await reg.goto(base + '/admin/?lang=en');
  const item = reg.locator('ul.queue li', { hasText: 'Baiyu Mango Cooperative' });
  await item.locator('input[name=approval_doc]').fill('GZ-2026-77');
  await Promise.all([reg.waitForLoadState('load'), item.locator('button').click()]);
  // its account, and the password shown once
  await reg.goto(base + `/admin/operators/${operatorId}?lang=en`);
  check((await reg.textContent('main')).includes('approved'), 'the authorisation is approved');
  await reg.fill('#a-username', 'baiyu-clerk');
  await Promise.all([reg.waitForLoadState('load'), reg.click('form[action*="/accounts"] button')]);
  const password = await reg.inputValue('.password-once');
  check(password.length >= 16, 'the new password is shown', password.length);
  await screenshot(reg, 'password-once-phone.png');
  await axeCheck(reg, 'the password page');
  await reg.goto(base + `/admin/operators/${operatorId}?lang=en`);
  check(!(await reg.content()).includes(password), 'the password is not shown again');
  // the new account requests a batch
  const ctx = await browser.newContext({ ...options, viewport: { width: 390, height: 844 },
                                         isMobile: true, hasTouch: true });
  const clerk = await ctx.newPage();
  await signIn(clerk, base, 'baiyu-clerk', password);
  check(clerk.url().includes('/coop/'), 'the new account signs in to its desk', clerk.url());
  await clerk.fill('#count', '10');
  await clerk.fill('#lot_number', 'BAIYU-1');
  await Promise.all([clerk.waitForLoadState('load'), clerk.click('form[action^="/coop/batches"] button')]);
  check((await clerk.textContent('#request-done')).includes('BAIYU-1'),
        'the request is acknowledged, naming the lot');
  check(gimark(db, ['batch', 'list']).includes('BAIYU-1'), 'the batch is requested');
  await screenshot(clerk, 'new-operator-desk-phone.png');
  await ctx.close();
  await reg.setViewportSize({ width: 1280, height: 900 });
}

// The cooperative files its use report for the last closed year on its desk
// (the demo's authorisations date from a year ago); the regulator opens it.
// Resolves with the report's id.
async function useReportInTheBrowser(base, coop, reg, db) {
  await coop.setViewportSize({ width: 390, height: 844 });
  await coop.goto(base + '/coop/usage?lang=en');
  const period = await coop.inputValue('#u-period');
  check(/^\d{4}$/.test(period), 'the form offers the last closed year', period);
  await coop.selectOption('#u-product_id', { index: 0 });
  await coop.fill('#u-volume_produced', '1200');
  await coop.fill('#u-volume_sold', '1000');
  await coop.selectOption('#u-volume_unit', 'kg');
  await coop.fill('#u-sales_value_yuan', '24000.50');
  await coop.fill('#u-labels_received', '0');
  await coop.fill('#u-labels_used', '0');
  await coop.fill('#u-labels_voided', '0');
  await coop.fill('#u-application', '标志印在 2.5 公斤装果箱上');
  await Promise.all([coop.waitForLoadState('load'),
                     coop.click('form[action^="/coop/usage"] button[type=submit]')]);
  const link = coop.locator('a[href^="/coop/usage/"]').first();
  const href = (await link.count()) ? await link.getAttribute('href') : '';
  const m = (href || '').match(/^\/coop\/usage\/(\d+)\?/);
  check(m, 'the use report is filed and listed', coop.url() + ' ' + href);
  const id = m ? Number(m[1]) : 0;
  check(gimark(db, ['usage', 'show', id]).includes('24000.50'), 'the register holds the report');
  await reg.goto(base + `/admin/usage/${id}?lang=en`);
  check((await reg.textContent('main')).includes('24000.50') &&
        (await reg.locator(`form[action^="/admin/usage/${id}/accept"]`).count()) === 1,
        'the regulator reads it, with the decision to take');
  await reg.setViewportSize({ width: 1280, height: 900 });
  await coop.setViewportSize({ width: 1280, height: 900 });
  return id;
}

async function main() {
  // every wait is bounded: a step that hangs fails the test, never the run
  const limit = Number(process.env.BROWSER_DEADLINE_S || 600);
  const deadline = setTimeout(() => { console.log(`FAIL: the browser test took over ${limit} s`);
    process.exit(1); }, limit * 1000);
  fs.mkdirSync(OUT, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gimark-browser-'));
  const db = seed(dir);
  const { proc, base } = await startServer(db);
  let browser = null;
  // axe is injected as a script: the pages' CSP rightly forbids that, so the
  // test contexts bypass it (the pages themselves run no script).
  const options = { bypassCSP: true, acceptDownloads: true };
  try {
    // playwright gives it a fresh, empty profile of its own
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const t0 = Date.now();
    // The cooperative asks for labels.
    const coopCtx = await browser.newContext(options);
    const coop = await coopCtx.newPage();
    await coop.goto(base + '/login?lang=en');
    await axeCheck(coop, 'the sign-in page');
    await signIn(coop, base, 'coop');
    check(coop.url().includes('/coop/'), 'cooperative lands on its desk', coop.url());
    await coop.fill('#count', '3');
    await coop.fill('#lot_number', 'BROWSER-1');
    await coop.fill('#harvest_date', '2026-07-01');
    await Promise.all([coop.waitForLoadState('load'), coop.click('form[action^="/coop/batches"] button')]);
    check((await coop.textContent('.notice') || '').length > 0, 'request acknowledged');
    const batchId = Number(gimark(db, ['--json', 'batch', 'list']).match(/"id":\s*(\d+)/)[1]);

    // The regulator approves and issues them.
    const regCtx = await browser.newContext(options);
    const reg = await regCtx.newPage();
    await signIn(reg, base, 'reg');
    check(reg.url().includes('/admin/'), 'regulator lands on the dashboard', reg.url());
    await Promise.all([reg.waitForLoadState('load'),
                       reg.click(`form[action^="/admin/batches/${batchId}/approve"] button`)]);
    await Promise.all([reg.waitForLoadState('load'),
                       reg.click(`form[action^="/admin/batches/${batchId}/issue"] button`)]);
    check(gimark(db, ['batch', 'show', batchId]).includes('issued'), 'batch issued through the page');
    await reg.goto(base + '/admin/?lang=en');
    await reg.setViewportSize({ width: 1280, height: 900 });
    await screenshot(reg, 'dashboard.png');
    await axeCheck(reg, 'the regulator dashboard');

    // The cooperative downloads the print file and activates the batch.
    await coop.goto(base + '/coop/?lang=en');
    const [download] = await Promise.all([
      coop.waitForEvent('download'),
      coop.click(`a[href^="/coop/batches/${batchId}/labels?format=pdf"]`),
    ]);
    const pdfPath = path.join(dir, 'labels.pdf');
    await download.saveAs(pdfPath);
    check(fs.readFileSync(pdfPath).subarray(0, 4).toString() === '%PDF', 'the PDF downloads');
    const csv = await coopCtx.request.get(base + `/coop/batches/${batchId}/labels?format=csv`);
    const code = (await csv.text()).split('\n')[1].split(',')[0];
    await Promise.all([coop.waitForLoadState('load'),
                       coop.click(`form[action^="/coop/batches/${batchId}/activate"] button`)]);
    // activating asks first, on a page naming the batch
    check((await coop.textContent('.confirm')).includes('BROWSER-1'),
          'the activation asks first, naming the lot');
    check(gimark(db, ['batch', 'show', batchId]).includes('issued'), 'nothing changed before it');
    await screenshot(coop, 'confirm-activate.png');
    await axeCheck(coop, 'the confirmation page');
    await Promise.all([coop.waitForLoadState('load'),
                       coop.click(`form[action^="/coop/batches/${batchId}/activate"] button`)]);
    check(gimark(db, ['batch', 'show', batchId]).includes('activated'), 'batch activated after confirming');

    console.log(`  the batch's path in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await newOperatorInTheBrowser(base, browser, options, reg, db);


    // A consumer scans a label with a phone.
    const phoneCtx = await browser.newContext({ ...options, viewport: { width: 390, height: 844 },
                                                deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const phone = await phoneCtx.newPage();
    let heading = '';
    // the activation reaches the server's readers within 50 ms
    for (let i = 0; i < 5 && !heading.includes('正品'); i++) {
      await phone.goto(base + '/v/' + code + '?lang=zh');
      heading = await phone.textContent('h1');
    }
    check(heading === '正品标志', 'the consumer sees GENUINE (正品标志)', heading);
    await phoneCtx.close();

    const started = Date.now();
    const report = await useReportInTheBrowser(base, coop, reg, db);
    await reviewEveryPage(base, browser, options, coop, reg, db, { batch: batchId, report }, code);
    console.log(`  every page reviewed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    if (browser) await browser.close();
    const code = await stopServer(proc);
    check(code === 0, 'server stops cleanly', code);
    fs.rmSync(dir, { recursive: true, force: true });
    if (PG) psql(`DROP DATABASE IF EXISTS ${PG_NAME} WITH (FORCE)`);
  }
  clearTimeout(deadline);
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log('FAIL: ' + (e && e.stack || e));
  console.log(`browser: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
