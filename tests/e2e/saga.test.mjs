// Page tests of the saga widget: make step 3 fail and see C2 then C1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useSite, openPage, shot, scrubTo } from "./harness.mjs";

const site = useSite();

test("saga: clicking step 3 makes it fail, and the saga compensates C2 then C1", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/saga/#/saga", { viewport: { width: 1280, height: 800 } });
    await page.waitForSelector(".fl-widget[data-widget=saga] .fl-saga-steps");
    await page.locator(".fl-control", { hasText: "Definition" }).locator("select").selectOption("trip_booking");
    const step3 = page.locator(".fl-saga-step[data-step='3'] .fl-saga-step-main");
    await step3.waitFor();
    assert.equal(await page.locator(".fl-saga-fault").filter({ hasText: "fails" }).count(), 0, "a new definition starts without faults");
    await step3.click();
    assert.match(await step3.textContent(), /fails \(business\)/);
    assert.match(await page.locator(".fl-log").textContent(), /from now on T3 fails \(business\)/);
    await scrubTo(page, 1.0);
    const history = page.locator(".fl-saga-history code");
    await page.waitForFunction(() => document.querySelector(".fl-saga-history code")?.dataset.history === "T1 T2 T3✗ C2 C1");
    assert.equal(await history.getAttribute("data-history"), "T1 T2 T3✗ C2 C1");
    assert.match(await page.locator(".fl-saga-outcome").textContent(), /rolled back/);
    // The log (newest first) has C1 sent after C2.
    const log = await page.locator(".fl-log").textContent();
    const c2 = log.indexOf("orchestrator sends C2 cancel hotel");
    const c1 = log.indexOf("orchestrator sends C1 cancel flight");
    assert.ok(c2 > 0 && c1 > 0 && c1 < c2, `C2 at ${c2}, C1 at ${c1} in the newest-first log`);
    for (const [n, state] of [["1", "compensated"], ["2", "compensated"], ["3", "failed (business)"], ["4", "pending"]]) {
        assert.equal(await page.locator(`.fl-saga-step[data-step='${n}']`).getAttribute("data-state"), state, `step ${n}`);
    }
    // The pivot is marked by shape and label, not colour alone.
    assert.match(await page.locator(".fl-saga-pivot").textContent(), /◆ pivot/);
    // Seats and rooms are back; the invariants hold.
    assert.equal(await page.locator(".fl-saga-table[data-service=Flight] tr[data-cell=seats] td").first().textContent(), "3");
    assert.equal(await page.locator(".fl-inv-broken").count(), 0);
    await shot(page, "saga-step3-failed");
    assert.deepEqual(errors, []);
    await context.close();
});

test("saga: the double-charge lesson shows the broken invariant, and idempotency fixes it", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/saga/#/saga?preset=saga-double-charge");
    await page.waitForSelector(".fl-widget[data-widget=saga] .fl-saga-steps");
    await scrubTo(page, 1.0);
    await page.waitForSelector(".fl-inv-broken[data-rule=exactly_once]");
    assert.match(await page.locator(".fl-inv-broken[data-rule=exactly_once]").textContent(), /authorize card 2 times.*idempotency is off/);
    assert.equal(await page.locator(".fl-saga-table[data-service=Accounting] tr[data-cell=authorized] td").first().textContent(), "70");
    await page.locator(".fl-check", { hasText: "Idempotency" }).locator("input").check();
    await scrubTo(page, 1.0);
    await page.waitForFunction(() => document.querySelector(".fl-saga-table[data-service=Accounting] tr[data-cell=authorized] td")?.textContent === "35");
    assert.equal(await page.locator(".fl-inv-broken").count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
});

test("saga: a cancel racing the saga ends cancelled but approved, and the semantic lock prevents it", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/saga/#/saga?preset=saga-cancel-race");
    await page.waitForSelector(".fl-widget[data-widget=saga] .fl-saga-steps");
    await scrubTo(page, 1.0);
    const broken = page.locator(".fl-inv-broken[data-rule=isolation]");
    await broken.waitFor();
    assert.match(await broken.textContent(), /cancelled but APPROVED.*T6 approve order/);
    assert.match(await page.locator(".fl-log").textContent(), /the customer is told order-1 is cancelled/);
    await shot(page, "saga-cancel-race");
    await page.locator(".fl-check", { hasText: "Semantic lock" }).locator("input").check();
    await scrubTo(page, 1.0);
    await page.waitForFunction(() => !document.querySelector(".fl-inv-broken"));
    assert.match(await page.locator(".fl-log").textContent(), /cannot be cancelled yet/);
    assert.equal(await page.locator(".fl-saga-table[data-service=Order] tr", { hasText: "order-1" }).locator("td").textContent(), "APPROVED");
    assert.deepEqual(errors, []);
    await context.close();
});

test("saga: the first screen holds the picture and Play, Play is two Tabs in, and a lesson stops at its moments", async () => {
    for (const [width, height, scheme] of [[1280, 800, "light"], [1280, 800, "dark"], [360, 740, "light"], [360, 740, "dark"]]) {
        const { page, context, errors } = await openPage(site.browser, site.base + "/saga/#/saga?preset=saga-reverse-order", { viewport: { width, height }, colorScheme: scheme });
        await page.waitForSelector(".fl-widget[data-widget=saga] .fl-saga-steps");
        if (width === 1280) {
            const play = await page.locator(".fl-play").boundingBox();
            const visual = await page.locator(".fl-visual").boundingBox();
            assert.ok(play.y + play.height <= height, `Play is at ${play.y} px`);
            assert.ok(visual.y < 400, `the picture starts at ${visual.y} px`);
        } else {
            assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= width, "no sideways scrolling at 360 px");
        }
        await shot(page, `saga-first-screen-${width}-${scheme}`);
        assert.deepEqual(errors, []);
        await context.close();
    }
    const { page, context, errors } = await openPage(site.browser, site.base + "/saga/#/saga?preset=saga-reverse-order");
    await page.waitForSelector(".fl-widget[data-widget=saga] .fl-saga-steps");
    await page.locator(".fl-widget").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.ok(await page.evaluate(() => document.activeElement.classList.contains("fl-play")), "Play after two Tabs");
    await page.click(".fl-play");
    // The player stops by itself at the second moment (1.75 s), where T3 has failed.
    await page.waitForFunction(() => document.querySelector(".fl-play").getAttribute("aria-pressed") === "false" && document.querySelector(".fl-time").textContent.startsWith("1.75 s"), null, { timeout: 20_000 });
    assert.match(await page.locator(".fl-moment").textContent(), /^1\.8 s: T3 reserve car failed/);
    assert.equal(await page.locator(".fl-saga-step[data-step='3']").getAttribute("data-state"), "failed (business)");
    assert.deepEqual(errors, []);
    await context.close();
});

test("saga: two sagas race and lose an update; the version check, then the semantic lock, make it unreachable", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/saga/#/saga?preset=saga-lost-update", { viewport: { width: 1280, height: 800 } });
    await page.waitForSelector(".fl-widget[data-widget=saga] .fl-saga-runs");
    assert.equal(await page.locator(".fl-saga-runs tbody tr").count(), 2, "one row per saga in flight");
    await scrubTo(page, 1.0);
    const lost = page.locator(".fl-inv-broken[data-rule=lost_update]");
    await lost.waitFor();
    assert.match(await lost.textContent(), /Lost update: saga 2 wrote BankA\.alice 70 over saga 1's 70.*30 taken twice is now counted once/);
    assert.match(await page.locator(".fl-inv-broken[data-rule=conservation]").textContent(), /BankA\.alice is 70 at rest, but the sagas' histories account for 40/);
    assert.equal(await page.locator(".fl-saga-table[data-service=BankA] tr[data-cell=alice] td").first().textContent(), "70");
    for (const n of ["1", "2"]) {
        assert.equal(await page.locator(`.fl-saga-runs tr[data-saga='${n}']`).getAttribute("data-outcome"), "completed", `saga ${n}`);
    }
    // The outcome chart counts both sagas completed.
    assert.match(await page.locator(".fl-chart", { hasText: "Sagas completed" }).locator("figcaption").textContent(), /now 2(\.0)? sagas/);
    await shot(page, "saga-lost-update");
    // Saga 2's T1 is refused once by the version check (its write was stale) and twice by the
    // semantic lock (saga 1 holds alice until it ends), then rereads and succeeds.
    for (const [countermeasure, history] of [["version_check", "T1↻ T1 T2"], ["semantic_lock", "T1↻ T1↻ T1 T2"]]) {
        await page.locator(".fl-control", { hasText: "Countermeasure" }).locator("select").selectOption(countermeasure);
        await scrubTo(page, 1.0);
        await page.waitForFunction(() => document.querySelector(".fl-saga-table[data-service=BankA] tr[data-cell=alice] td")?.textContent === "40");
        assert.equal(await page.locator(".fl-inv-broken").count(), 0, `${countermeasure}: no invariant broken`);
        assert.equal(await page.locator(".fl-saga-table[data-service=BankB] tr[data-cell=bob] td").first().textContent(), "80", `${countermeasure}: both deposits counted`);
        assert.equal(await page.locator(".fl-saga-runs tr[data-saga='2'] code").textContent(), history, countermeasure);
        await shot(page, `saga-${countermeasure}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
});

test("saga: the concurrent lessons fit the screen, light and dark", async () => {
    for (const [width, height, scheme] of [[1280, 800, "light"], [1280, 800, "dark"], [360, 740, "light"], [360, 740, "dark"]]) {
        const { page, context, errors } = await openPage(site.browser, site.base + "/saga/#/saga?preset=saga-semantic-lock-race", { viewport: { width, height }, colorScheme: scheme });
        await page.waitForSelector(".fl-widget[data-widget=saga] .fl-saga-runs");
        await scrubTo(page, 0.2);
        await page.waitForSelector(".fl-saga-table tr[data-locked=true]");
        if (width === 360) {
            assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= width, "no sideways scrolling at 360 px");
        }
        await shot(page, `saga-concurrent-${width}-${scheme}`);
        assert.deepEqual(errors, []);
        await context.close();
    }
});

// Two sagas send the same command at nearly the same instant: their labels used to print one
// on the other ("1:read T1" over "2:read T1"), just where the lost-update lesson points.
test("saga: the sequence diagram's labels never print over one another, even when two sagas race", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/saga/#/saga?preset=saga-lost-update", { viewport: { width: 1280, height: 900 } });
    await page.waitForSelector(".fl-widget[data-widget=saga] .fl-moment-mark");
    for (let m = 0; m < (await page.locator(".fl-moment-mark").count()); m++) {
        await page.locator(".fl-moment-mark").nth(m).click();
        await page.waitForTimeout(400);
        const boxes = await page.locator(".fl-saga-sequence .fl-seq-msg text").evaluateAll((ts) => ts.map((t) => ({ text: t.textContent, ...t.getBoundingClientRect().toJSON() })));
        for (const [i, a] of boxes.entries()) {
            for (const b of boxes.slice(i + 1)) {
                const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
                assert.ok(!overlap, `moment ${m + 1}: "${a.text}" and "${b.text}" overlap`);
            }
        }
    }
    assert.deepEqual(errors, []);
    await context.close();
});
