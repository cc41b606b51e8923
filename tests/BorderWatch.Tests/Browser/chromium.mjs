// What every browser script shares: Debian's Chromium, headless with the flags CI needs, and one JSON line per step.
import { chromium } from "playwright-core";
import { createInterface } from "node:readline";

export const launch = executablePath => chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"],
});

export const say = message => console.log(JSON.stringify(message));

// The test's lines on stdin, one at a time: `(await lines.next()).value`.
export const stdinLines = () => createInterface({ input: process.stdin })[Symbol.asyncIterator]();

// A dashboard page once it shows its first picture; its page errors go into `problems`.
export async function openDashboard(browser, url, problems) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on("pageerror", e => problems.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  return page;
}
