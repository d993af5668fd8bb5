import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

// What every page a person reads must pass, and the pictures a person can look at afterwards.

/** Where the browser tests leave their screenshots (not committed). */
export const screenshotDir = path.resolve(import.meta.dirname, '../../test-results/screenshots');

/**
 * axe-core's WCAG 2.1 A and AA rules on the page as it is now: no serious or critical violation
 * (labels, keyboard use, contrast, language). Minor and moderate findings are printed, not failed.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const describe = (v: (typeof violations)[number]) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`;
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of violations.filter((x) => !blocking.includes(x))) console.warn(`[axe] ${what}: ${describe(v)}`);
  expect(blocking.map(describe), `accessibility of ${what}`).toEqual([]);
}

/** A full-page screenshot named after the page and its language. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** The page checked for accessibility and photographed, in the language it shows. */
export async function lookAt(page: Page, name: string): Promise<void> {
  const lang = (await page.getAttribute('html', 'lang')) ?? 'xx';
  await expectAccessible(page, `${name} (${lang})`);
  await screenshot(page, `${name}.${lang}`);
}
