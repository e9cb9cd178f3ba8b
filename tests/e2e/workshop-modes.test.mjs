// Embed options and workshop tools on the shared frame: a start cursor and a loop range,
// autoplay when scrolled into view, no frames while off screen, a presenter's playlist, and the
// Export menu (figures as SVG, a golden trace file, "Copy as test"), checked against the CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { useSite, openPage, shot } from "./harness.mjs";

const site = useSite();
const cli = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../target/debug/faultline");
const seconds = (text) => Number(text.split("/")[0].replace("s", "").trim());

/// The demo page with one more embed at its end, after `spacer` px of page: a
/// `<faultline-widget>`, which mounts whenever it is added (its attributes are data-faultline's
/// without the prefix).
async function demoWith(attributes, spacer = 0) {
    const opened = await openPage(site.browser, site.base + "/demo.html");
    await opened.page.evaluate(({ attributes, spacer }) => {
        const gap = document.createElement("div");
        gap.style.height = `${spacer}px`;
        const el = document.createElement("faultline-widget");
        el.id = "extra";
        for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
        document.body.append(gap, el);
    }, { attributes, spacer });
    await opened.page.locator("#extra .fl-widget").waitFor({ state: "attached" });
    return opened;
}

test("an embed opens at its start cursor and loops its range, never stopping at the lesson's moments", async () => {
    const { page, context, errors } = await demoWith({ widget: "breaker", preset: "breaker-outage", start: "5s", loop: "5s-9s", autoplay: "" });
    const time = () => page.locator("#extra .fl-time").textContent().then(seconds);
    await page.locator("#extra").scrollIntoViewIfNeeded();
    const seen = [];
    for (let i = 0; i < 45; i++) {
        seen.push(await time());
        await page.waitForTimeout(100);
    }
    assert.ok(seen[0] >= 5 && seen[0] < 6, `opens at the start cursor: ${seen[0]}`);
    assert.ok(seen.every((t) => t >= 5 && t <= 9), `stays in the loop: ${seen}`);
    const wraps = seen.filter((t, i) => i > 0 && t < seen[i - 1]).length;
    assert.ok(wraps >= 1, `went round: ${seen}`);
    assert.equal(await page.locator("#extra .fl-play").getAttribute("aria-pressed"), "true", "still playing");
    assert.deepEqual(errors, []);
    await context.close();
});

test("a bad start or loop is said in one line naming it, and the widget runs its defaults", async () => {
    const { page, context } = await demoWith({ widget: "breaker", loop: "9s-5s" });
    await page.locator("#extra .fl-error").waitFor();
    assert.match(await page.locator("#extra .fl-error").textContent(), /loop: the loop must end after it starts/);
    await context.close();
    const second = await demoWith({ widget: "breaker", start: "12" });
    await second.page.locator("#extra .fl-error").waitFor();
    assert.match(await second.page.locator("#extra .fl-error").textContent(), /start: "12" is not a time: it needs a unit/);
    await second.context.close();
});

test("autoplay=visible waits until the embed is on screen, and off screen no frame is drawn until it returns", async () => {
    const { page, context, errors } = await demoWith({ widget: "breaker", preset: "breaker-outage", autoplay: "visible" }, 6000);
    const widget = page.locator("#extra .fl-widget");
    const time = () => page.locator("#extra .fl-time").textContent().then(seconds);
    await page.waitForTimeout(800);
    assert.equal(await widget.getAttribute("data-on-screen"), "false");
    assert.equal(await time(), 0, "it does not play unseen");
    await page.locator("#extra").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => Number(document.querySelector("#extra").shadowRoot.querySelector(".fl-time").textContent.split("/")[0].replace("s", "")) > 0.5);
    assert.equal(await widget.getAttribute("data-on-screen"), "true");
    // Away: the cursor stays exactly where it was, however long the reader is gone.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForFunction(() => document.querySelector("#extra").shadowRoot.querySelector(".fl-widget").dataset.onScreen === "false");
    const left = await time();
    await page.waitForTimeout(1200);
    assert.equal(await time(), left, "no frames off screen");
    // Back: it goes on from there, still playing.
    await page.locator("#extra").scrollIntoViewIfNeeded();
    await page.waitForFunction((t) => Number(document.querySelector("#extra").shadowRoot.querySelector(".fl-time").textContent.split("/")[0].replace("s", "")) > t, left);
    assert.deepEqual(errors, []);
    await context.close();
});

test("a presenter's playlist: Page Down past a lesson's end opens the next, Page Up before its start the previous, at its end", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/breaker/#/breaker?presenter=1&playlist=breaker-outage,breaker-retries");
    const widget = page.locator(".fl-widget");
    await widget.waitFor();
    const position = () => page.locator(".fl-playlist-position").textContent();
    const lesson = () => page.locator(".fl-presets select").inputValue();
    assert.equal(await position(), "Lesson 1 of 2");
    assert.equal(await lesson(), "breaker-outage");
    await widget.focus();
    await page.keyboard.press("End");
    await page.waitForFunction(() => /(\S+) s \/ \1 s/.test(document.querySelector(".fl-time").textContent));
    await page.keyboard.press("PageDown");
    await page.waitForFunction(() => document.querySelector(".fl-playlist-position").textContent === "Lesson 2 of 2");
    assert.equal(await lesson(), "breaker-retries");
    assert.match(page.url(), /preset=breaker-retries&playlist=breaker-outage,breaker-retries&presenter=1/, "a reload stays in the talk");
    assert.ok(await page.locator(".fl-playlist button", { hasText: "Next lesson" }).isDisabled(), "the last lesson has no next");
    // Back to the start of this lesson, then once more: the previous lesson, at its end.
    await page.keyboard.press("Home");
    await page.waitForFunction(() => document.querySelector(".fl-time").textContent.startsWith("0.00 s"));
    await page.keyboard.press("PageUp");
    await page.waitForFunction(() => document.querySelector(".fl-playlist-position").textContent === "Lesson 1 of 2");
    assert.equal(await lesson(), "breaker-outage");
    await page.waitForFunction(() => /(\S+) s \/ \1 s/.test(document.querySelector(".fl-time").textContent));
    await shot(page, "presenter-playlist");
    assert.deepEqual(errors, []);
    await context.close();
});

test("export: a chart as a standalone SVG, and a trace file and a copied test that the CLI agrees with", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/breaker/#/breaker?preset=breaker-outage", {
        acceptDownloads: true,
        permissions: ["clipboard-read", "clipboard-write"],
    });
    await page.locator(".fl-widget").waitFor();
    await page.locator(".fl-widget").focus();
    await page.keyboard.press("PageDown");
    await page.keyboard.press("PageDown");
    await page.locator(".fl-export > summary").click();
    const buttons = page.locator(".fl-export-figures button");
    await buttons.first().waitFor();
    const labels = await buttons.allTextContents();
    assert.ok(labels.length >= 3, `the picture and the charts: ${labels}`);
    const saved = async (button) => {
        const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
        const file = path.join(os.tmpdir(), `fl-${Date.now()}-${download.suggestedFilename()}`);
        await download.saveAs(file);
        return { name: download.suggestedFilename(), text: fs.readFileSync(file, "utf8"), file };
    };
    const chart = await saved(buttons.nth(labels.length - 1));
    assert.match(chart.name, /^faultline-breaker-.+\.svg$/);
    assert.match(chart.text, /^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(chart.text, /style="fill:/, "styles are inlined, so the file looks the same alone");
    assert.doesNotMatch(chart.text, /class="/);
    // It carries its chart's title (with the value now) and says what it is.
    const caption = await page.locator(".fl-chart figcaption").last().textContent();
    assert.ok(chart.text.includes(`<title>${caption.trim()}</title>`), `titled "${caption}"`);
    assert.ok(chart.text.length < 20_000, `a small file: ${chart.text.length} bytes`);
    // The file opens on its own and draws something.
    const alone = await context.newPage();
    await alone.goto("file://" + chart.file);
    assert.ok((await alone.locator("svg path").count()) > 0);
    await alone.close();
    // The scenario and its trace file: the CLI replays the scenario to the same trace hash.
    const scenario = await saved(page.locator(".fl-export-run button", { hasText: "Scenario" }));
    const trace = await saved(page.locator(".fl-export-run button", { hasText: "Trace file" }));
    assert.match(trace.name, /^faultline-breaker-seed\d+\.trace\.jsonl$/);
    const out = path.join(os.tmpdir(), `fl-cli-${Date.now()}.jsonl`);
    const report = JSON.parse(execFileSync(cli, ["run", scenario.file, "--trace", out], { encoding: "utf8" }));
    assert.equal(trace.text, fs.readFileSync(out, "utf8"), "the browser's trace file is the CLI's, byte for byte");
    assert.match(await page.locator(".fl-export-note").textContent(), new RegExp(`trace hash ${report.trace_hash}`));
    // Copy as test: the test names that hash and the figures the charts print.
    await page.locator(".fl-export-run button", { hasText: "Copy as test" }).click();
    await page.waitForFunction(() => /Copied a #\[test\]/.test(document.querySelector(".fl-export-note")?.textContent || ""));
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, await page.locator(".fl-export-test").inputValue());
    assert.match(copied, /#\[test\]\nfn breaker_an_outage_trips_the_breaker_seed7_at_\d+ms/);
    assert.ok(copied.includes(`"${report.trace_hash}"`), "the test asserts the run's hash");
    // Every chart on screen has its figure asserted, under the chart's own name.
    const charts = await page.locator(".fl-chart figcaption").evaluateAll((caps) => caps.map((c) => c.firstChild.textContent.replace(/ \([^()]*\)$/, "")));
    assert.ok(charts.length >= 2);
    for (const name of charts) assert.match(copied, new RegExp(`\\(${JSON.stringify(name).replace(/[()]/g, "\\$&")}, -?[0-9.e-]+\\),`), `asserts ${name}`);
    await page.locator(".fl-export").scrollIntoViewIfNeeded();
    await shot(page, "export-menu");
    assert.deepEqual(errors, []);
    await context.close();
});

test("charts= chooses which charts an embed shows, by name, and an unknown name lists the real ones", async () => {
    const { page, context, errors } = await demoWith({ widget: "breaker", preset: "breaker-outage", charts: "Calls rejected, client latency" });
    const captions = page.locator("#extra .fl-chart figcaption");
    await captions.first().waitFor();
    const names = await captions.evaluateAll((caps) => caps.map((c) => c.firstChild.textContent));
    assert.deepEqual(names.map((n) => n.split(" (")[0]), ["calls rejected", "client latency"]);
    await context.close();
    // One chart alone fills its row (a wider box, not a third of the row and empty beside it).
    const alone = await demoWith({ widget: "breaker", preset: "breaker-outage", charts: "calls rejected" });
    await alone.page.locator("#extra .fl-chart").waitFor();
    const chart = await alone.page.locator("#extra .fl-chart svg").boundingBox();
    const row = await alone.page.locator("#extra .fl-charts").boundingBox();
    assert.ok(chart.width >= 0.95 * row.width, `the lone chart is ${chart.width} px of its ${row.width} px row`);
    assert.ok(chart.height <= 0.3 * chart.width, `and no taller than a strip: ${chart.height} px`);
    await shot(alone.page, "embed-one-chart");
    await alone.context.close();
    const second = await demoWith({ widget: "breaker", charts: "throughput" });
    await second.page.locator("#extra .fl-error").waitFor();
    assert.match(await second.page.locator("#extra .fl-error").textContent(), /charts: no chart is called “throughput”; this widget has: calls allowed, calls rejected/);
    assert.deepEqual(errors, []);
    await second.context.close();
});
