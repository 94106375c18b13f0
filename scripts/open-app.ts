/** For the README picture scripts: the built app (`npx vite preview`) in Debian Chromium with WebGPU, ready. */
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';

export async function openApp(opts: { url?: string; before?: (page: Page) => Promise<unknown> } = {}): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  await opts.before?.(page);
  await page.goto(opts.url ?? 'http://127.0.0.1:4173/');
  await page.waitForFunction(() => window.workbench !== undefined);
  await page.evaluate(() => window.workbench.ready);
  return { browser, page };
}
