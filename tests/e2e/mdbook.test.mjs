// The mdBook embedding (mdbook-faultline, docs/mdbook.md): tests/mdbook built with mdbook from
// crates.io into target/mdbook-book by scripts/test.sh. Its ```faultline blocks become widgets
// that run, and mdBook's own ←/→ page keys keep turning pages unless a widget has the focus.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { useSite, openPage, shot, book, serve } from "./harness.mjs";

const site = useSite(book);

const widgets = ".faultline-embed .fl-widget";

/// Opens a chapter and waits until its `count` widgets have mounted.
async function chapter(name, count, options = {}) {
    const opened = await openPage(site.browser, `${site.base}/${name}`, options);
    await opened.page.locator(widgets).nth(count - 1).waitFor();
    assert.equal(await opened.page.locator(widgets).count(), count);
    return opened;
}

test("the test book was built with the widget bundle beside its pages", () => {
    for (const file of ["quorums.html", "exact-run.html", "faultline/faultline.js", "faultline/faultline_bg.wasm", "faultline/faultline.css"]) {
        assert.ok(fs.existsSync(path.join(book, file)), `${file} in ${book} (run scripts/test.sh, or mdbook build tests/mdbook)`);
    }
    // The block shown inside a longer fence stays text: no widget for it.
    const html = fs.readFileSync(path.join(book, "quorums.html"), "utf8");
    assert.equal(html.match(/data-faultline="/g).length, 2);
    // One loader for the page's two widgets.
    assert.equal(html.match(/<script type="module">/g).length, 1);
});

test("a chapter's two blocks mount as the widgets they name, with their attributes, and play", async () => {
    const { page, context, errors } = await chapter("quorums.html", 2);
    const [quorum, breaker] = [page.locator(widgets).nth(0), page.locator(widgets).nth(1)];
    assert.equal(await quorum.getAttribute("data-widget"), "quorum", "the widget implied by preset = quorum-sloppy-surprise");
    assert.equal(await breaker.getAttribute("data-widget"), "breaker");
    // The lesson's own notes show (it is the sloppy-quorum lesson), and no attribute was refused.
    assert.match(await quorum.locator(".fl-notes").textContent(), /sloppy quorum/i);
    assert.equal(await page.locator(".fl-notice, .fl-error").count(), 0);
    // requests-per-second = 30 in the block reached the breaker's parameters.
    assert.match(await breaker.textContent(), /30 calls\/s/);
    // controls = "player": the compact embed, no settings panel.
    assert.equal(await quorum.locator(".fl-controls").count(), 0);
    // It plays: the time readout advances.
    const time = quorum.locator(".fl-time");
    const before = await time.textContent();
    await quorum.locator(".fl-play").click();
    await page.waitForFunction(([el, t]) => el.textContent !== t, [await time.elementHandle(), before]);
    await quorum.locator(".fl-play").click();
    assert.notEqual(await time.textContent(), before);
    assert.deepEqual(errors, []);
    await context.close();
});

test("→ outside a widget turns mdBook's page; → inside a focused widget steps it and does not", async () => {
    const { page, context, errors } = await chapter("quorums.html", 2);
    const quorum = page.locator(widgets).first();
    const time = quorum.locator(".fl-time");
    // Inside: the focused widget takes → (one step of its run) and the page stays.
    await quorum.focus();
    const before = await time.textContent();
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(([el, t]) => el.textContent !== t, [await time.elementHandle(), before]);
    await page.waitForTimeout(300); // a page turn would have started by now
    assert.match(page.url(), /quorums\.html$/);
    // ← steps back inside too.
    const stepped = await time.textContent();
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction(([el, t]) => el.textContent !== t, [await time.elementHandle(), stepped]);
    assert.match(page.url(), /quorums\.html$/);
    // Outside: focus on the prose (not in a widget), → is mdBook's "next chapter".
    await page.locator("main > p").first().click();
    assert.equal(await page.evaluate(() => document.activeElement.closest(".fl-widget")), null);
    await page.keyboard.press("ArrowRight");
    await page.waitForURL(/exact-run\.html$/);
    await page.locator(widgets).first().waitFor();
    // And ← takes it back.
    await page.locator("main > p").first().click();
    await page.keyboard.press("ArrowLeft");
    await page.waitForURL(/quorums\.html$/);
    assert.deepEqual(errors, []);
    await context.close();
});

test("a scenario block runs exactly that scenario", async () => {
    const { page, context, errors } = await chapter("exact-run.html", 1);
    const ring = page.locator(widgets).first();
    assert.equal(await ring.getAttribute("data-widget"), "ring");
    // The captions and the duration written in the chapter's JSON, not a preset's.
    assert.match(await ring.locator(".fl-notes").textContent(), /Six nodes with 50 virtual nodes each hold 2 000 keys/);
    assert.match(await ring.locator(".fl-time").textContent(), /\/ 6\.00 s/);
    assert.deepEqual(errors, []);
    await context.close();
});

test("the book's styles and the widgets' keep to themselves, at desktop and phone widths, light and dark", async () => {
    // mdBook's prose styles, read on a page without widgets (404.html), are the same beside widgets.
    const prose = async (page) => page.evaluate(() => {
        const s = getComputedStyle(document.querySelector("main p"));
        return { font: s.fontFamily, size: s.fontSize, line: s.lineHeight, body: getComputedStyle(document.body).backgroundColor };
    });
    const plain = await openPage(site.browser, `${site.base}/404.html`);
    const expected = await prose(plain.page);
    await plain.context.close();

    for (const [width, height] of [[1280, 800], [360, 740]]) {
        for (const colorScheme of ["light", "dark"]) {
            const { page, context, errors } = await chapter("quorums.html", 2, { viewport: { width, height }, colorScheme });
            if (colorScheme === "light") assert.deepEqual(await prose(page), expected, "mdBook's prose is styled as on a page without widgets");
            // Each widget fits the book's text column: nothing overflows sideways.
            const fit = await page.evaluate((sel) => {
                const main = document.querySelector("main").getBoundingClientRect();
                return {
                    inside: [...document.querySelectorAll(sel)].every((w) => {
                        const r = w.getBoundingClientRect();
                        return r.left >= main.left - 1 && r.right <= main.right + 1;
                    }),
                    scroll: document.documentElement.scrollWidth,
                };
            }, widgets);
            assert.ok(fit.inside, `widgets inside the text column at ${width} px`);
            assert.ok(fit.scroll <= width, `no sideways scroll at ${width} px (${fit.scroll})`);
            await shot(page, `mdbook-${width}-${colorScheme}`);
            assert.deepEqual(errors, []);
            await context.close();
        }
    }
});

test("widgets are sized as on their own page though mdBook's root font is 62.5 %", async () => {
    // The quorum's own page (dist/quorum/), where the root font is the browser's.
    const own = await serve();
    const sizes = (page) => page.evaluate(() => {
        const w = document.querySelector(".fl-widget[data-widget=quorum]");
        const size = (sel) => getComputedStyle(w.querySelector(sel)).fontSize;
        return { widget: getComputedStyle(w).fontSize, notes: size(".fl-notes"), play: size(".fl-play"), time: size(".fl-time") };
    });
    const alone = await openPage(site.browser, `${own.base}/quorum/`);
    await alone.page.locator(".fl-widget").waitFor();
    const expected = await sizes(alone.page);
    await alone.context.close();
    own.server.close();
    const { page, context } = await chapter("quorums.html", 2);
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), "10px", "mdBook's root: 62.5 %");
    assert.deepEqual(await sizes(page), expected);
    await context.close();
});

test("widgets follow the theme the reader picks in mdBook, not only the system's", async () => {
    const background = async (colorScheme, theme) => {
        const { page, context } = await chapter("quorums.html", 2, { colorScheme });
        if (theme) {
            await page.evaluate((t) => localStorage.setItem("mdbook-theme", t), theme);
            await page.reload();
            await page.locator(widgets).nth(1).waitFor();
        }
        const bg = await page.locator(widgets).first().evaluate((w) => getComputedStyle(w).backgroundColor);
        await context.close();
        return bg;
    };
    const light = await background("light");
    const dark = await background("dark");
    assert.notEqual(light, dark, "the system's scheme alone already switches it");
    assert.equal(await background("dark", "light"), light, "mdBook's light theme on a dark system");
    assert.equal(await background("dark", "rust"), light);
    assert.equal(await background("light", "navy"), dark, "mdBook's navy theme on a light system");
    assert.equal(await background("light", "coal"), dark);
});

test("print.html, every chapter on one page, loads the bundle once and mounts every widget once", async () => {
    const { page, context, errors } = await openPage(site.browser, `${site.base}/print.html`);
    await page.locator(widgets).nth(2).waitFor();
    const counts = await page.evaluate(() => ({
        widgets: document.querySelectorAll(".fl-widget").length,
        hosts: document.querySelectorAll("[data-faultline]").length,
        stylesheets: document.querySelectorAll('link[rel="stylesheet"][href*="faultline"]').length,
        loaders: document.querySelectorAll('script[type="module"]').length,
    }));
    assert.deepEqual(counts, { widgets: 3, hosts: 3, stylesheets: 1, loaders: 2 });
    assert.deepEqual(errors, []);
    await context.close();
});
