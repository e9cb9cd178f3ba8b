// Posters (issue 12): an embed's fallback content, a poster the core rendered, stands in the
// widget's place until the widget loads, and the widget replaces it when it starts: for the
// data-faultline element and for <faultline-widget>. With the WebAssembly blocked the poster is
// all there is (what readers without JavaScript see).
import { test } from "node:test";
import assert from "node:assert/strict";
import { useSite, serve, book, shot } from "./harness.mjs";

const site = useSite();

/// The demo page, its wasm request failed on purpose when `blockWasm`.
async function demo(blockWasm) {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const wasm = [];
    if (blockWasm) await page.route("**/*.wasm", (route) => { wasm.push(route.request().url()); return route.abort(); });
    await page.goto(site.base + "/demo.html");
    return { page, context, wasm };
}

/// Whether a fallback poster has loaded and is drawn at a useful size.
async function posterShown(page, selector) {
    const img = page.locator(`${selector} > img.faultline-poster`);
    await img.waitFor({ state: "visible" });
    await page.waitForFunction((s) => { const i = document.querySelector(`${s} > img.faultline-poster`); return i && i.complete && i.naturalWidth > 0; }, selector);
    return img.evaluate((i) => ({ natural: i.naturalWidth, width: i.getBoundingClientRect().width, height: i.getBoundingClientRect().height }));
}

test("with the WebAssembly blocked, the posters stand in the widgets' place", async () => {
    const { page, context, wasm } = await demo(true);
    // The bundle asked for its wasm and was refused: no widget can start.
    for (let i = 0; i < 100 && wasm.length === 0; i++) await page.waitForTimeout(100);
    assert.ok(wasm.length >= 1, "the page asked for the wasm");
    for (const selector of ["#first", "#third"]) {
        const size = await posterShown(page, selector);
        assert.equal(size.natural, 960, `${selector}: the poster's own width`);
        assert.ok(size.width > 500 && size.height > 400, `${selector}: drawn at a readable size, ${JSON.stringify(size)}`);
    }
    assert.equal(await page.locator(".fl-widget").count(), 0, "no widget started");
    // The poster is the core's SVG, for this lesson.
    const svg = await page.evaluate(async () => (await fetch("posters/breaker-outage.svg")).text());
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /An outage trips the breaker/);
    await page.locator("#first").scrollIntoViewIfNeeded();
    await shot(page, "poster-fallback");
    await context.close();
});

test("when the widgets start, they replace their posters", async () => {
    const { page, context } = await demo(false);
    await page.locator("#first .fl-widget").waitFor();
    await page.waitForFunction(() => document.querySelector("#third").shadowRoot?.querySelector(".fl-widget"));
    assert.equal(await page.locator("#first img.faultline-poster").count(), 0, "the data-faultline element's poster is gone");
    // The custom element draws in its shadow root, which has no <slot>: its light-DOM poster
    // is no longer rendered.
    const third = await page.evaluate(() => {
        const host = document.querySelector("#third");
        const img = host.querySelector(":scope > img.faultline-poster");
        return { slot: host.shadowRoot.querySelector("slot") !== null, drawn: img ? img.getClientRects().length : 0 };
    });
    assert.deepEqual(third, { slot: false, drawn: 0 });
    await shot(page, "poster-replaced");
    await context.close();
});

test("in the mdBook test book, each block holds its poster inline until its widget replaces it", async () => {
    const { server, base } = await serve(0, book);
    const open = async (blockWasm, colorScheme = "light") => {
        const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
        const page = await context.newPage();
        if (blockWasm) await page.route("**/*.wasm", (route) => route.abort());
        await page.goto(base + "/quorums.html");
        return { page, context };
    };
    // No wasm: the chapter's two blocks show their posters, drawn inside the page's column.
    const blocked = await open(true);
    const posters = blocked.page.locator(".faultline-embed > [data-faultline] > svg.flp");
    await posters.nth(1).waitFor({ state: "visible" });
    assert.equal(await posters.count(), 2);
    const box = await posters.first().boundingBox();
    const column = await blocked.page.locator(".faultline-embed").first().boundingBox();
    assert.ok(box.width > 300 && box.width <= column.width + 0.5, `fits its column: ${box.width} of ${column.width}`);
    assert.ok(box.height > 300, "and keeps its proportions");
    assert.equal(await blocked.page.locator(".fl-widget").count(), 0);
    await posters.first().scrollIntoViewIfNeeded();
    await shot(blocked.page, "poster-mdbook-fallback");
    await blocked.context.close();
    // The reader's mdBook theme: coal is dark, so the poster takes the dark palette.
    const dark = await open(true);
    await dark.page.evaluate(() => localStorage.setItem("mdbook-theme", "coal"));
    await dark.page.reload();
    const bg = await dark.page.locator(".faultline-embed svg.flp .flp-bg").first().evaluate((r) => getComputedStyle(r).fill);
    assert.equal(bg, "rgb(21, 23, 26)", "the dark palette's background");
    await dark.context.close();
    // With the wasm: the widgets start and their posters are gone.
    const live = await open(false);
    await live.page.locator(".faultline-embed .fl-widget").nth(1).waitFor();
    assert.equal(await live.page.locator(".faultline-embed svg.flp").count(), 0);
    await live.context.close();
    server.close();
});
