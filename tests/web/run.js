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

const CHANCERY = process.env.CHANCERY || path.resolve(__dirname, "../../build/chancery");
const OUT = process.env.WEB_OUT ||
  path.resolve(__dirname, "../..", process.env.BUILD || "build", "tests/web");
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
    const log = fs.createWriteStream(path.join(OUT, "serve.log"));
    srv.stderr.on("data", (d) => { text += d; log.write(d); });
    srv.on("exit", (code, sig) => {
      if (!stopping) console.log(`# serve exited ${code} ${sig}: ${text.slice(-2000).split("\n").join("\n# ")}`);
      reject(new Error(`serve exited ${code}`));
    });
  });
}

// ---- pages ----

const shots = [];
let stopping = false;

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
    await journey(browser, base);
    await security(browser, base);
    await withdrawal(browser, base);
  } finally {
    await browser.close();
    stopping = true;
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
  await visit(page, base, "/forecasts", "analyst-forecasts");
  ok(await page.locator("figure.chart svg").count() === 1, "the forecasts' chart is inline");
  ok(/Runs limited to 100 per scenario/.test(await page.locator("main").textContent()),
    "the forecasts page says it limits the runs");
  await visit(page, base, "/forecasts?a=us-compromise.json&b=visa-agreement.json&by=mission&runs=50",
    "analyst-forecasts-missions");
  ok(/Runs limited to 50 per scenario/.test(await page.locator("main").textContent()),
    "the runs asked for are the runs made");
  await visit(page, base, "/forecasts?runs=100000", "analyst-forecasts-too-many-runs", 400);
  await visit(page, base, "/forecasts?a=nothing.json", "analyst-forecasts-no-scenario", 400);
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
  const pol = page.locator('main table a[href="/policies/usa-rus-expulsion-2016"]');
  ok(await pol.count() === 1, "the policies list links each policy to its page");
  await Promise.all([page.waitForNavigation(), pol.click()]);
  ok((await page.locator("h1").textContent()) === "usa-rus-expulsion-2016", "a policy has its page");
  ok(/persona non grata/.test(await page.locator("main").textContent()), "with its record");
  await check(page, "officer-policy");
  await visit(page, base, "/policies?as_known_on=2016-06-30", "officer-policies-known");
  ok(await page.locator('main table a[href="/policies/usa-rus-expulsion-2016"]').count() === 0,
    "as recorded on 2016-06-30 the 2016 expulsion is not in the list yet");
  ok(/As recorded on 2016-06-30/.test(await page.locator("main").textContent()),
    "and the page says which day it shows");
  await visit(page, base, "/policies/usa-rus-expulsion-2016?as_known_on=2016-06-30",
    "officer-policy-not-yet-known", 404);
  await visit(page, base, "/missions/RUS-USA-EMB?as_known_on=1991-12-31", "officer-mission-not-yet-known", 404);
  await visit(page, base, "/missions/RUS-USA-EMB?as_known_on=2016-06-30&as_of=2016-06-30",
    "officer-mission-known");
  ok(await page.getByLabel("As recorded on").inputValue() === "2016-06-30",
    "the mission page keeps the day it was recorded on in its form");
  await visit(page, base, "/persons/P05158?as_known_on=bad", "officer-person-bad-known", 400);
  for (const [label, url] of [["Change log", "/changes"], ["History", "/history"]])
    ok(await page.locator(`nav a[href="${url}"]`).filter({ hasText: label }).count() === 1,
      `the officer's navigation links to ${label}`);
  await Promise.all([page.waitForNavigation(), page.locator('nav a[href="/changes"]').click()]);
  await check(page, "officer-changes");
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

// The notification's journey: submitted with a spouse and a child (the
// child's family name an XSS probe), invisible to another state's liaison,
// returned, corrected, accepted, on the Diplomatic List, in the change log.
async function journey(browser, base) {
  const lia = await signIn(await browser.newContext(), base, "rus-liaison");
  let dialogs = 0;
  lia.on("dialog", (d) => { dialogs++; d.dismiss(); });
  await visit(lia, base, "/notify", "liaison-notify-kinds");
  await visit(lia, base, "/notify/appointment", "liaison-appointment-form");
  await lia.getByLabel("Mission (required)").selectOption("RUS-USA-EMB");
  const fill = async (name, value) => lia.locator(`[name="${name}"]`).fill(value);
  await fill("person.family_name", "Sokolov");
  await fill("person.given_names", "Ivan Petrovich");
  await lia.locator('[name="person.sex"]').selectOption("M");
  await fill("posting.title", "Counselor (political)");
  await lia.locator('[name="posting.rank"]').selectOption("counselor");
  await fill("posting.notified", "2021-11-20");
  await fill("posting.arrived", "2021-12-01");
  await fill("planned_end", "2026-12-01");
  await fill("dependents[0].person.family_name", "Sokolova");
  await fill("dependents[0].person.given_names", "Anna");
  await lia.locator('[name="dependents[0].person.sex"]').selectOption("F");
  await fill("dependents[0].joined", "2021-12-01");
  await fill("dependents[1].person.family_name", "<script>alert(1)</script>");
  await fill("dependents[1].person.given_names", "Misha");
  await lia.locator('[name="dependents[1].person.sex"]').selectOption("M");
  await fill("dependents[1].joined", "2021-12-01");
  // A bad value first: the error shows beside its field, the form kept.
  await fill("person.nationality", "XXX");
  await Promise.all([lia.waitForNavigation(), lia.getByRole("button", { name: "Submit the notification" }).click()]);
  const err = await lia.locator(".field.invalid p.error").allTextContents();
  ok(err.length >= 1, "a bad field is refused, its error beside it", err.join(" | "));
  ok(await lia.locator('[name="person.family_name"]').inputValue() === "Sokolov", "and the form is kept");
  await check(lia, "liaison-appointment-errors");
  await fill("person.nationality", "RUS");
  // The warnings the rules give, before submitting.
  await Promise.all([lia.waitForNavigation(), lia.getByRole("button", { name: "Check for warnings first" }).click()]);
  ok(await lia.locator(".message.warning li").count() >= 1, "the rules' warnings show before submitting",
    await lia.locator("main").textContent());
  ok(await lia.locator('[name="dependents[0].person.family_name"]').inputValue() === "Sokolova", "with the form kept");
  await check(lia, "liaison-appointment-warnings");
  // The form as the browser sends it, to send it again after (a re-POST).
  const sent = await lia.locator('form:has([name="idem"])').evaluate((f) => {
    const d = {};
    new FormData(f).forEach((v, k) => { d[k] = v; });
    return d;
  });
  ok(/^form-[0-9a-f]{32}$/.test(sent.idem || ""), "the form carries a one-time key", sent.idem);
  await Promise.all([lia.waitForNavigation(), lia.getByRole("button", { name: "Submit the notification" }).click()]);
  const m = lia.url().match(/\/notifications\/(N\d+)/);
  ok(m, "the appointment is submitted", lia.url());
  const id = m ? m[1] : "N000000";
  const ids = async () => new Set(((await (await lia.request.get(base + "/notifications")).text())
    .match(/N\d{6}/g) || [])).size;
  const before = await ids();
  const resent = await lia.request.post(base + "/notify/appointment", { form: sent, maxRedirects: 0 });
  const where = resent.headers()["location"] || "";
  ok(resent.status() === 303 && where.includes(`/notifications/${id}`),
    "the same form sent again answers as the first", `${resent.status()} ${where}`);
  ok(await ids() === before, "and writes no second notification");
  ok((await lia.locator(".state").first().textContent()) === "submitted", "it shows as submitted");
  const warn = await lia.locator(".message.warning").count();
  ok(warn === 1, "the rules' warning is shown with its explanation");
  const main = await lia.locator("main").textContent();
  ok(main.includes("<script>alert(1)</script>") && dialogs === 0, "the XSS name shows as text and runs nothing");
  await check(lia, "liaison-notification-submitted");
  await visit(lia, base, "/notifications", "liaison-notifications");

  const other = await signIn(await browser.newContext(), base, "usa-liaison");
  await visit(other, base, `/notifications/${id}`, "other-liaison-notification", 404);
  ok(!(await (await other.goto(base + "/notifications")).text()).includes(id),
    "another state's liaison does not see it in its list");

  const off = await signIn(await browser.newContext(), base, "officer1");
  await visit(off, base, "/inbox", "officer-inbox-with-one");
  await Promise.all([off.waitForNavigation(), off.getByRole("link", { name: id }).click()]);
  await check(off, "officer-decision");
  await off.getByLabel("Decision (required)").selectOption("return");
  await off.getByLabel("Grounds").fill("passport number missing");
  await Promise.all([off.waitForNavigation(), off.getByRole("button", { name: "Record the decision" }).click()]);
  ok((await off.locator(".state").first().textContent()) === "returned", "the officer returns it with grounds");

  await lia.goto(base + `/notifications/${id}`);
  await Promise.all([lia.waitForNavigation(), lia.getByRole("link", { name: "Correct it and submit it again" }).click()]);
  await check(lia, "liaison-resubmit-form");
  ok((await lia.locator(".message.error").textContent()).includes("passport number missing"),
    "the liaison sees the grounds on the form");
  await lia.locator('[name="person.passport"]').fill("7100123");
  await Promise.all([lia.waitForNavigation(), lia.getByRole("button", { name: "Submit the notification" }).click()]);
  const again = await lia.locator(".state").count() ? await lia.locator(".state").first().textContent() : "";
  ok(again === "submitted", "the liaison resubmits it corrected",
    await lia.locator(".message.error, p.error").allTextContents());

  await off.goto(base + `/notifications/${id}`);
  await off.getByLabel("Decision (required)").selectOption("accept");
  await Promise.all([off.waitForNavigation(), off.getByRole("button", { name: "Record the decision" }).click()]);
  ok((await off.locator(".state").first().textContent()) === "accepted", "the officer accepts it");
  await check(off, "officer-accepted");

  const pub = await (await browser.newContext()).newPage();
  await visit(pub, base, "/lists/diplomatic?host=USA", "public-diplomatic-list-after");
  const row = pub.locator("tr", { hasText: "Ivan Petrovich" });
  ok(await row.count() === 1 && (await row.textContent()).includes("Anna"),
    "the Diplomatic List shows the diplomat with the spouse");

  const aud = await signIn(await browser.newContext(), base, "auditor1");
  await visit(aud, base, "/changes", "auditor-changes");
  const first = aud.locator("main table tbody tr").first();
  const txt = await first.textContent();
  ok(txt.includes("officer1") && txt.includes(`notification ${id} accepted`),
    "the auditor sees the acceptance's change set with the officer as actor", txt);
  await Promise.all([aud.waitForNavigation(), first.locator("a").first().click()]);
  await check(aud, "auditor-change-set");
  ok((await aud.locator("main").textContent()).includes("Sokolov"), "its entries write the diplomat");
  await visit(aud, base, `/history/notification/${id}`, "auditor-history");
  await visit(aud, base, "/verify", "auditor-verify");
  await Promise.all([aud.waitForNavigation(), aud.getByRole("button", { name: "Verify the change log now" }).click()]);
  ok((await aud.locator(".message").textContent()).startsWith("Verified"), "verification passes");
  await check(aud, "auditor-verified");
}

async function security(browser, base) {
  const context = await browser.newContext();
  const page = await signIn(context, base, "officer1");
  // A form posted without its token is refused.
  const r = await page.request.post(base + "/logout", { form: { nothing: "1" } });
  ok(r.status() === 403, "a form without its CSRF token is refused (403)", `got ${r.status()}`);
  // A decision posted without its token changes nothing.
  const d = await page.request.post(base + "/notifications/N000001/decision",
    { form: { decision: "refuse", grounds: "forged" } });
  ok(d.status() === 403, "a decision without its CSRF token is refused (403)", `got ${d.status()}`);
  // A forged session cookie names no session: signed out, and told so.
  const cookies = await context.cookies();
  const c = cookies.find((x) => x.name === "chancery_session");
  await context.clearCookies();
  await context.addCookies([{ ...c, value: "0".repeat(64) }]);
  await page.goto(base + "/inbox");
  ok(page.url().includes("/login") && (await page.locator(".message").textContent()).includes("session has ended"),
    "a forged session cookie is sent to sign in again");
  // A session that ended (a password change revokes it) likewise.
  await context.clearCookies();
  await context.addCookies([c]);
  await page.goto(base + "/inbox");
  ok(page.url().endsWith("/inbox"), "the real session still works");
  ch(["user", "passwd", "officer1"], "a-new-password\n");
  await page.goto(base + "/inbox");
  ok(page.url().includes("/login") && (await page.locator(".message").textContent()).includes("session has ended"),
    "an ended session is sent to sign in again, told so");
  await check(page, "session-ended");
  await context.close();
}

// A liaison withdraws its own submitted notification from its page (a
// form with the CSRF token, as the API's withdraw route); without the
// token, or by another state's liaison, nothing changes.
async function withdrawal(browser, base) {
  const other = await signIn(await browser.newContext(), base, "usa-liaison");
  const forged = await other.request.post(base + "/notifications/N000005/withdraw", { form: {} });
  ok(forged.status() === 403, "a withdrawal without its CSRF token is refused (403)", `got ${forged.status()}`);
  await visit(other, base, "/notifications/N000005", "other-liaison-withdraw-target", 404);
  const lia = await signIn(await browser.newContext(), base, "rus-liaison");
  await visit(lia, base, "/notifications/N000005", "liaison-notification-withdrawable");
  const button = lia.getByRole("button", { name: "Withdraw the notification" });
  ok(await button.count() === 1, "a submitted notification offers its liaison to withdraw it");
  await Promise.all([lia.waitForNavigation(), button.click()]);
  ok(lia.url().endsWith("/notifications/N000005"), "the withdrawal returns to the notification", lia.url());
  ok((await lia.locator(".state").first().textContent()) === "withdrawn", "which shows as withdrawn");
  ok(await lia.getByRole("button", { name: "Withdraw the notification" }).count() === 0,
    "and offers no second withdrawal");
  await check(lia, "liaison-notification-withdrawn");
  const st = ch(["notification", "show", "N000005", "--format", "json"]);
  ok(/"state": *"withdrawn"/.test(st), "the registry records it withdrawn", st.slice(0, 300));
}

main().catch((err) => {
  console.log(`not ok ${n + 1} - the browser tests ran # ${String(err && err.stack || err).split("\n").join(" | ")}`);
  console.log(`1..${n + 1}`);
  process.exit(1);
});
