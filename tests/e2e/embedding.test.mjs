// The embedding forms beside data-faultline: the <faultline-widget> custom element (in its own
// shadow root) and the iframe route (embed.html#/WIDGET?…), which reports its height.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useSite, openPage, shot } from "./harness.mjs";

const site = useSite();

test("<faultline-widget> mounts in its own shadow root, plays, and neither styles the page nor takes its styles", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/demo.html");
    const widget = page.locator("#third .fl-widget");
    await widget.waitFor();
    const inside = await page.evaluate(() => {
        const root = document.querySelector("#third").shadowRoot;
        return { shadow: root !== null, outside: document.querySelectorAll(".fl-widget").length };
    });
    assert.ok(inside.shadow, "the element has a shadow root");
    // The same attributes as data-faultline, without the prefix: the lesson was loaded.
    assert.match(await page.locator("#third select").first().inputValue(), /quorum-sloppy-surprise/);
    // The page's `button { background: hotpink; font-size: 30px }` does not reach the widget;
    // the widget's own rules do not reach the page's button.
    const styles = await page.evaluate(() => {
        const inner = document.querySelector("#third").shadowRoot.querySelector(".fl-play");
        const outer = document.querySelector("#custom-demo > button");
        return { inner: getComputedStyle(inner).backgroundColor, innerSize: getComputedStyle(inner).fontSize, outer: getComputedStyle(outer).backgroundColor };
    });
    assert.notEqual(styles.inner, "rgb(255, 105, 180)");
    assert.notEqual(styles.innerSize, "30px");
    assert.equal(styles.outer, "rgb(255, 105, 180)");
    // It plays like any widget.
    const time = () => page.locator("#third .fl-time").textContent();
    const before = await time();
    await page.locator("#third .fl-play").click();
    await page.waitForFunction((t) => document.querySelector("#third").shadowRoot.querySelector(".fl-time").textContent !== t, before);
    await page.locator("#third .fl-play").click();
    assert.notEqual(await time(), before);
    await page.locator("#third").scrollIntoViewIfNeeded();
    await shot(page, "embed-custom-element");
    assert.deepEqual(errors, []);
    await context.close();
});

test("a <faultline-widget> added after the page loaded mounts too", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/demo.html");
    await page.locator("#third .fl-widget").waitFor();
    await page.evaluate(() => {
        const el = document.createElement("faultline-widget");
        el.id = "late";
        el.setAttribute("widget", "breaker");
        el.setAttribute("preset", "breaker-outage");
        el.setAttribute("controls", "none");
        document.body.append(el);
    });
    await page.locator("#late .fl-widget").waitFor();
    assert.equal(await page.locator("#late .fl-play").count(), 0, "controls=none has no player");
    assert.deepEqual(errors, []);
    await context.close();
});

test("the iframe route shows the widget its fragment names and sizes its iframe to the content", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/demo.html");
    const frame = page.frameLocator("#fourth");
    await frame.locator(".fl-widget").waitFor();
    assert.match(await frame.locator("select").first().inputValue(), /stampede-miss-wave/);
    // The parent listened to the height message: no inner scrollbar.
    await page.waitForFunction(() => {
        const f = document.querySelector("#fourth");
        const inner = f.contentDocument.documentElement;
        return inner.scrollHeight > 300 && Math.abs(f.getBoundingClientRect().height - inner.scrollHeight) <= 1;
    });
    // Options come from the query, with the same names as the attributes.
    await page.evaluate(() => { document.querySelector("#fourth").src = "embed.html#/breaker?preset=breaker-outage&controls=all&seed=9"; });
    await page.evaluate(() => document.querySelector("#fourth").contentWindow.location.reload());
    await frame.locator(".fl-controls").waitFor();
    await page.waitForFunction(() => {
        const f = document.querySelector("#fourth");
        return Math.abs(f.getBoundingClientRect().height - f.contentDocument.documentElement.scrollHeight) <= 1;
    });
    await page.locator("#fourth").scrollIntoViewIfNeeded();
    await shot(page, "embed-iframe");
    // "Copy link" from the iframe points at the widget's own page, not at the iframe.
    await frame.locator("text=Copy link").click();
    const link = await frame.locator(".fl-link").inputValue();
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/breaker\/#\/breaker\?s=/, link);
    assert.deepEqual(errors, []);
    await context.close();
});
