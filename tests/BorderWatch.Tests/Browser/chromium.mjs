// What every browser script shares: Debian's Chromium, headless with the flags CI needs, and one JSON line per step.
import { chromium } from "playwright-core";

export const launch = executablePath => chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"],
});

export const say = message => console.log(JSON.stringify(message));
