// The page in an operations room (RoomsTests): axe-core's accessibility check in the light and the dark theme at
// 1366x768, the keyboard's theme toggle, and the wall layout on a 3840x2160 screen, each with a screenshot.
//   node rooms-check.mjs <page url> <route> <screenshot folder> <chromium executable>
import { createRequire } from "node:module";
import { checkDashboard, say } from "./chromium.mjs";

const [url, route, folder, executablePath] = process.argv.slice(2);
const axe = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
// axe runs as a script the page did not ship: its policy (script-src 'self') would refuse it, so the check's pages
// bypass the policy; the page's own scripts are those of every other test.
const options = { viewport: { width: 1366, height: 768 }, bypassCSP: true };

async function audit(page) {
  await page.addScriptTag({ path: axe });
  const { violations } = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
  return violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")) }));
}

const look = page => page.evaluate(() => {
  const box = selector => document.querySelector(selector).getBoundingClientRect();
  return {
    theme: document.documentElement.dataset.theme ?? "system", layout: document.documentElement.dataset.layout,
    background: getComputedStyle(document.querySelector("aside")).backgroundColor, fontSize: getComputedStyle(document.documentElement).fontSize,
    mapRight: box("#map").right, asideLeft: box("aside").left, overflows: document.documentElement.scrollWidth > innerWidth,
  };
});

await checkDashboard(executablePath, url, async (page, lines, problems, browser) => {
  await page.click(`#routes tr[data-route="${route}"]`);
  await page.waitForSelector('#history[data-state="shown"]');
  const light = { ...(await look(page)), violations: await audit(page) };
  await page.screenshot({ path: `${folder}/dashboard-light.png` });

  await page.keyboard.press("t"); // system -> dark
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  const dark = { ...(await look(page)), violations: await audit(page) };
  await page.screenshot({ path: `${folder}/dashboard-dark.png` });

  const wallPage = await browser.newPage({ ...options, viewport: { width: 3840, height: 2160 } });
  await wallPage.goto(url);
  await wallPage.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  await wallPage.click(`#routes tr[data-route="${route}"]`);
  await wallPage.waitForSelector('#history[data-state="shown"]');
  const wall = await look(wallPage);
  await wallPage.screenshot({ path: `${folder}/dashboard-wall.png` });
  say({ event: "rooms", light, dark, wall, problems });
}, options);
