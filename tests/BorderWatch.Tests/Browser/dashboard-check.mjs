// Drives the dashboard in Chromium as an operator would and reports what the page shows, one JSON line per step.
// The .NET test (DashboardPageTests) starts the server, posts the detection and judges the report.
//   node dashboard-check.mjs <page url> <route> <sector> <screenshot.png> <chromium executable>
// stdin: the test writes "posted" once its detection was acknowledged, then the JSON of a position it posted.
import { launch, say } from "./chromium.mjs";
import { createInterface } from "node:readline";

const [url, route, sector, screenshot, executablePath] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

const browser = await launch(executablePath);
const problems = [];

// Playwright's own wait (two animation frames with the same box) can fall in a pause of Leaflet's zoom: wait for
// the box to stay put for 300 ms and the map to have left its zoom animation.
async function atRest(page, selector) {
  const box = async () => JSON.stringify(await page.locator(selector).boundingBox());
  for (const until = Date.now() + 10000; Date.now() < until;) {
    const before = await box();
    await new Promise(r => setTimeout(r, 300));
    if (before === await box() && !(await page.evaluate(whatTheMapShows)).zooming) return;
  }
  throw new Error(`the map did not come to rest within 10 s: ${JSON.stringify(await page.evaluate(whatTheMapShows))}`);
}

// What a failed step reports: which panel is open, whether the map is moving.
function whatTheMapShows() {
  return { panel: document.querySelector("#sector")?.dataset.sector ?? null, zooming: !!document.querySelector(".leaflet-zoom-anim") };
}

try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on("pageerror", e => problems.push(String(e)));
  page.on("requestfailed", r => problems.push(`request failed: ${r.url()}`));
  page.on("console", m => { if (m.type() === "error" && m.text().includes("Content Security Policy")) problems.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });

  // Show the route, then open the sector's panel by clicking it on the map once the zoom has come to rest.
  await page.click(`#routes tr[data-route="${route}"]`);
  const onMap = `path.bw-sector[data-sector="${sector}"]`;
  await atRest(page, onMap);
  await page.click(onMap);
  await page.waitForSelector(`#sector[data-sector="${sector}"]`, { state: "attached", timeout: 5000 }).catch(async () => {
    throw new Error(`clicking ${sector} on the map opened no panel for it: ${JSON.stringify(await page.evaluate(whatTheMapShows))}`);
  });
  const counter = page.locator(`#sector[data-sector="${sector}"] [data-field="lastHour-detections"]`);
  const before = await counter.textContent();
  say({
    event: "ready",
    sectors: await page.locator("path.bw-sector").count(),
    countries: await page.locator("path.bw-country").count(),
    connection: await page.locator("#connection").textContent(),
    scenario: await page.evaluate(() => document.body.dataset.scenario),
    counter: before,
  });

  await lines.next(); // "posted"
  const posted = Date.now();
  await page.waitForFunction(([selector, text]) => document.querySelector(selector)?.textContent !== text,
    [`#sector[data-sector="${sector}"] [data-field="lastHour-detections"]`, before], { timeout: 10000, polling: 20 });
  const ms = Date.now() - posted;
  await page.screenshot({ path: screenshot });
  say({
    event: "changed",
    ms,
    counter: await counter.textContent(),
    routeLastHour: await page.locator(`#routes tr[data-route="${route}"] [data-field="lastHour"]`).textContent(),
    problems,
  });

  // An asset whose id and kind are markup: its tooltip must show them as text.
  const posted2 = JSON.parse((await lines.next()).value);
  // Assets are drawn on a canvas: point at the asset where the page drew it, as an operator would.
  const point = await (await page.waitForFunction(id => borderMap.assetPoint(id), posted2.asset, { timeout: 10000 })).jsonValue();
  await page.mouse.move(point.x - 30, point.y - 30);
  await page.mouse.move(point.x, point.y, { steps: 5 });
  await page.waitForSelector(".leaflet-tooltip", { timeout: 5000 });
  say({
    event: "tooltip",
    text: await page.evaluate(() => [...document.querySelectorAll(".leaflet-tooltip")].map(t => t.innerText).join("\n")),
    elements: await page.evaluate(() => [...document.querySelectorAll(".leaflet-tooltip *")].map(e => e.tagName.toLowerCase())),
    injected: await page.evaluate(() => document.querySelectorAll(".bw-injected").length),
    problems,
  });
} catch (e) {
  say({ event: "error", message: String(e), problems }); // page errors say why a step found nothing
  process.exitCode = 1;
} finally {
  await browser.close();
  process.exit();
}
