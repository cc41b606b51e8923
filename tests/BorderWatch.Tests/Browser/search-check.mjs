// Search and follow (SearchFollowTests): a vessel found by its MMSI, followed as it reports, its track drawn; the
// asset list sorted by kind. Each step said as a JSON line; stdin names the sector of the next report once posted.
//   node search-check.mjs <page url> <mmsi> <chromium executable>
import { checkDashboard, say } from "./chromium.mjs";

const [url, mmsi, executablePath] = process.argv.slice(2);
await checkDashboard(executablePath, url, async (page, lines, problems) => {
  const inView = id => page.evaluate(i => {
    const a = borderMap.assets().find(x => x.asset === i);
    return { inView: borderMap.map.getBounds().contains([a.latest.lat, a.latest.lon]), time: a.latest.time, track: borderMap.followedTrack() };
  }, id);
  await page.waitForFunction(id => borderMap.assets().some(a => a.asset === id), mmsi, { timeout: 15000 });
  await page.keyboard.press("/");
  await page.keyboard.type(mmsi.slice(0, 6));
  await page.waitForSelector(`#search-results button[data-result="${mmsi}"]`, { timeout: 5000 });
  const offered = await page.$$eval("#search-results button", bs => bs.map(b => b.textContent));
  await page.click(`#search-results button[data-result="${mmsi}"]`);
  await page.waitForFunction(id => borderSearch.followed() === id && borderMap.followedTrack()?.length > 0, mmsi);
  say({ event: "following", offered, ...(await inView(mmsi)), panel: await page.textContent("#asset") });

  const { entered } = JSON.parse((await lines.next()).value); // the test posted a report far away, in this sector
  await page.waitForFunction(t => borderMap.assets().find(a => a.asset === t.id).latest.time > t.time, { id: mmsi, time: (await inView(mmsi)).time }, { timeout: 20000 });
  await page.waitForFunction(name => document.querySelector("#asset").textContent.includes(`entered ${name}`), entered, { timeout: 20000 });
  say({ event: "moved", ...(await inView(mmsi)), panel: await page.textContent("#asset") });

  await page.click('#asset-list [data-sort="kind"]');
  await page.waitForFunction(() => document.querySelector('#asset-list th[aria-sort="ascending"] [data-sort="kind"]'));
  const kinds = await page.$$eval("#asset-list tbody tr", rows => rows.map(r => r.children[1].textContent));
  say({ event: "sorted", kinds, problems });
});
