// The dashboard's charts (HistoryChartTests): a route's chart over two ranges, its CSV download, and an alert's
// drill-down, each said as a JSON line for the .NET test to hold against the API.
//   node history-check.mjs <page url> <route> <alert id> <screenshot path> <chromium executable>
import { readFile } from "node:fs/promises";
import { checkDashboard, say } from "./chromium.mjs";

const [url, route, alertId, screenshot, executablePath] = process.argv.slice(2);
await checkDashboard(executablePath, url, async (page, lines, problems) => {
  const chart = () => page.evaluate(() => borderHistory.current());
  const shown = (test, arg) => page.waitForFunction(test, arg, { timeout: 15000, polling: 100 });

  await page.click(`#routes tr[data-route="${route}"]`);
  await shown(r => borderHistory.current()?.id === r && document.querySelector("#history").dataset.state === "shown", route);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#history [data-action=csv]")]);
  say({ event: "chart", chart: await chart(), csv: await readFile(await download.path(), "utf8"), file: download.suggestedFilename() });

  await page.click('#history [data-range="1y"]');
  await shown(() => borderHistory.current()?.bucket === "day");
  say({ event: "year", chart: await chart(), pressed: await page.getAttribute('#history [data-range="1y"]', "aria-pressed") });

  await page.click(`#alerts li[data-alert="${alertId}"]`);
  await shown(id => borderHistory.current()?.focus === id, alertId);
  await page.screenshot({ path: screenshot });
  say({ event: "drill", chart: await chart(), problems });
});
