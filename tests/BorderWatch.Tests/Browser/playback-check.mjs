// Playback (PlaybackTests): one page paused at a moment of the past shows the counters and positions of that
// moment while a second page on the same scenario stays live; then playing at 3600x, frames per second counted.
//   node playback-check.mjs <page url> <moment, ISO> <route> <asset> <chromium executable>
import { checkDashboard, say } from "./chromium.mjs";

const [url, moment, route, asset, executablePath] = process.argv.slice(2);
await checkDashboard(executablePath, url, async (page, lines, problems, browser) => {
  const row = p => p.evaluate(r => {
    const tr = document.querySelector(`#routes tr[data-route="${r}"]`);
    return { lastHour: tr.querySelector('[data-field="lastHour"]').textContent, last24h: tr.querySelector('[data-field="last24h"]').textContent };
  }, route);
  const live = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await live.goto(url);
  await live.waitForSelector('body[data-ready="true"]', { timeout: 20000 });

  await page.fill("#timeline [name=at]", moment.slice(0, 16));
  await page.dispatchEvent("#timeline [name=at]", "change");
  await page.waitForFunction(m => document.querySelector("#clock").textContent.startsWith(m.slice(0, 16).replace("T", " ")), moment, { timeout: 10000 });
  await page.waitForTimeout(300); // the picture is applied in one message; let the page settle
  const position = await page.evaluate(a => borderMap.assets().find(x => x.asset === a)?.latest ?? null, asset);
  say({ event: "paused", clock: await page.textContent("#clock"), state: await page.getAttribute("#timeline", "data-state"), route: await row(page),
    position, liveClock: await live.textContent("#clock"), liveRoute: await row(live), liveState: await live.getAttribute("#timeline", "data-state") });

  // 3600x: the clock moves an hour a second; count the frames the page draws meanwhile.
  await page.selectOption("#timeline [name=speed]", "3600");
  const before = await page.evaluate(() => Date.parse(document.querySelector("#clock").textContent.replace(" UTC", "Z").replace(" ", "T")));
  await page.click("#timeline [data-action=play]");
  const fps = await page.evaluate(() => new Promise(resolve => {
    let frames = 0;
    const start = performance.now();
    const count = now => (now - start < 5000 ? (frames++, requestAnimationFrame(count)) : resolve(frames / ((now - start) / 1000)));
    requestAnimationFrame(count);
  }));
  const after = await page.evaluate(() => Date.parse(document.querySelector("#clock").textContent.replace(" UTC", "Z").replace(" ", "T")));
  await page.click("#timeline [data-action=live]");
  await page.waitForFunction(() => document.querySelector("#timeline").dataset.state === "live" && document.body.dataset.ready === "true");
  say({ event: "played", fps, movedMs: after - before, backLive: await page.textContent("#clock"), problems });
});
