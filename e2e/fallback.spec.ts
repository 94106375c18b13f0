import { test, expect } from './fixtures/workbench';

// A browser without WebGPU: the workbench still works and says why it is not using WebGPU.
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-webgpu', '--disable-background-networking', '--disable-component-update'],
  },
});

test('falls back and says why in a plain sentence', async ({ wb, page }) => {
  await wb.open();
  const b = await wb.backend();
  expect(['webgl', 'cpu']).toContain(b.name);
  expect(b.reason).toMatch(/^WebGPU is not used because .+\.$/);
  await expect(page.getByTestId('backend.reason')).toHaveText(b.reason!);
  // The scan still opens.
  expect(await wb.volumes()).toHaveLength(2);
});
