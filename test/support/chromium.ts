import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/**
 * Debian's Chromium (`apt-get install chromium`), or CHROMIUM_PATH: Playwright's own browser
 * download is blocked on the machines k2flow is built on, so the tests drive the system's.
 */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH?.trim() || '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`The browser tests need Chromium at ${executablePath}: run \`apt-get install chromium\` (as .ci/run does), or set CHROMIUM_PATH to a Chromium or Chrome binary.`);
  }
  // Chromium's sandbox refuses to start as root, which is how CI and containers run it.
  const asRoot = process.getuid?.() === 0;
  return chromium.launch({ executablePath, headless: true, args: asRoot ? ['--no-sandbox'] : [] });
}

/** Chromium for one test file: launched before its tests, closed after them. */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  return () => browser!;
}

/** Signs in on the sign-in page the browser is on (the test's people share one password), and waits for where it leads. */
export async function signInOnPage(page: Page, email: string, password: string): Promise<void> {
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-in"] button')]);
}
