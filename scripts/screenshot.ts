/**
 * Takes the README's screenshots of the built app (run `npx vite preview` first, or let this start it):
 *   npx tsx scripts/screenshot.ts [url] [out.png]
 */
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config';

const url = process.argv[2] ?? 'http://127.0.0.1:4173/';
const out = process.argv[3] ?? 'docs/screenshot.png';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
await page.goto(url);
await page.waitForFunction(() => window.workbench !== undefined);
await page.evaluate(() => window.workbench.ready);
await page.waitForTimeout(1500);
await page.screenshot({ path: out });
await browser.close();
console.log(`wrote ${out}`);
