// Opens the API reference page in Chromium and reports what it shows, as one JSON line.
//   node reference-check.mjs <page url> <chromium executable>
import { launch, say } from "./chromium.mjs";

const [url, executablePath] = process.argv.slice(2);
const browser = await launch(executablePath);
const problems = [];
try {
  const page = await browser.newPage();
  page.on("pageerror", e => problems.push(String(e)));
  page.on("requestfailed", r => problems.push(`request failed: ${r.url()}`));
  page.on("console", m => { if (m.type() === "error") problems.push(m.text()); });
  page.on("request", r => { if (!r.url().startsWith(new URL(url).origin) && !r.url().startsWith("data:")) problems.push(`off-site request: ${r.url()}`); });
  await page.goto(url);
  await page.waitForSelector(".opblock", { timeout: 20000 });
  const paths = await page.locator(".opblock-summary-path").allTextContents();
  say({ event: "shown", title: (await page.locator(".info .title").textContent()).trim(), paths, problems });
} catch (e) {
  say({ event: "failed", error: String(e), problems });
} finally {
  await browser.close();
}
