// The harness of Keyward's browser tests: the real `keyward` binary on a free port of 127.0.0.1
// in a fresh data directory, and headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core, for tests written with node's own runner (node:test).
//
//   import { test } from 'node:test';
//   import { useKeyward, axeScan, screenshot } from './harness.mjs';
//   const kw = useKeyward();              // before: start both; after: stop both, even on failure
//   test('the console loads', async (t) => {
//     const page = await kw.newPage(t);   // fresh context; fails `t` on a console error or CSP refusal
//     await page.goto(kw.url('/console/'));
//     await screenshot(page, 'console_loads');
//     assert.deepEqual(await axeScan(page), []);
//   });
//
// The binary is $KEYWARD_BIN (CTest sets it), else build/keyward; screenshots go to
// $KEYWARD_SCREENSHOT_DIR (CTest: <build dir>/screenshots), else build/screenshots. A server is
// stopped with SIGTERM and must exit 0 within STOP_DEADLINE_MS, as in tests/integration
// (keyward_process.py), whose conventions this follows.

import { after, before } from 'node:test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');
export const KEYWARD_BIN = process.env.KEYWARD_BIN || path.join(REPO_ROOT, 'build', 'keyward');
export const SCREENSHOT_DIR =
  process.env.KEYWARD_SCREENSHOT_DIR || path.join(REPO_ROOT, 'build', 'screenshots');
export const CHROMIUM = process.env.KEYWARD_CHROMIUM || '/usr/bin/chromium';
// The width of every new page: 1280 px, or a phone's 390 px when CTest runs a walk again with
// KEYWARD_E2E_WIDTH=390. Screenshots taken at another width than 1280 carry it in their name.
export const VIEWPORT_WIDTH = Number(process.env.KEYWARD_E2E_WIDTH || 1280);
const VIEWPORT = { width: VIEWPORT_WIDTH, height: VIEWPORT_WIDTH < 600 ? 844 : 800 };
export const SESSION_COOKIE = 'keyward_session';
// The Master Administrator account made at first start (docs/accounts.md).
export const BOOTSTRAP_EMAIL = 'admin@localhost';

// Generous for a Debug build under AddressSanitizer on a busy machine; they only bound how long
// a broken server can hang a test.
export const START_DEADLINE_MS = 30_000;
export const STOP_DEADLINE_MS = 10_000;
export const ACTION_TIMEOUT_MS = 30_000;

const LISTENING_RE = /^listening on 127\.0\.0\.1:(\d+)$/m;
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync',
];

// --- the server ---------------------------------------------------------------------------

// One `keyward serve` on 127.0.0.1:<ephemeral port> in a fresh data directory under a fresh
// work directory, with the bootstrap key and password written to files there.
// options: { args: [extra serve arguments], env: {extra environment} }.
// Resolves once it prints `listening on 127.0.0.1:PORT`; rejects (after killing it) if it exits
// first or takes longer than START_DEADLINE_MS. The returned object:
//   url(path)            'http://127.0.0.1:PORT' + path
//   port, workDir, dataDir
//   bootstrapKey()       the first-start Master Administrator token (its key file)
//   bootstrapPassword()  the one-time console password of admin@localhost (its password file)
//   stdout(), stderr()   what the process printed so far
//   stop()               SIGTERM; rejects unless it exits 0 within STOP_DEADLINE_MS (then
//                        SIGKILL). Idempotent.
export async function startKeyward(options = {}) {
  if (!fs.existsSync(KEYWARD_BIN)) {
    throw new Error(`keyward binary not found at ${KEYWARD_BIN} (set KEYWARD_BIN)`);
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyward-e2e-'));
  const dataDir = path.join(workDir, 'data');
  const keyFile = path.join(workDir, 'bootstrap-key');
  const passwordFile = path.join(workDir, 'bootstrap-password');
  const env = { ...process.env };
  delete env.KEYWARD_BOOTSTRAP_KEY_FILE;
  delete env.KEYWARD_BOOTSTRAP_PASSWORD_FILE;
  Object.assign(env, {
    KEYWARD_BOOTSTRAP_KEY_FILE: keyFile,
    KEYWARD_BOOTSTRAP_PASSWORD_FILE: passwordFile,
  }, options.env || {});
  const args = ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, ...(options.args || [])];
  const proc = spawn(KEYWARD_BIN, args, { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (s) => { out += s; });
  proc.stderr.setEncoding('utf8').on('data', (s) => { err += s; });
  const exited = once(proc, 'exit');

  let stopped = null;
  const server = {
    port: 0,
    workDir,
    dataDir,
    url: (p = '/') => `http://127.0.0.1:${server.port}${p}`,
    bootstrapKey: () => fs.readFileSync(keyFile, 'utf8').trim(),
    bootstrapPassword: () => fs.readFileSync(passwordFile, 'utf8').trim(),
    stdout: () => out,
    stderr: () => err,
    stop: () => {
      stopped ??= stopProcess(proc, exited, () => err).finally(() => {
        fs.rmSync(workDir, { recursive: true, force: true });
      });
      return stopped;
    },
  };

  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    const match = LISTENING_RE.exec(out);
    if (match) {
      server.port = Number(match[1]);
      return server;
    }
    if (proc.exitCode !== null || proc.signalCode !== null) {
      fs.rmSync(workDir, { recursive: true, force: true });
      throw new Error(`keyward serve exited (${proc.exitCode ?? proc.signalCode}) before ` +
                      `listening\nstderr:\n${tail(err)}`);
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      await exited;
      fs.rmSync(workDir, { recursive: true, force: true });
      throw new Error(`keyward serve printed no 'listening on 127.0.0.1:PORT' in ` +
                      `${START_DEADLINE_MS} ms\nstdout:\n${out}\nstderr:\n${tail(err)}`);
    }
    await sleep(50);
  }
}

async function stopProcess(proc, exited, stderr) {
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGTERM');
    let timer;
    const deadline = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), STOP_DEADLINE_MS);
    });
    const outcome = await Promise.race([exited, deadline]);
    clearTimeout(timer);  // else the pending timer keeps node alive for the whole deadline
    if (outcome === 'timeout') {
      proc.kill('SIGKILL');
      await exited;
      throw new Error(`keyward serve did not exit within ${STOP_DEADLINE_MS} ms of SIGTERM\n` +
                      `stderr:\n${tail(stderr())}`);
    }
  }
  if (proc.exitCode !== 0) {
    throw new Error(`keyward serve exited with ${proc.exitCode ?? proc.signalCode} after ` +
                    `SIGTERM (expected 0)\nstderr:\n${tail(stderr())}`);
  }
}

// --- the browser --------------------------------------------------------------------------

// Headless Chromium with the flags that keep it off the network but for the pages it is sent
// to. Close it with browser.close().
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM} (scripts/deps.sh test installs Debian's chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

// Chromium logs every 4xx answer to a fetch as "Failed to load resource". For the native API
// (/v1/...) that is the console at work, not a fault: a 401 tells it no session exists yet, a
// 400 carries the validation error it shows beside a field. A failed load of anything else (a
// console file, an icon) stays a problem.
function isApiAnswer(msg) {
  const url = msg.location()?.url || '';
  return /^Failed to load resource/.test(msg.text()) && /^https?:\/\/[^/]+\/v1\//.test(url);
}

// Records what a page reports that a test must never see: a console message of type error
// (Chromium logs failed loads and CSP refusals there), any message about the Content Security
// Policy ("Refused to ...", "... violates the following Content Security Policy directive ..."),
// whatever its level, every `securitypolicyviolation` event the page fires (reported through a
// binding, which the page's CSP cannot block), and uncaught exceptions. Call it before the
// page's first navigation. Resolves to { problems: [strings], assertClean() }; assertClean
// throws listing them.
export async function collectPageErrors(page) {
  const problems = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (isApiAnswer(msg)) return;
    if (msg.type() === 'error' || /Refused to |Content Security Policy/i.test(text)) {
      const where = msg.location()?.url ? ` (${msg.location().url})` : '';
      problems.push(`console ${msg.type()}: ${text}${where}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  await page.exposeBinding('__keywardCspViolation', (_source, violation) => {
    problems.push(`CSP violation: ${violation}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__keywardCspViolation(
        `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return {
    problems,
    assertClean() {
      if (problems.length > 0) {
        throw new Error(`the page reported ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
      }
    },
  };
}

// Saves a full-page PNG of `page` as SCREENSHOT_DIR/<name>.png and returns its path. `name`: a
// file name without extension (letters, digits, '.', '_', '-').
export async function screenshot(page, name) {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`bad screenshot name: ${name}`);
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const suffix = VIEWPORT_WIDTH === 1280 ? '' : `-${VIEWPORT_WIDTH}`;
  const file = path.join(SCREENSHOT_DIR, `${name}${suffix}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const AXE_SOURCE_PATH = path.join(HERE, 'node_modules', 'axe-core', 'axe.min.js');
let axeSource = null;

// Runs axe-core on `page` as it is now and resolves to its violations of impact serious or
// critical (options.impacts to choose others): [{ id, impact, help, helpUrl, nodes: [target
// selectors as strings] }], empty when there is none. axe is injected with page.evaluate, not a
// <script> tag, because the console's Content-Security-Policy refuses inline scripts; it is
// injected again only when the page has navigated since. options.context: what to scan (a
// selector), the whole document by default.
export async function axeScan(page, options = {}) {
  const impacts = options.impacts || ['serious', 'critical'];
  axeSource ??= fs.readFileSync(AXE_SOURCE_PATH, 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(`${axeSource}\n;undefined`);
  }
  const violations = await page.evaluate(async (context) => {
    const results = await window.axe.run(context || document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  }, options.context || null);
  return violations.filter((v) => impacts.includes(v.impact));
}

// --- HTTP from the test ---------------------------------------------------------------------

// One API call with Node's fetch. `body` (optional) is sent as JSON. `credential`: a token
// string (sent as Authorization: Bearer), a session from signIn ({cookie, csrfToken}: the
// cookie, and X-CSRF-Token on state-changing methods), or nothing. Resolves to
// { status, headers (a Headers object), text, json (parsed, or null when the body is not JSON) }.
export async function api(baseUrl, method, urlPath, body, credential) {
  const headers = {};
  if (typeof credential === 'string') {
    headers.Authorization = `Bearer ${credential}`;
  } else if (credential && credential.cookie) {
    headers.Cookie = `${SESSION_COOKIE}=${credential.cookie}`;
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) && credential.csrfToken) {
      headers['X-CSRF-Token'] = credential.csrfToken;
    }
  }
  let payload;
  if (body !== undefined && body !== null) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(baseUrl + urlPath, { method, headers, body: payload, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// POST /v1/session; resolves to { status, json, session } where session ({cookie, csrfToken},
// usable as api()'s credential) is null unless the answer is 201 with the session cookie.
export async function signIn(baseUrl, email, password) {
  const res = await fetch(`${baseUrl}/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const json = await res.json().catch(() => null);
  const cookie = res.headers.getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  const session = res.status === 201 && cookie
    ? { cookie: cookie.slice(SESSION_COOKIE.length + 1), csrfToken: json?.csrfToken }
    : null;
  return { status: res.status, json, session };
}

// --- the whole setup for a test file --------------------------------------------------------

// Registers node:test hooks for the current file (or suite): `before` starts a keyward server
// (startKeyward(options)) and Chromium; `after` closes every browser context, the browser and
// the server, each even when another failed, and fails if the server did not stop cleanly.
// Returns an object whose fields are set once `before` has run:
//   server                    startKeyward's object;  url(path)  = server.url(path)
//   browser                   the Chromium Browser
//   bootstrapKey, bootstrapPassword   the first-start Master Administrator token and the
//                                     one-time password of BOOTSTRAP_EMAIL
//   newPage(t)                a page in a fresh browser context (no shared cookies), with
//                             default timeouts of ACTION_TIMEOUT_MS and collectPageErrors
//                             attached; given the node:test context `t`, the test fails after it
//                             ends if the page reported any problem. Returns the Page; its
//                             collector is page.problems (collectPageErrors' object).
//   api(method, path, body, credential)   api() against this server
//   signIn(email, password)               signIn() against this server
export function useKeyward(options = {}) {
  const contexts = [];
  const kw = {
    server: null,
    browser: null,
    bootstrapKey: null,
    bootstrapPassword: null,
    url: (p = '/') => kw.server.url(p),
    api: (method, urlPath, body, credential) => api(kw.url(''), method, urlPath, body, credential),
    signIn: (email, password) => signIn(kw.url(''), email, password),
    async newPage(t) {
      const context = await kw.browser.newContext({ viewport: VIEWPORT });
      contexts.push(context);
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
      const page = await context.newPage();
      page.problems = await collectPageErrors(page);
      if (t) t.after(() => page.problems.assertClean());
      return page;
    },
  };
  before(async () => {
    kw.server = await startKeyward(options);
    kw.bootstrapKey = kw.server.bootstrapKey();
    kw.bootstrapPassword = kw.server.bootstrapPassword();
    kw.browser = await launchBrowser();
  });
  after(async () => {
    const failures = [];
    for (const context of contexts.splice(0)) {
      await context.close().catch((e) => failures.push(e));
    }
    if (kw.browser) await kw.browser.close().catch((e) => failures.push(e));
    if (kw.server) await kw.server.stop().catch((e) => failures.push(e));
    if (failures.length > 0) throw failures[0];
  });
  return kw;
}

// --- small helpers ----------------------------------------------------------------------------

function sleep(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

function tail(text, lines = 40) {
  return text.split('\n').slice(-lines).join('\n');
}
