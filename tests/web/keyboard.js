// Keyboard use of the web pages (issue 14: "keyboard use for every task,
// visible focus"): sign-in and the notification's journey (a liaison
// submits an appointment with a spouse, the officer returns it, the
// liaison corrects and resubmits it, the officer accepts it) done with
// the keyboard alone: Tab, Shift+Tab, Enter, Space, arrow keys in a
// select and typing; no mouse, no element.click(), no fill(). At every
// stop of the focus the focused element must show it: its computed
// outline (or box-shadow) is not none. Each page's first stop is its
// skip link. Output is TAP, for scripts/run-tests.sh; the server, its
// registry and the accounts are those of run.js.
"use strict";

const { spawn, execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const CHANCERY = process.env.CHANCERY || path.resolve(__dirname, "../../build/chancery");
const OUT = process.env.WEB_OUT ||
  path.resolve(__dirname, "../..", process.env.BUILD || "build", "tests/web");
const BROWSER = process.env.CHROMIUM || "/usr/bin/chromium";

let n = 0;
let failed = 0;
function ok(cond, what, detail) {
  n++;
  console.log(`${cond ? "ok" : "not ok"} ${n} - ${what}`);
  if (!cond) {
    failed++;
    if (detail) console.log(`# ${String(detail).split("\n").join("\n# ")}`);
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "chancery-kbd-"));
const env = Object.assign({}, process.env, {
  CHANCERY_DB: path.join(tmp, "web.db"),
  CHANCERY_TODAY: "2021-12-04",
  TZ: "UTC",
  LC_ALL: "C",
});

function ch(args, input) {
  return execFileSync(CHANCERY, args, { env, input: input || "", stdio: ["pipe", "pipe", "pipe"] }).toString();
}

let stopping = false;
function startServer() {
  ch(["demo"]);
  ch(["user", "add", "officer1", "--role", "officer"], "officer1-pw\n");
  ch(["user", "add", "rus-liaison", "--role", "liaison", "--sending", "RUS"], "rus-liaison-pw\n");
  return new Promise((resolve, reject) => {
    const srv = spawn(CHANCERY, ["serve", "--listen", "127.0.0.1:0"], { env });
    let text = "";
    srv.stdout.on("data", (d) => {
      text += d;
      const m = text.match(/listening on 127\.0\.0\.1:(\d+)/);
      if (m) resolve({ srv, base: `http://127.0.0.1:${m[1]}` });
    });
    srv.stderr.on("data", (d) => { text += d; });
    srv.on("exit", (code) => {
      if (!stopping) console.log(`# serve exited ${code}: ${text.slice(-2000).split("\n").join("\n# ")}`);
      reject(new Error(`serve exited ${code}`));
    });
  });
}

// ---- the keyboard ----

// Every stop of the focus, and those where it did not show.
const stops = [];
const unseen = [];

// The focused element, described, and whether its focus shows.
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0;
    const shadow = cs.boxShadow && cs.boxShadow !== "none";
    const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
    return {
      tag: el.tagName.toLowerCase(),
      name: el.getAttribute("name") || "",
      text: (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 80),
      label: label.trim().replace(/\s+/g, " "),
      href: el.getAttribute("href") || "",
      shows: outline || shadow,
      why: `${cs.outlineStyle} ${cs.outlineWidth} ${el.matches(":focus")} ${el.type}`,
    };
  });
}

function describe(f) {
  return f ? `${f.tag}${f.name ? `[name=${f.name}]` : ""} "${f.label || f.text}"` : "body";
}

// Presses key (Tab or Shift+Tab) until want(focused element) holds; each
// stop on the way is checked for visible focus. Fails the test (and
// throws) when want never holds within 150 stops.
async function tabTo(page, want, what, key) {
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press(key || "Tab");
    const f = await focused(page);
    if (!f) continue;
    stops.push(`${page.url()} ${describe(f)}`);
    if (!f.shows) unseen.push(`${page.url()} ${describe(f)} ${f.why}`);
    if (want(f)) return f;
  }
  ok(false, `the keyboard reaches ${what}`);
  throw new Error(`${what} not reached by ${key || "Tab"}`);
}

const field = (name) => (f) => f.name === name;
const text = (t) => (f) => f.text === t;

// The first stop of a page just loaded is its skip link.
async function firstStop(page, what) {
  const f = await tabTo(page, () => true, `the first stop of ${what}`);
  ok(f.tag === "a" && f.text === "Skip to content" && f.shows,
    `${what}: the first Tab stops on the skip link, its focus shown`, describe(f));
}

// Enter (or Space) on the focused element, waiting for the page it loads.
async function activate(page, key) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key || "Enter")]);
}

// Types into the field named name, reached by Tab.
async function typeInto(page, name, value) {
  await tabTo(page, field(name), `the field ${name}`);
  await page.keyboard.press("Control+A");
  await page.keyboard.type(value);
}

// A date field (Chromium's control, en-US: month, day, year) by typing.
async function typeDate(page, name, iso) {
  await tabTo(page, field(name), `the date field ${name}`);
  const [y, m, d] = iso.split("-");
  await page.keyboard.type(`${m}${d}${y}`);
  const v = await page.evaluate(() => document.activeElement.value);
  ok(v === iso, `the date ${name} is typed as ${iso}`, `got ${v}`);
}

// Chooses value in the select named name with the arrow keys.
async function choose(page, name, value) {
  await tabTo(page, field(name), `the select ${name}`);
  const [from, to] = await page.evaluate((v) => {
    const s = document.activeElement;
    return [s.selectedIndex, [...s.options].findIndex((o) => o.value === v)];
  }, value);
  if (to < 0) throw new Error(`${name} has no option ${value}`);
  for (let i = from; i !== to; i += to > from ? 1 : -1)
    await page.keyboard.press(to > from ? "ArrowDown" : "ArrowUp");
  const got = await page.evaluate(() => document.activeElement.value);
  ok(got === value, `${name} chosen as ${value} with the arrow keys`, `got ${got}`);
}

const state = async (page) => (await page.locator(".state").first().textContent()).trim();

// Sign-in: the skip link first, then the password, back with Shift+Tab to
// the user name, forward to the button, Enter.
async function signIn(browser, base, user) {
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto(base + "/login");
  await firstStop(page, `sign-in (${user})`);
  await page.keyboard.press("Enter");
  ok(await page.evaluate(() => document.activeElement.id) === "main",
    "Enter on the skip link moves the focus to the content");
  await typeInto(page, "password", `${user}-pw`);
  await tabTo(page, field("user"), "the user name, back", "Shift+Tab");
  await page.keyboard.type(user);
  await tabTo(page, text("Sign in"), "the sign-in button");
  await activate(page);
  ok(!page.url().includes("/login"), `${user} signs in with the keyboard`, page.url());
  return page;
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const { srv, base } = await startServer();
  const browser = await chromium.launch({ executablePath: BROWSER, args: ["--no-sandbox"] });
  try {
    await journey(browser, base);
  } finally {
    await browser.close();
    stopping = true;
    srv.kill("SIGTERM");
  }
  ok(stops.length > 50 && unseen.length === 0,
    `the focus shows at every stop (${stops.length} stops)`, unseen.join("\n"));
  console.log(`1..${n}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

async function journey(browser, base) {
  // The liaison: home, New notification, Appointment, the form.
  const lia = await signIn(browser, base, "rus-liaison");
  await firstStop(lia, "the liaison's home");
  await tabTo(lia, (f) => f.tag === "a" && f.href === "/notify", "the link to a new notification");
  await activate(lia);
  await firstStop(lia, "the kinds of notification");
  await tabTo(lia, (f) => f.href === "/notify/appointment", "the appointment form's link");
  await activate(lia);
  await firstStop(lia, "the appointment form");
  await choose(lia, "mission", "RUS-USA-EMB");
  await typeInto(lia, "person.family_name", "Volkov");
  await typeInto(lia, "person.given_names", "Pavel");
  await choose(lia, "person.sex", "M");
  await choose(lia, "posting.rank", "counselor");
  await typeDate(lia, "posting.notified", "2021-11-20");
  await typeDate(lia, "posting.arrived", "2021-12-01");
  await lia.screenshot({ path: path.join(OUT, "keyboard-date-focus.png") });
  await typeInto(lia, "dependents[0].person.family_name", "Volkova");
  await choose(lia, "dependents[0].person.sex", "F");
  await typeDate(lia, "dependents[0].joined", "2021-12-01");
  await tabTo(lia, text("Submit the notification"), "the submit button");
  await activate(lia);
  const m = lia.url().match(/\/notifications\/(N\d+)/);
  ok(m && (await state(lia)) === "submitted", "the liaison submits the appointment by keyboard", lia.url());
  const id = m ? m[1] : "N000000";
  await lia.screenshot({ path: path.join(OUT, "keyboard-submitted.png"), fullPage: true });

  // The officer: Inbox, the notification, return it with grounds (Space
  // on the button).
  const off = await signIn(browser, base, "officer1");
  await firstStop(off, "the officer's home");
  await tabTo(off, (f) => f.tag === "a" && f.href === "/inbox", "the inbox in the navigation");
  await activate(off);
  await tabTo(off, text(id), `the inbox's link to ${id}`);
  await activate(off);
  await firstStop(off, "the notification");
  await choose(off, "decision", "return");
  await typeInto(off, "grounds", "the passport number is missing");
  await tabTo(off, text("Record the decision"), "the decision button");
  await off.screenshot({ path: path.join(OUT, "keyboard-decision.png"), fullPage: true });
  await activate(off, "Space");
  ok((await state(off)) === "returned", "the officer returns it by keyboard");

  // The liaison corrects it: Notifications, the notification, the
  // resubmit link, the passport, Submit.
  await tabTo(lia, (f) => f.tag === "a" && f.href === "/notifications", "the notifications in the navigation");
  await activate(lia);
  await tabTo(lia, text(id), `the list's link to ${id}`);
  await activate(lia);
  await tabTo(lia, text("Correct it and submit it again"), "the link to correct it");
  await activate(lia);
  await firstStop(lia, "the resubmit form");
  await typeInto(lia, "person.passport", "7100456");
  await tabTo(lia, text("Submit the notification"), "the submit button");
  await activate(lia);
  ok(lia.url().includes(`/notifications/${id}`) && (await state(lia)) === "submitted",
    "the liaison resubmits it by keyboard", lia.url());

  // The officer accepts it: the inbox again, the notification, then back
  // (Shift+Tab) from the footer to the decision.
  await tabTo(off, (f) => f.tag === "a" && f.href === "/inbox", "the inbox in the navigation");
  await activate(off);
  await tabTo(off, text(id), `the inbox's link to ${id}`);
  await activate(off);
  await tabTo(off, (f) => f.href === "/openapi.json", "the footer's link");
  await tabTo(off, field("decision"), "the decision, back from the footer", "Shift+Tab");
  await off.keyboard.press("Home");
  const v = await off.evaluate(() => document.activeElement.value);
  ok(v === "accept", "accept chosen with the Home key", v);
  await tabTo(off, text("Record the decision"), "the decision button");
  await activate(off);
  ok((await state(off)) === "accepted", "the officer accepts it by keyboard");
  await off.screenshot({ path: path.join(OUT, "keyboard-accepted.png"), fullPage: true });
  ok(/Volkov/.test(ch(["roster", "RUS-USA-EMB", "--format", "csv"])), "the registry holds the diplomat");
}

main().catch((err) => {
  console.log(`not ok ${n + 1} - the keyboard tests ran # ${String(err && err.stack || err).split("\n").join(" | ")}`);
  console.log(`1..${n + 1}`);
  process.exit(1);
});
