// Page tests of the cache-stampede widget: a mass expiry (a flush of a warm cache) with and
// without protection, compared by the database's peak load the page shows; the lessons load
// with their formula panel; screenshots at 1280×800 and 360×740, light and dark.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { useSite, openPage, shot, shots, scrubTo } from "./harness.mjs";

const site = useSite();
const DURATION_MS = 16_000; // the miss-wave lesson's timeline

async function dbPeak(page) {
    // The formula panel carries the run's DB peak (concurrent queries) and the ghost's.
    const el = page.locator(".fl-widget[data-widget=stampede] .fl-db-peak");
    return { peak: Number(await el.getAttribute("data-db-peak")), ghost: Number(await el.getAttribute("data-ghost-peak")) };
}

async function settle(page) {
    // A rebuild after an edit catches up over frames: wait until the cursor's figures stop moving.
    let last = "";
    for (let i = 0; i < 40; i++) {
        await page.waitForTimeout(150);
        const now = await page.locator(".fl-widget[data-widget=stampede] .fl-formula").innerText();
        if (now === last) return;
        last = now;
    }
}

test("a flush of a warm cache: without protection the DB peak is a herd, with a distributed lock it is one query", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/stampede/#/stampede?preset=stampede-miss-wave");
    await page.waitForSelector(".fl-widget[data-widget=stampede] .fl-sv-wrap");
    // 2 s in: every request is a hit, the database is idle.
    await scrubTo(page, 2_000 / DURATION_MS);
    await settle(page);
    assert.equal((await dbPeak(page)).peak, 0);
    await page.getByRole("button", { name: "Flush the cache" }).click();
    await scrubTo(page, 3_000 / DURATION_MS);
    await settle(page);
    const unprotected = await dbPeak(page);
    assert.ok(unprotected.peak >= 10, `a flush without protection sends a herd: peak ${unprotected.peak}`);
    await shot(page, "stampede-flush-unprotected");

    // The same run (the flush is recorded in it) with a distributed lock.
    await page.locator(".fl-control", { hasText: "Protection" }).locator("select").first().selectOption("lock");
    await settle(page);
    await scrubTo(page, 3_000 / DURATION_MS);
    await settle(page);
    const locked = await dbPeak(page);
    assert.equal(locked.peak, 1, "one rebuild per key under the lock");
    assert.ok(locked.ghost >= 10, `the dashed ghost still shows the herd: ${locked.ghost}`);
    assert.ok(locked.peak < unprotected.peak);
    await shot(page, "stampede-flush-locked");
    assert.deepEqual(errors, []);
    await context.close();
});

test("every lesson loads with its formula panel and moments, without errors", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/stampede/#/stampede");
    await page.waitForSelector(".fl-widget[data-widget=stampede] .fl-formula");
    const lessons = await page.locator(".fl-widget[data-widget=stampede] select").first().locator("option").evaluateAll((os) => os.map((o) => o.value));
    assert.ok(lessons.length >= 8, lessons.join(", "));
    assert.match(await page.locator(".fl-formula-main").innerText(), /Expected (recomputes|DB queries)/);
    assert.deepEqual(errors, []);
    await context.close();
});

for (const [width, height] of [[1280, 800], [360, 740]]) {
    for (const colorScheme of ["light", "dark"]) {
        test(`screenshot ${width}×${height} ${colorScheme}: the herd at the first expiry`, async () => {
            const { page, context, errors } = await openPage(site.browser, site.base + "/stampede/#/stampede?preset=stampede-miss-wave", { viewport: { width, height }, colorScheme });
            await page.waitForSelector(".fl-widget[data-widget=stampede] .fl-sv-wrap");
            await scrubTo(page, 5_060 / DURATION_MS);
            await settle(page);
            const dots = await page.locator(".fl-sv:visible .fl-sv-dot").count();
            assert.ok(dots >= 10, `the herd is drawn: ${dots} recomputes`);
            await page.screenshot({ path: path.join(shots, `stampede-${width}-${colorScheme}.png`) });
            assert.deepEqual(errors, []);
            await context.close();
        });
    }
}

test("the sweep fills in without freezing the page, and a cell opens its run", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/stampede/#/stampede?preset=stampede-miss-wave");
    await page.waitForSelector(".fl-widget[data-widget=stampede] .fl-sweep");
    await page.waitForFunction(() => document.querySelectorAll(".fl-sweep-cell").length === 30, null, { timeout: 60_000 });
    const none = Number(await page.locator(".fl-sweep-table tr", { hasText: "none (cache-aside)" }).locator(".fl-sweep-cell").last().innerText());
    const lock = Number(await page.locator(".fl-sweep-table tr", { hasText: "per-key lock" }).locator(".fl-sweep-cell").last().innerText());
    assert.ok(none > 10 * lock, `at 800/s: ${none} without protection vs ${lock} under a lock`);
    await page.locator(".fl-sweep-table tr", { hasText: "per-key lock" }).locator(".fl-sweep-cell").nth(2).click();
    await page.waitForFunction(() => [...document.querySelectorAll(".fl-widget[data-widget=stampede] select")].some((s) => s.value === "lock"));
    const rate = await page.locator(".fl-control", { hasText: "Request rate" }).locator("output").innerText();
    assert.match(rate, /^200 /);
    assert.deepEqual(errors, []);
    await context.close();
});

test("first screen (1280×800): the picture and Play are both visible; Play is two Tabs into the widget", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/stampede/#/stampede", { viewport: { width: 1280, height: 800 } });
    await page.waitForSelector(".fl-widget[data-widget=stampede] .fl-sv-wrap");
    const play = await page.locator(".fl-play").boundingBox();
    const visual = await page.locator(".fl-visual").boundingBox();
    assert.ok(play.y + play.height <= 800, `Play is at ${play.y} px`);
    assert.ok(visual.y < 400, `the picture starts at ${visual.y} px`);
    await page.locator(".fl-widget").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.ok(await page.evaluate(() => document.activeElement.classList.contains("fl-play")), "Play after two Tabs");
    assert.deepEqual(errors, []);
    await context.close();
});
