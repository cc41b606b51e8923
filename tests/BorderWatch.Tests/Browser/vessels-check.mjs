// Ten thousand vessels on the dashboard: how many it draws, what the filter leaves, and frames per second while
// they move. The .NET test (VesselLayerTests) posts the AIS and judges the report, one JSON line per step.
//   node vessels-check.mjs <page url> <count expected> <chromium executable>
// stdin: the test writes "moving" once it has started moving the vessels.
import { checkDashboard, say } from "./chromium.mjs";

const [url, expected, executablePath] = process.argv.slice(2);
await checkDashboard(executablePath, url, async (page, lines, problems) => {
  say({ event: "ready" });

  await page.waitForFunction(n => borderMap.assetCount() >= n, Number(expected), { timeout: 60000, polling: 200 });
  await lines.next(); // "moving"
  // Frames drawn in 10 s while the vessels move, and the longest gap between two.
  const frames = await page.evaluate(() => new Promise(resolve => {
    let count = 0, longest = 0, last = performance.now();
    const start = last;
    const frame = now => {
      count++;
      longest = Math.max(longest, now - last);
      last = now;
      if (now - start < 10000) requestAnimationFrame(frame);
      else resolve({ fps: count / ((now - start) / 1000), longestMs: longest });
    };
    requestAnimationFrame(frame);
  }));
  const count = () => page.evaluate(() => borderMap.assetCount());
  const drawn = await count();
  await page.uncheck('#asset-filter input[name="vessel"]');
  const ownOnly = await count();
  await page.check('#asset-filter input[name="vessel"]');
  await page.selectOption('#asset-filter select[name="shipType"]', "tanker");
  const tankers = await count();
  say({ event: "measured", drawn, ownOnly, tankers, ...frames, problems });
});
