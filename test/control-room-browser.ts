// A real headless Chromium against a control room (`gameday serve` as a child process), shared by the tests
// of its pages: every page opened here records what it logs as an error and every host it asks other than
// the control room (a CDN reference fails here instead of working online).
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { spawnGameday, type GamedayProcess } from './cli-process.js';
import { waitFor } from './experiment/world.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** `gameday serve` on a free loopback port in `home`; resolves with the process and its base URL once it says where the dashboard is. */
export async function startServe(home: string, args: string[] = []): Promise<{ serve: GamedayProcess; base: string }> {
  const serve = spawnGameday(['serve', '--listen', '127.0.0.1:0', ...args], home);
  const said = /dashboard: open (http:\/\/\S+)\/ in a browser/;
  await waitFor('gameday serve to print its dashboard URL', () => said.test(serve.stderr()), 20_000);
  return { serve, base: said.exec(serve.stderr())![1] };
}

export async function stopServe(serve: GamedayProcess | undefined): Promise<void> {
  if (!serve || serve.child.exitCode !== null) return;
  serve.child.kill('SIGINT');
  await serve.done;
}

export interface Opened {
  page: Page;
  context: BrowserContext;
  /** Console errors and warnings, page errors. */
  problems: string[];
  /** Every URL the page asked for that is not the control room's. */
  foreign: string[];
}

export async function openPage(browser: Browser, base: string, path: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
  const page = await context.newPage();
  const problems: string[] = [];
  const foreign: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${base}/`)) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  await page.goto(`${base}${path}`, { waitUntil: 'load' });
  return { page, context, problems, foreign };
}
