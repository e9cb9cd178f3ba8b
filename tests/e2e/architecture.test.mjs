// Page tests of the house: each widget page loads only its own bundle, widgets never style each
// other or the host page, a dragged command slider keeps its value, and old links still work.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useSite, openPage, shot, setSlider } from "./harness.mjs";

const site = useSite();

test("a widget page downloads its own bundle only, and an old one-page link is forwarded to it", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/#/quorum");
    await page.waitForSelector(".fl-widget[data-widget=quorum]");
    assert.match(page.url(), /\/quorum\/#\/quorum$/);
    const wasm = await page.evaluate(() => performance.getEntriesByType("resource").map((r) => r.name).filter((n) => n.endsWith(".wasm")));
    assert.deepEqual(wasm.map((n) => new URL(n).pathname), ["/quorum/faultline_bg.wasm"]);
    // A route for another widget goes to that widget's page.
    await page.evaluate(() => { location.hash = "#/ring"; });
    await page.waitForSelector(".fl-widget[data-widget=ring]");
    assert.match(page.url(), /\/ring\/#\/ring$/);
    assert.deepEqual(errors, []);
    await context.close();
});

test("widget styles stay inside their widget: TIME_BASED buckets keep their size, the ring's centre is not dashed, the host page is untouched", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/breaker/#/breaker");
    await page.waitForSelector(".fl-widget[data-widget=breaker]");
    await page.locator(".fl-control", { hasText: "slidingWindowType" }).locator("select").selectOption({ label: "TIME_BASED" });
    await page.click(".fl-play");
    await page.waitForSelector(".fl-bucket svg");
    await page.click(".fl-play");
    const bucket = await page.locator(".fl-bucket svg").first().boundingBox();
    assert.ok(bucket.height < 60 && bucket.width < 40, `a one-second bucket is ${bucket.width}×${bucket.height} px`);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(height < 4000, `the page is ${height} px tall`);
    await shot(page, "breaker-time-based");
    await context.close();

    const demo = await openPage(site.browser, site.base + "/demo.html");
    await demo.page.waitForSelector(".fl-widget");
    const ring = await openPage(site.browser, site.base + "/ring/#/ring");
    await ring.page.waitForSelector(".fl-ring-centre");
    const centre = await ring.page.locator(".fl-ring-centre").evaluate((el) => getComputedStyle(el).strokeDasharray);
    assert.equal(centre, "none", "the quorum's dashed ring rule reaches the ring widget");
    // Elements of the host page, outside any widget, keep the browser's own styles.
    const host = await demo.page.evaluate(() => {
        const fieldset = document.body.appendChild(document.createElement("fieldset"));
        const button = document.body.appendChild(document.createElement("button"));
        return { radius: getComputedStyle(fieldset).borderRadius, cursor: getComputedStyle(button).cursor };
    });
    assert.deepEqual(host, { radius: "0px", cursor: "default" });
    assert.deepEqual(errors, []);
    assert.deepEqual(demo.errors, []);
    assert.deepEqual(ring.errors, []);
    await demo.context.close();
    await ring.context.close();
});

// A widget page's console stays quiet: Chromium warned on every page that it ignores the
// integrity attribute of the wasm's preload (Trunk's SRI), so the bundles carry none.
test("a widget page logs no console warnings or errors while it loads and plays", async () => {
    for (const name of ["ring", "quorum", "saga", "stampede", "breaker"]) {
        const { page, context, errors } = await openPage(site.browser, `${site.base}/${name}/#/${name}`);
        const warnings = [];
        page.on("console", (m) => { if (m.type() === "warning") warnings.push(m.text()); });
        await page.reload();
        await page.waitForSelector(`.fl-widget[data-widget=${name}] .fl-play`);
        await page.click(".fl-play");
        await page.waitForTimeout(500);
        assert.deepEqual(warnings, [], `${name}: console warnings`);
        assert.deepEqual(errors, []);
        await context.close();
    }
});

// The shared frame's player bar is the shell's: a widget's stylesheet that reuses one of its
// class names (the stampede's expiry timeline was `.fl-timeline`, the saga's links `.fl-lane`)
// silently restyles the bar in that widget alone.
test("no widget's stylesheet has a rule that matches inside the shared player bar", async () => {
    for (const name of ["ring", "quorum", "saga", "stampede", "breaker"]) {
        const { page, context, errors } = await openPage(site.browser, `${site.base}/${name}/#/${name}`);
        await page.waitForSelector(`.fl-widget[data-widget=${name}] .fl-player .fl-lane`);
        const leaks = await page.evaluate((name) => {
            const sheet = [...document.styleSheets].find((s) => (s.href || "").endsWith(`faultline-${name}.css`));
            if (!sheet) return ["no stylesheet"];
            const rules = [];
            const walk = (list) => { for (const r of list) { if (r.selectorText) rules.push(r.selectorText); if (r.cssRules) walk(r.cssRules); } };
            walk(sheet.cssRules);
            const inside = [...document.querySelectorAll(".fl-player, .fl-player *")];
            return rules.filter((sel) => inside.some((el) => { try { return el.matches(sel); } catch { return false; } }));
        }, name);
        assert.deepEqual(leaks, [], `${name}: rules that reach the player bar`);
        assert.deepEqual(errors, []);
        await context.close();
    }
});

test("breaker: the downstream service-time slider keeps its value after a drag, and the link holds one command", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/breaker/#/breaker");
    await page.waitForSelector(".fl-widget[data-widget=breaker]");
    const label = "Downstream mean service time";
    for (const v of [200, 400, 600, 725]) {
        await setSlider(page, label, v);
    }
    const control = page.locator(".fl-control", { hasText: label });
    await page.waitForFunction(() => [...document.querySelectorAll(".fl-control")].some((c) => c.textContent.includes("Downstream mean service time") && c.querySelector("output").textContent.startsWith("725")));
    assert.equal(await control.locator("input[type=range]").inputValue(), "725");
    await page.click("text=Copy link");
    const link = await page.locator(".fl-link").inputValue();
    const payload = link.split("?s=")[1];
    const scenario = await page.evaluate(async (p) => {
        const b64 = p.replace(/-/g, "+").replace(/_/g, "/");
        const bytes = Uint8Array.from(atob(b64 + "===".slice((b64.length + 3) % 4)), (c) => c.charCodeAt(0));
        const text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).text();
        return JSON.parse(text);
    }, payload);
    const latency = (scenario.actions || []).filter((a) => a.command.kind === "set_latency");
    assert.equal(latency.length, 1, JSON.stringify(scenario.actions));
    assert.deepEqual(errors, []);
    await context.close();
});
