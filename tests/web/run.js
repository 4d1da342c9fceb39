// Browser tests of chancery serve's web pages (issue 14): playwright-core
// drives Debian's chromium (executablePath) against a server this script
// starts on a free loopback port, on a demo database with an account per
// role. Every page visited is checked by axe-core (no serious or critical
// violation), must load without a Content-Security-Policy violation, and
// is saved as a screenshot under $OUT (build/tests/web/ by default).
// Output is TAP, for scripts/run-tests.sh.
"use strict";

const { spawn, execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");
const axe = require("axe-core");

const CHANCERY = process.env.CHANCERY || path.resolve("build/chancery");
const OUT = process.env.WEB_OUT ||
  path.resolve(process.env.BUILD || "build", "tests/web");
const BROWSER = process.env.CHROMIUM || "/usr/bin/chromium";
const TODAY = "2021-12-04";

let n = 0;
let failed = 0;
function ok(cond, what, detail) {
  n++;
  if (cond) {
    console.log(`ok ${n} - ${what}`);
  } else {
    failed++;
    console.log(`not ok ${n} - ${what}`);
    if (detail) console.log(`# ${String(detail).split("\n").join("\n# ")}`);
  }
}

// ---- the server ----

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "chancery-web-"));
const env = Object.assign({}, process.env, {
  CHANCERY_DB: path.join(tmp, "web.db"),
  CHANCERY_TODAY: TODAY,
  TZ: "UTC",
  LC_ALL: "C",
});

function ch(args, input) {
  return execFileSync(CHANCERY, args, { env, input: input || "", stdio: ["pipe", "pipe", "pipe"] }).toString();
}

function setupRegistry() {
  ch(["demo"]);
  const users = [
    ["officer1", "officer", []],
    ["analyst1", "analyst", []],
    ["auditor1", "auditor", []],
    ["rus-liaison", "liaison", ["--sending", "RUS"]],
    ["usa-liaison", "liaison", ["--sending", "USA"]],
  ];
  for (const [name, role, scope] of users)
    ch(["user", "add", name, "--role", role, ...scope], `${name}-pw\n`);
}

function startServer() {
  return new Promise((resolve, reject) => {
    const srv = spawn(CHANCERY, ["serve", "--listen", "127.0.0.1:0"], { env });
    let text = "";
    srv.stdout.on("data", (d) => {
      text += d;
      const m = text.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (m) resolve({ srv, base: `http://127.0.0.1:${m[1]}` });
    });
    srv.stderr.on("data", (d) => { text += d; });
    srv.on("exit", (code) => reject(new Error(`serve exited ${code}: ${text}`)));
  });
}

// ---- pages ----

const shots = [];

async function check(page, name) {
  const results = await page.evaluate(async (source) => {
    // eslint-disable-next-line no-eval
    (0, eval)(source);
    const r = await window.axe.run(document, {
      resultTypes: ["violations"],
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((x) => x.target.join(" ")) }));
  }, axe.source);
  const bad = results.filter((v) => v.impact === "serious" || v.impact === "critical");
  ok(bad.length === 0, `axe: no serious or critical violation on ${name}`,
    JSON.stringify(bad, null, 1));
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  shots.push(file);
}

// Opens url, expects status, runs axe and saves a screenshot as name.
async function visit(page, base, url, name, status) {
  const res = await page.goto(base + url);
  ok(res.status() === (status || 200), `${name}: ${url} answers ${status || 200}`,
    `got ${res.status()}`);
  await check(page, name);
  return res;
}

async function signIn(context, base, user) {
  const page = await context.newPage();
  page.cspErrors = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) page.cspErrors.push(m.text());
  });
  await page.goto(base + "/login");
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(`${user}-pw`);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
  return page;
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  setupRegistry();
  const { srv, base } = await startServer();
  const browser = await chromium.launch({ executablePath: BROWSER, args: ["--no-sandbox"] });
  try {
    await publicPages(browser, base);
    await signInPages(browser, base);
    await analystPages(browser, base);
    await auditorPages(browser, base);
    await officerPages(browser, base);
    await liaisonPages(browser, base);
    await security(browser, base);
  } finally {
    await browser.close();
    srv.kill("SIGTERM");
  }
  console.log(`# screenshots: ${shots.length} in ${OUT}`);
  console.log(`1..${n}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

async function publicPages(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const csp = [];
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
  const res = await visit(page, base, "/", "public-home");
  const h = res.headers();
  ok(/default-src 'self'/.test(h["content-security-policy"] || ""), "pages carry a CSP of default-src 'self'");
  await visit(page, base, "/lists/diplomatic?host=USA", "public-diplomatic-list");
  ok(await page.getByRole("heading", { name: "Russian Federation", exact: true }).count() === 1,
    "the Diplomatic List names the Russian Federation");
  ok((await page.locator("main").textContent()).includes("Ivanova"),
    "and its ambassador");
  await visit(page, base, "/lists/diplomatic?host=USA&part=precedence", "public-precedence");
  await visit(page, base, "/lists/consular?host=USA", "public-consular-list");
  await visit(page, base, "/consular/where?nationality=RUS&service=nonimmigrant_visa", "public-where");
  ok(csp.length === 0, "no CSP violation on the public pages", csp.join("\n"));
  await context.close();
}

async function signInPages(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await visit(page, base, "/login", "sign-in");
  await page.getByLabel("User name").fill("officer1");
  await page.getByLabel("Password").fill("wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForLoadState();
  ok((await page.locator(".message.error").textContent()).includes("Wrong user name"),
    "a wrong password is refused with a message");
  await check(page, "sign-in-failed");
  const r = await page.goto(base + "/inbox");
  ok(r.url().startsWith(base + "/login"), "a page needing an account sends to sign-in");
  await context.close();
}

async function analystPages(browser, base) {
  const context = await browser.newContext();
  const page = await signIn(context, base, "analyst1");
  await check(page, "analyst-home");
  const cookies = await context.cookies();
  const c = cookies.find((x) => x.name === "chancery_session");
  ok(c && c.httpOnly && c.sameSite === "Strict", "the session cookie is HttpOnly and SameSite=Strict",
    JSON.stringify(c));
  await visit(page, base, "/parity?s1=RUS&s2=USA&from=2016-01-01&to=2022-12-31&step=month", "analyst-parity");
  const lines = await page.locator("figure.chart svg path, figure.chart svg polyline").count();
  ok(lines >= 2, `the parity chart is inline with its lines (${lines})`);
  const svgText = await page.locator("figure.chart svg").textContent();
  ok(/RUS/.test(svgText) && /USA/.test(svgText), "the chart names both states");
  await visit(page, base, "/headcount?sending=RUS&country=USA&by=category", "analyst-headcount");
  await visit(page, base, "/visas?issuing=USA&by=year", "analyst-visas");
  ok(await page.locator("figure.chart svg").count() === 1, "the Kaplan-Meier chart is inline");
  await visit(page, base, "/visas/report?issuing=USA&from=2019-01-01&to=2022-12-31", "analyst-un-report");
  await visit(page, base, "/inbox", "analyst-inbox-refused", 403);
  ok(page.cspErrors.length === 0, "no CSP violation on the analyst's pages", page.cspErrors.join("\n"));
  await context.close();
}

async function auditorPages(browser, base) {
  const context = await browser.newContext();
  const page = await signIn(context, base, "auditor1");
  await check(page, "auditor-home");
  await context.close();
}

async function officerPages(browser, base) {
  const context = await browser.newContext();
  const page = await signIn(context, base, "officer1");
  await check(page, "officer-home");
  await visit(page, base, "/inbox", "officer-inbox");
  await visit(page, base, "/check?issuer=USA", "officer-docket");
  const first = page.locator("main table tbody tr td a").first();
  const id = await first.textContent();
  await Promise.all([page.waitForNavigation(), first.click()]);
  ok((await page.locator("h1").textContent()) === id, "a finding's explanation is one click away");
  ok(await page.locator("ol.steps li").count() >= 2, "with the steps from the rule");
  await check(page, "officer-explain");
  await visit(page, base, "/missions?sending=RUS", "officer-missions");
  await visit(page, base, "/missions/RUS-USA-EMB", "officer-mission");
  await visit(page, base, "/postings/T02183", "officer-posting");
  await visit(page, base, "/persons/P05158", "officer-person");
  await visit(page, base, "/policies", "officer-policies");
  ok(page.cspErrors.length === 0, "no CSP violation on the officer's pages", page.cspErrors.join("\n"));
  await context.close();
}

async function liaisonPages(browser, base) {
  const context = await browser.newContext();
  const page = await signIn(context, base, "rus-liaison");
  await check(page, "liaison-home");
  await visit(page, base, "/missions/USA-RUS-EMB", "liaison-other-mission", 404);
  await context.close();
}

async function security(browser, base) {
  const context = await browser.newContext();
  const page = await signIn(context, base, "officer1");
  // A form posted without its token is refused.
  const r = await page.request.post(base + "/logout", { form: { nothing: "1" } });
  ok(r.status() === 403, "a form without its CSRF token is refused (403)", `got ${r.status()}`);
  // An ended session signs out and says so.
  const cookies = await context.cookies();
  const c = cookies.find((x) => x.name === "chancery_session");
  await context.clearCookies();
  await context.addCookies([{ ...c, value: "0".repeat(64) }]);
  await page.goto(base + "/inbox");
  ok(page.url().includes("/login") && (await page.locator(".message").textContent()).includes("session has ended"),
    "an expired session is sent to sign in again, told so");
  await check(page, "session-ended");
  await context.close();
}

main().catch((err) => {
  console.log(`not ok ${n + 1} - the browser tests ran # ${String(err && err.stack || err).split("\n").join(" | ")}`);
  console.log(`1..${n + 1}`);
  process.exit(1);
});
