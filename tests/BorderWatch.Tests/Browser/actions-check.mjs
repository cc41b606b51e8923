// Acting on an alert from the page (AlertActionsTests): an operator silences its route and acknowledges it through
// the dialog; a viewer's page shows the alert and offers neither.
//   node actions-check.mjs <operator page url> <viewer page url> <alert id> <chromium executable>
import { checkDashboard, say } from "./chromium.mjs";

const [url, viewerUrl, alertId, executablePath] = process.argv.slice(2);
await checkDashboard(executablePath, url, async (page, lines, problems, browser) => {
  const item = `#alerts li[data-alert="${alertId}"]`;
  const itemText = () => page.textContent(item);
  await page.waitForSelector(`${item} button[data-action=silence]`, { timeout: 15000 });

  await page.click(`${item} button[data-action=silence]`);
  await page.fill("#act input[name=reason]", "known surge, coordinated with the RCC");
  await page.fill("#act input[name=until]", "2023-06-30T12:00");
  await page.click("#act button[value=ok]");
  await page.waitForFunction(s => document.querySelector(s)?.textContent.includes("silenced"), item, { timeout: 10000 });
  say({ event: "silenced", text: await itemText() });

  await page.click(`${item} button[data-action=acknowledge]`);
  await page.fill("#act input[name=comment]", "patrol boat tasked");
  await page.click("#act button[value=ok]");
  await page.waitForFunction(s => document.querySelector(s)?.textContent.includes("acknowledged by"), item, { timeout: 10000 });
  say({ event: "acknowledged", text: await itemText() });

  const viewer = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await viewer.goto(viewerUrl);
  await viewer.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  await viewer.waitForSelector(item, { timeout: 10000 });
  say({ event: "viewer", alerts: await viewer.locator("#alerts li").count(), buttons: await viewer.locator("#alerts button").count(),
    who: await viewer.textContent("#who"), problems });
});
