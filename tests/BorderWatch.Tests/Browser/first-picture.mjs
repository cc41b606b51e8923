// Time to first picture on a cold load: a fresh browser context (empty cache) per load, from navigation start to the
// page's first complete picture (sectors, basemap and the scenario's snapshot drawn: body[data-ready=true]).
//   node first-picture.mjs <page url> <chromium executable> [loads, default 5]
import { launch, say } from "./chromium.mjs";

const [url, executablePath, loads = "5"] = process.argv.slice(2);
const browser = await launch(executablePath);
const times = [];
try {
  for (let i = 0; i < Number(loads); i++) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
    times.push(await page.evaluate(() => Math.round(performance.getEntriesByName("first-picture")[0].startTime)));
    await page.close();
  }
} finally {
  await browser.close();
}
const sorted = [...times].sort((a, b) => a - b);
say({ event: "first-picture", ms: times, median: sorted[Math.floor(sorted.length / 2)] });
