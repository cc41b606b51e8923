// The maritime picture on the dashboard: the events layer, a click on a detection, vessel alerts and coverage gaps.
// The .NET test (MaritimePictureTests) posts the feed and judges the report, one JSON line per step.
//   node picture-check.mjs <page url> <screenshot path> <chromium executable>
// stdin: a JSON line naming the detections to look at, then "posted" once a live detection was posted.
import { checkDashboard, say } from "./chromium.mjs";

const [url, screenshot, executablePath] = process.argv.slice(2);
await checkDashboard(executablePath, url, async (page, lines, problems) => {
  const { small, big, old, live } = JSON.parse((await lines.next()).value);
  await page.waitForFunction(() => borderEvents.detectionCount() >= 3 && document.querySelectorAll(".bw-alert-track").length > 0
    && document.querySelectorAll("#coverage tbody tr").length > 0, null, { timeout: 20000, polling: 200 });
  const shown = id => page.evaluate(i => borderEvents.detectionShown(i), id);
  const [s, o] = [await shown(small), await shown(old)];
  // Close in, so the detections near each other lie apart.
  await page.evaluate(id => { const d = borderEvents.detectionShown(id); borderMap.map.setView([d.lat, d.lon], 10, { animate: false }); }, big);
  const b = await shown(big);
  await page.mouse.click(b.x, b.y);
  await page.waitForSelector(".bw-nearest-popup", { timeout: 5000 });
  const popup = await page.textContent(".bw-nearest-popup .leaflet-popup-content");
  const lineCount = await page.locator("path.bw-nearest").count();
  await page.waitForFunction(() => getComputedStyle(document.querySelector(".bw-nearest-popup")).opacity === "1"); // faded in
  await page.screenshot({ path: screenshot });
  const rings = await page.locator("path.bw-vessel-alert").count();
  const gaps = await page.$$eval("#coverage tbody tr", rows => rows.map(r => r.dataset.sector));
  const summary = await page.textContent("#coverage [data-field=summary]");
  say({ event: "shown", small: s, big: b, old: o, popup, lines: lineCount, rings, gaps, summary, count: await page.evaluate(() => borderEvents.detectionCount()) });

  await lines.next(); // "posted"
  await page.waitForFunction(id => borderEvents.detectionShown(id) !== null, live, { timeout: 10000, polling: 100 });
  say({ event: "live", count: await page.evaluate(() => borderEvents.detectionCount()), problems });
});
