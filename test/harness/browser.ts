import { chromium, type Browser } from 'playwright-core';
import { requireTool } from './require-tool.js';

/**
 * Debian's Chromium, headless, driven by playwright-core (no browser download). The flags keep
 * it from reaching the internet and from needing a sandbox or a GPU.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = requireTool('chromium', 'chromium');
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
