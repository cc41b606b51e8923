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
const stdinLines = () => createInterface({ input: process.stdin })[Symbol.asyncIterator]();

// Runs a check of the dashboard at `url`: `body(page, lines, problems, browser)` gets the page once it shows its
// first picture, the test's stdin lines, and the problems gathered (failed scripts, Content Security Policy
// violations). A failure is said as {event: "error"}; the browser is closed and the process ends either way.
// `options` are the page's (Playwright's newPage).
export async function checkDashboard(executablePath, url, body, options = {}) {
  const browser = await launch(executablePath);
  const problems = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, ...options });
    page.on("pageerror", e => problems.push(String(e)));
    page.on("console", m => { if (m.type() === "error" && m.text().includes("Content Security Policy")) problems.push(m.text()); });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    await body(page, stdinLines(), problems, browser);
  } catch (e) {
    say({ event: "error", message: String(e), problems });
    process.exitCode = 1;
  } finally {
    await browser.close();
    process.exit();
  }
}
