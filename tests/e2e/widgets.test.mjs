// Page tests of the ring and quorum widgets: the lessons a learner is meant to see.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useSite, openPage, shot, scrubTo, setSlider } from "./harness.mjs";

const site = useSite();

test("ring: adding a node shows the moved-keys figure next to the ideal 1/(N+1)", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/#/ring");
    await page.waitForSelector(".fl-widget[data-widget=ring]");
    await page.selectOption(".fl-presets select", "ring-add-node");
    await page.waitForSelector(".fl-moved-none");
    const nodesBefore = await page.locator(".fl-ring-table tbody tr").count();
    await page.click(".fl-ring-add");
    const moved = page.locator(".fl-moved:not(.fl-moved-none)");
    await moved.waitFor();
    assert.equal(await page.locator(".fl-ring-table tbody tr").count(), nodesBefore + 1);
    const fraction = Number(await moved.getAttribute("data-moved"));
    const ideal = Number(await moved.getAttribute("data-ideal"));
    assert.ok(Math.abs(ideal - 1 / (nodesBefore + 1)) < 1e-9, `ideal ${ideal} for ${nodesBefore} nodes`);
    assert.ok(fraction > 0 && Math.abs(fraction - ideal) < 0.5 * ideal, `moved ${fraction} vs ideal ${ideal}`);
    assert.match(await moved.textContent(), /moved \d+(\.\d+)?% \(\d+(\.\d+)?% ideal\)/);
    await shot(page, "ring-added");
    // The added node is in the scenario: the link replays it.
    await page.click("text=Copy link");
    const link = await page.locator(".fl-link").inputValue();
    const replay = await openPage(site.browser, link);
    await replay.page.waitForSelector(".fl-moved:not(.fl-moved-none)");
    assert.equal(await replay.page.locator(".fl-moved").getAttribute("data-moved"), String(fraction));
    assert.deepEqual(errors, []);
    assert.deepEqual(replay.errors, []);
    await replay.context.close();
    await context.close();
});

test("quorum: with R = W = 1, a node that was down serves a stale read, and the table says why", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/#/quorum");
    await page.waitForSelector(".fl-widget[data-widget=quorum]");
    await setSlider(page, "Write quorum", 1);
    await setSlider(page, "Read quorum", 1);
    await scrubTo(page, 0.05);
    await page.locator(".fl-node", { hasText: "node-1" }).first().click();
    assert.match(await page.locator(".fl-log").textContent(), /node-1 crashes/);
    await scrubTo(page, 0.4);
    await page.locator(".fl-node", { hasText: "node-1" }).first().click();
    assert.match(await page.locator(".fl-log").textContent(), /node-1 restarts/);
    let stale = 0;
    for (let f = 0.41; f <= 1.0 && stale === 0; f += 0.01) {
        await scrubTo(page, f);
        stale = await page.locator(".fl-reads .fl-row-stale").count();
    }
    assert.ok(stale > 0, "a stale read appeared after the restart");
    const why = await page.locator(".fl-reads .fl-row-stale .fl-why").first().textContent();
    assert.ok(why.length > 20, why);
    assert.match(why, /stale/i);
    await shot(page, "quorum-stale");
    assert.deepEqual(errors, []);
    await context.close();
});

test("quorum: clicking a point of the staleness chart runs one write and a read t ms after its commit", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/#/quorum");
    await page.waitForSelector(".fl-pbs-point");
    await scrubTo(page, 0.1);
    const points = page.locator(".fl-pbs-point");
    assert.ok((await points.count()) > 5);
    await points.nth(3).click();
    const log = page.locator(".fl-log");
    assert.match(await log.textContent(), /probe: client writes k0 = v\d+, then reads it [\d.]+ ms after the write commits/);
    await page.locator(".fl-widget").focus();
    let answered = false;
    for (let i = 0; i < 200 && !answered; i++) {
        await page.keyboard.press("ArrowRight");
        answered = /read #\d+ of k0 returned/.test(await log.textContent());
    }
    assert.ok(answered, "the probe's read was answered and judged");
    await shot(page, "quorum-probe");
    assert.deepEqual(errors, []);
    await context.close();
});
