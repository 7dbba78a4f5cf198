// broker_page.mjs -- the broker's web page in headless Chromium (Debian's),
// driven by playwright-core: A logs in, sees her pending offer and accepts
// it; B logs in and makes an offer through the form; a bad key is refused;
// the page fetches nothing from elsewhere and logs no console error.
//   node broker_page.mjs URL KEY_A KEY_B
import { chromium } from "playwright-core";

const [url, keyA, keyB] = process.argv.slice(2);
let failed = 0, passed = 0;
const check = (name, ok) => { if (ok) passed++; else { failed++; console.log("FAILED: " + name); } };

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  const errors = [], foreign = [];
  page.on("console", m => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", e => errors.push(String(e)));
  page.on("request", r => { if (!r.url().startsWith(url)) foreign.push(r.url()); });

  await page.goto(url + "/");
  check("the page renders", (await page.textContent("h1")) === "oneway broker");

  // a wrong key is refused with a message
  await page.fill("#key", "1." + "0".repeat(64));
  await page.click("#login-form button");
  await page.waitForFunction(() => document.getElementById("error").textContent.length > 0);
  check("a wrong key is refused", (await page.textContent("#error")).includes("not a valid API key"));
  errors.length = 0;      // the browser logs the refused request itself; that one is expected

  // A logs in, sees the open offer, accepts it
  await page.fill("#key", keyA);
  await page.click("#login-form button");
  await page.waitForSelector("#neg-1");
  check("A sees who she is", (await page.textContent("#me")) === "utility");
  check("A sees the pending offer of 50", (await page.textContent("#neg-1")).includes("50"));
  await page.click("#neg-1 button.accept");
  await page.waitForSelector("#neg-1 td.accepted");
  check("the ledger's outcome is shown: accepted", (await page.textContent("#neg-1 td.accepted")) === "accepted");
  await page.click("#logout");

  // B logs in and makes an offer through the form
  await page.waitForSelector("#login-form");
  await page.fill("#key", keyB);
  await page.click("#login-form button");
  await page.waitForSelector("#neg-1");
  await page.fill("#o-a", "utility");
  await page.fill("#o-action", "harbour");
  await page.fill("#o-outside", "switch-center");
  await page.fill("#o-payments", "30, 45");
  await page.fill("#o-probs", "1, 0.5");
  await page.click("#offer-form button");
  await page.waitForSelector("#neg-2");
  const row = await page.textContent("#neg-2");
  check("B's new schedule is listed, open at step 1 of 2", row.includes("open") && row.includes("1 of 2") && row.includes("30"));
  check("B has no accept button", (await page.$("#neg-2 button.accept")) === null);
  await page.screenshot({ path: process.env.SHOT || "/tmp/ow-broker-page.png" });

  check("no console errors (" + errors.join("; ") + ")", errors.length === 0);
  check("nothing fetched from elsewhere (" + foreign.join(", ") + ")", foreign.length === 0);
} finally {
  await browser.close();
}
console.log(`web: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
