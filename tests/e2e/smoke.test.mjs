// Page tests of the built site (dist/): landing page, a widget page, the player, permalinks,
// the embedding demo, keyboard focus rules, reduced motion and the breaker tripping.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useSite, openPage, shot, scrubTo, setSlider } from "./harness.mjs";

const site = useSite();

const timeText = (page, scope = "") => page.locator(`${scope} .fl-time`).first().textContent();

test("landing page lists the widgets and links to each", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/");
    await page.waitForSelector(".fl-card");
    assert.match(await page.title(), /Faultline/);
    const cards = await page.locator(".fl-card h2").allTextContents();
    assert.ok(cards.includes("Circuit breaker"), cards.join(", "));
    await shot(page, "landing");
    // Each card lists its lessons; one click opens the widget on that preset.
    const ring = page.locator(".fl-card", { hasText: "Consistent hash ring" });
    await ring.locator("summary").click();
    const lesson = ring.locator(".fl-card-lessons a").first();
    const lessonTitle = await lesson.textContent();
    await lesson.click();
    await page.waitForSelector(".fl-widget[data-widget=ring]");
    // The picker names the loaded lesson, once: no second "Lesson: …" line repeats it.
    const picker = page.locator(".fl-widget[data-widget=ring] .fl-presets select");
    assert.equal((await picker.locator("option:checked").textContent()).trim(), lessonTitle.trim());
    assert.equal(await page.locator(".fl-widget[data-widget=ring] .fl-scenario-title").count(), 0);
    await page.goBack();
    await page.waitForSelector(".fl-card");
    await page.locator(".fl-card a", { hasText: "Circuit breaker" }).click();
    await page.waitForSelector(".fl-widget[data-widget=breaker]");
    assert.deepEqual(errors, []);
    await context.close();
});

test("play advances time, pause stops it, Home and End jump, and a link replays the exact run", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/#/breaker");
    await page.waitForSelector(".fl-widget[data-widget=breaker]");
    assert.match(await timeText(page), /^0\.00 s \//);
    await page.click(".fl-play");
    await page.waitForTimeout(1500);
    await page.click(".fl-play");
    const paused = await timeText(page);
    assert.doesNotMatch(paused, /^0\.00 s/);
    await page.waitForTimeout(400);
    assert.equal(await timeText(page), paused, "time stands still while paused");
    await shot(page, "breaker-playing");

    // Keyboard acts only while the widget has focus.
    await page.locator(".fl-widget").focus();
    await page.keyboard.press("End");
    assert.match(await timeText(page), /^60\.00 s \/ 60\.00 s/);
    await page.keyboard.press("Home");
    assert.match(await timeText(page), /^0\.00 s/);
    // A focused slider keeps its arrow keys: the load changes, the player does not step.
    const load = page.locator(".fl-control", { hasText: "Load" }).locator("input[type=range]");
    await load.focus();
    await page.keyboard.press("ArrowRight");
    assert.equal(await load.inputValue(), "21");
    assert.match(await timeText(page), /^0\.00 s/, "the arrow did not step the player");
    // Scrub to the middle, then copy the link.
    await scrubTo(page, 0.4);
    const here = await timeText(page);
    const log = await page.locator(".fl-log summary").textContent();
    await page.click("text=Copy link");
    const link = await page.locator(".fl-link").inputValue();
    assert.match(link, /#\/breaker\?s=/);

    const replay = await openPage(site.browser, link);
    await replay.page.waitForSelector(".fl-widget[data-widget=breaker]");
    assert.equal(await timeText(replay.page), here, "the link restores the cursor");
    assert.equal(await replay.page.locator(".fl-log summary").textContent(), log, "and the same run up to it");
    assert.deepEqual(errors, []);
    assert.deepEqual(replay.errors, []);
    await replay.context.close();
    await context.close();
});

test("dragging the downstream into an outage trips the breaker to OPEN, and the rule that fired is shown", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/#/breaker");
    await page.waitForSelector(".fl-widget[data-widget=breaker]");
    // Load a lesson without a scripted outage, then break the downstream ourselves.
    await page.selectOption(".fl-presets select", "breaker-slow-success");
    await scrubTo(page, 0.05);
    assert.equal(await page.locator(".fl-state-current .fl-state-name").textContent(), "CLOSED");
    await setSlider(page, "Downstream failure rate", 100);
    await page.locator(".fl-widget").focus();
    for (let i = 0; i < 400; i++) {
        await page.keyboard.press("ArrowRight");
        if ((await page.locator(".fl-state-current .fl-state-name").textContent()) === "OPEN") break;
    }
    assert.equal(await page.locator(".fl-state-current .fl-state-name").textContent(), "OPEN");
    assert.match(await page.locator(".fl-last-rule").textContent(), /OPEN/);
    assert.match(await page.locator(".fl-log").textContent(), /downstream now fails 100% of calls/);
    await shot(page, "breaker-open");
    assert.deepEqual(errors, []);
    await context.close();
});

test("the demo page mounts independent widgets inside prose", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/demo.html");
    await page.waitForSelector("#second .fl-widget");
    // Two data-faultline embeds and one <faultline-widget> (Playwright's locators see into its
    // shadow root); the iframe's widget is in another document.
    await page.locator("#third .fl-widget").waitFor();
    assert.equal(await page.locator(".fl-widget").count(), 3);
    assert.equal(await page.locator("h1").textContent(), "Why your retries need a circuit breaker");
    await page.locator("#first .fl-play").click();
    await page.waitForTimeout(1000);
    await page.locator("#first .fl-play").click();
    assert.doesNotMatch(await timeText(page, "#first"), /^0\.00 s/);
    assert.match(await timeText(page, "#second"), /^0\.00 s/, "the second widget did not move");
    // Arrow keys outside a widget belong to the page.
    await page.locator("h1").click();
    await page.keyboard.press("ArrowRight");
    assert.match(await timeText(page, "#second"), /^0\.00 s/);
    // A parameter came from a data attribute.
    assert.match(await page.locator("#second .fl-box").first().textContent(), /30 calls\/s/);
    // That is the page author's setting, not the reader's change: named as the page's, and the
    // lesson's caption is not marked as outdated by it.
    assert.match(await page.locator("#second .fl-lesson-chip").textContent(), /with this page's requests per second = 30/);
    assert.equal(await page.locator("#second .fl-moment").count(), 1);
    assert.equal(await page.locator("#second .fl-moment-outdated").count(), 0);
    // The first embed is compact (picture, notes, one-line player); the second asked for all.
    assert.equal(await page.locator("#first .fl-controls, #first .fl-log, #first .fl-charts").count(), 0, "a compact embed has no control room");
    assert.equal(await page.locator("#first .fl-play").count(), 1);
    assert.ok((await page.locator("#second .fl-controls").count()) === 1 && (await page.locator("#second .fl-log").count()) === 1);
    const compact = (await page.locator("#first .fl-widget").boundingBox()).height;
    const full = (await page.locator("#second .fl-widget").boundingBox()).height;
    assert.ok(compact < 1200 && compact < full / 1.5, `compact embed ${compact} px, full ${full} px`);
    await shot(page, "demo");
    await page.setViewportSize({ width: 360, height: 800 });
    await shot(page, "demo-360px");
    assert.deepEqual(errors, []);
    await context.close();
});

test("reduced motion starts paused and moves in discrete jumps at the usual pace; dark mode applies", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/#/breaker", { reducedMotion: "reduce", colorScheme: "dark" });
    await page.waitForSelector(".fl-widget[data-widget=breaker]");
    assert.match(await timeText(page), /^0\.00 s/);
    // Playing changes the screen in a few discrete jumps (one per 600 ms), not on every frame,
    // yet covers as much simulated time as smooth playing would (2 s per second at 1×).
    await page.click(".fl-play");
    const seen = new Set();
    for (let i = 0; i < 26; i++) {
        seen.add(await timeText(page));
        await page.waitForTimeout(50);
    }
    await page.click(".fl-play");
    const t = await timeText(page);
    assert.doesNotMatch(t, /^0\.00 s/, "it did move");
    assert.ok(seen.size <= 5, `discrete jumps, not animation: ${[...seen].join(" | ")}`);
    assert.match(t, /^\d+\.\d+ s \//, `seconds of simulated time, at the usual pace: ${t}`);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, "rgb(21, 23, 26)");
    await shot(page, "breaker-dark");
    assert.deepEqual(errors, []);
    await context.close();
});

test("every page fits a 360 px wide phone without sideways scrolling", async () => {
    for (const url of ["/", "/#/ring", "/#/quorum", "/#/breaker", "/demo.html"]) {
        const { page, context, errors } = await openPage(site.browser, site.base + url, { viewport: { width: 360, height: 800 } });
        await page.waitForSelector(url === "/" ? ".fl-card" : ".fl-widget");
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 360, `${url} is ${width}px wide`);
        assert.deepEqual(errors, []);
        await context.close();
    }
});

test("a long jump is simulated over many frames: the page stays responsive and shows progress", async () => {
    const { deflateRawSync } = await import("node:zlib");
    // 150 s simulated at 1000 calls/s, just under the work cap (2 M estimated events; about
    // 300 000 real ones): many frames' worth.
    const scenario = { widget: "breaker", version: 1, seed: 3, duration_ms: 150000, params: { requests_per_second: 1000 } };
    const payload = deflateRawSync(Buffer.from(JSON.stringify(scenario)), { level: 9 }).toString("base64url");
    const { page, context, errors } = await openPage(site.browser, `${site.base}/#/breaker?s=${payload}`);
    await page.waitForSelector(".fl-widget[data-widget=breaker]");
    await page.locator(".fl-widget").focus();
    await page.keyboard.press("End");
    const notice = await page.waitForFunction(() => document.querySelector(".fl-notice")?.textContent, null, { timeout: 5000 });
    assert.match(await notice.jsonValue(), /Simulating up to 150\.00 s/);
    // The main thread answers while the simulation runs.
    const started = Date.now();
    await page.evaluate(() => 1 + 1);
    assert.ok(Date.now() - started < 1500, "the page answered within a frame or two");
    await page.waitForFunction(() => document.querySelector(".fl-time")?.textContent.startsWith("150.00 s"), null, { timeout: 120000 });
    assert.equal(await page.locator(".fl-notice").count(), 0, "the progress note is gone");
    assert.deepEqual(errors, []);
    await context.close();
});

test("broken links and unknown names explain themselves instead of breaking the page", async () => {
    const cases = [
        ["/#/breaker?s=garbage!!", /link: not base64url/],
        ["/#/quorum?s=" + "A".repeat(40), /link: not a Faultline scenario/],
        ["/#/ring?preset=nope", /preset: no lesson called "nope"/],
        ["/#/nosuch", /no widget called "nosuch"/],
    ];
    for (const [url, message] of cases) {
        const { page, context, errors } = await openPage(site.browser, site.base + url);
        const error = await page.waitForSelector(".fl-error");
        assert.match(await error.textContent(), message);
        assert.ok((await error.textContent()).length < 300, "one readable line");
        if (!url.includes("nosuch")) {
            // The widget itself still runs, with its defaults, under the message.
            assert.match(await error.textContent(), /showing the default lesson instead/);
            await page.waitForSelector(".fl-widget .fl-visual svg");
        }
        assert.deepEqual(errors, [], url);
        await context.close();
    }
});

test("a link asking for more work than Faultline allows is refused in one line, and the widget still runs", async () => {
    const { deflateRawSync } = await import("node:zlib");
    // Half an hour at 1000 calls/s: about 21 M events, over the 2 M cap.
    const scenario = { widget: "breaker", version: 1, seed: 3, duration_ms: 1800000, params: { requests_per_second: 1000 } };
    const payload = deflateRawSync(Buffer.from(JSON.stringify(scenario)), { level: 9 }).toString("base64url");
    const { page, context, errors } = await openPage(site.browser, `${site.base}/breaker/#/breaker?s=${payload}`);
    const error = await page.waitForSelector(".fl-error");
    assert.match(await error.textContent(), /duration_ms: this run would take about 2\.\d+e7 events, more than the 2000000/);
    await page.waitForSelector(".fl-widget .fl-visual svg");
    assert.deepEqual(errors, []);
    await context.close();
});
