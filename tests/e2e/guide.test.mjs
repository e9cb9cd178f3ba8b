// Page tests of the guided experience (issue 9's newcomer review): the phone player stays
// reachable, the stampede names its herd's counts, notes react to a fault the learner adds,
// the breaker's failure slider says why it is off, ring keys travel, the quorum's sequence
// diagram highlights one operation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useSite, openPage, shot, scrubTo } from "./harness.mjs";

const site = useSite();
const WIDGETS = ["ring", "quorum", "saga", "stampede", "breaker"];
const PHONE = { viewport: { width: 360, height: 740 } };

function widget(page, name) {
    return page.locator(`.fl-widget[data-widget=${name}]`);
}

/// Whether `box` lies inside the viewport.
function inViewport(box, viewport) {
    return box && box.y >= 0 && box.y + box.height <= viewport.height && box.x >= 0 && box.x + box.width <= viewport.width;
}

test("on a phone the player sits under the picture, and Play stays on screen and clickable while settings and charts scroll by", async () => {
    for (const name of WIDGETS) {
        const { page, context, errors } = await openPage(site.browser, `${site.base}/${name}/#/${name}`, PHONE);
        await page.waitForSelector(`.fl-widget[data-widget=${name}] .fl-play`);
        const w = widget(page, name);
        // First screen: the player comes right after the picture and covers none of it; the
        // picture's details (tables, lists, buckets) wait until after the notes.
        const player = await w.locator(".fl-player").boundingBox();
        // The picture's parts above the player (a widget may send a second picture after the
        // notes, as the quorum does its sequence diagram).
        const end = await w.locator(".fl-picture").evaluate((p, top) => Math.max(...[...p.querySelectorAll("*")]
            .map((e) => e.getBoundingClientRect()).filter((r) => r.height > 0 && r.top < top).map((r) => r.bottom)), player.y);
        assert.ok(player.y >= end - 1, `${name}: the player (y ${player.y}) starts under the picture (ends ${end})`);
        assert.ok(player.y - end < 40, `${name}: nothing sits between the picture (ends ${end}) and the player (y ${player.y})`);
        const notes = await w.locator(".fl-notes").boundingBox();
        assert.ok(notes.y >= player.y + player.height - 1, `${name}: the notes follow the player`);
        const details = await w.locator(".fl-details").boundingBox();
        if (details) assert.ok(details.y >= notes.y + notes.height - 1, `${name}: the picture's details (y ${details.y}) follow the notes`);
        await shot(page, `guide-${name}-phone-first`);
        for (const target of [".fl-charts", ".fl-controls"]) {
            if ((await w.locator(target).count()) === 0) continue;
            await w.locator(target).first().evaluate((el) => el.scrollIntoView({ block: "center" }));
            await page.waitForTimeout(150);
            const play = w.locator(".fl-play");
            assert.ok(inViewport(await play.boundingBox(), PHONE.viewport), `${name}: Play is on screen with ${target} in view`);
            // Nothing covers it: the element at its centre is the button itself.
            const onTop = await play.evaluate((b) => {
                const r = b.getBoundingClientRect();
                const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                return hit === b || b.contains(hit);
            });
            assert.ok(onTop, `${name}: Play is not covered with ${target} in view`);
            // Stuck, the bar is compact: seed and link wait in its own place.
            assert.equal(await w.locator(".fl-player-meta").isVisible(), false, `${name}: the stuck bar hides seed and link`);
            const height = (await w.locator(".fl-player").boundingBox()).height;
            assert.ok(height < 120, `${name}: the stuck bar is compact: ${height} px`);
        }
        await shot(page, `guide-${name}-phone-scrolled`);
        await w.locator(".fl-play").click();
        assert.equal(await w.locator(".fl-play").getAttribute("aria-pressed"), "true", `${name}: Play starts playing`);
        await w.locator(".fl-play").click();
        assert.deepEqual(errors, []);
        await context.close();
    }
});

test("on a wide screen the player bar is short and keeps its height, the lesson's moments step with one press each way, and a stop at a moment says Continue", async () => {
    const DESK = { viewport: { width: 1280, height: 800 } };
    for (const name of WIDGETS) {
        const { page, context, errors } = await openPage(site.browser, `${site.base}/${name}/#/${name}`, DESK);
        await page.waitForSelector(`.fl-widget[data-widget=${name}] .fl-moment-nav`);
        const w = widget(page, name);
        const bar = await w.locator(".fl-player").boundingBox();
        // At most about a sixth of the screen, Copy link included, and the same height once
        // scrolled to its own place (nothing under it jumps when it sticks or lets go).
        assert.ok(bar.height <= 130, `${name}: the bar is ${bar.height} px tall`);
        assert.ok(await w.locator("button", { hasText: "Copy link" }).isVisible(), `${name}: Copy link is in the bar`);
        await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        await page.waitForTimeout(200);
        assert.equal((await w.locator(".fl-player").boundingBox()).height, bar.height, `${name}: the bar keeps its height in its own place`);
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.waitForTimeout(200);
        const count = w.locator(".fl-moment-count");
        const total = await w.locator(".fl-moment-mark").count();
        assert.ok(total >= 2, `${name}: the default lesson has moments`);
        const first = await count.textContent();
        await w.locator(".fl-moment-next").click();
        await page.waitForTimeout(400);
        const second = (await count.textContent()).trim();
        assert.notEqual(second, first.trim(), `${name}: Next moment moved on from "${first}"`);
        assert.match(second, new RegExp(`^Moment \\d+ of ${total}$`), `${name}: the count says where the lesson is`);
        assert.equal((await w.locator(".fl-play").textContent()).trim(), "▶ Continue", `${name}: stopped at a moment, Play says Continue`);
        const n = Number(second.match(/^Moment (\d+)/)[1]);
        await w.locator(".fl-moment-prev").click();
        await page.waitForTimeout(400);
        const back = Number(((await count.textContent()).match(/^Moment (\d+)/) || [0, 0])[1]);
        assert.ok(back < n, `${name}: Previous moment went back (${n} → ${back})`);
        assert.deepEqual(errors, []);
        await context.close();
    }
});

test("the pace says what a second shows at the chosen speed", async () => {
    const { page, context, errors } = await openPage(site.browser, `${site.base}/quorum/#/quorum`, { viewport: { width: 1280, height: 800 } });
    await page.waitForSelector(".fl-pace", { state: "attached" });
    const w = widget(page, "quorum");
    const pace = () => w.locator(".fl-pace").textContent();
    assert.equal(await w.locator(".fl-speed select").getAttribute("title"), `Speed ([ slower, ] faster): ${await pace()}`, "the Speed menu says the pace too");
    const at1 = await pace();
    await w.locator(".fl-speed select").selectOption({ label: "10×" });
    await page.waitForTimeout(300);
    const at10 = await pace();
    assert.notEqual(at10, at1, "the pace follows the speed");
    const ms = (t) => { const [, v, unit] = t.match(/^([\d.]+) (µs|ms|s) of the run per second/); return Number(v) * { "µs": 1e-3, ms: 1, s: 1000 }[unit]; };
    assert.ok(Math.abs(ms(at10) - 10 * ms(at1)) < 1e-6 * ms(at10) + 0.05, `10× shows ten times the run: ${at1} → ${at10}`);
    assert.deepEqual(errors, []);
    await context.close();
});

test("the stampede names its herd's three counts the same way in the picture, the legend, the charts and the notes", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/stampede/#/stampede?preset=stampede-miss-wave", { viewport: { width: 1280, height: 800 } });
    const w = widget(page, "stampede");
    await page.waitForSelector(".fl-widget[data-widget=stampede] .fl-sv-terms");
    const terms = await w.locator(".fl-sv-terms dt").allTextContents();
    assert.deepEqual(terms, ["herd", "recomputes in flight", "concurrent DB queries"]);
    for (const dd of await w.locator(".fl-sv-terms dd").allTextContents()) assert.ok(dd.length > 20, `a one-line definition: ${dd}`);
    // The picture's database box and the chart use the legend's words.
    assert.match(await w.locator(".fl-sv:visible").textContent(), /\d+ concurrent DB queries/);
    assert.ok((await w.locator(".fl-chart", { hasText: "concurrent DB queries" }).count()) >= 1, "a chart of the same count, by the same name");
    await scrubTo(page, 2_000 / 16_000);
    await page.waitForTimeout(300);
    await page.getByRole("button", { name: "Flush the cache" }).click();
    await scrubTo(page, 2_020 / 16_000);
    await page.waitForTimeout(600);
    assert.match(await w.locator(".fl-sv:visible .fl-sv-herd").textContent(), /\d+ recomputes? in flight/);
    // Mid-herd, the chart's "now" figure is the picture's: both are the state at the cursor
    // (samples come at fixed steps; the line ends at the cursor with the value there).
    const pictured = Number((await w.locator(".fl-sv:visible").textContent()).match(/(\d+) concurrent DB queries/)[1]);
    const charted = (await w.locator(".fl-chart", { hasText: "concurrent DB queries" }).first().locator(".fl-chart-now").textContent()).match(/now (\d+)/);
    assert.ok(pictured > 0, `the herd is on: ${pictured} concurrent DB queries`);
    assert.equal(Number(charted[1]), pictured, "the chart says the picture's count");
    assert.equal(await w.locator(".fl-sv:visible .fl-sv-herd title").textContent(), `recomputes in flight: ${(await w.locator(".fl-sv-terms dd").nth(1).textContent())}`);
    await shot(page, "guide-stampede-terms");
    assert.deepEqual(errors, []);
    await context.close();
});

test("a fault the learner adds on top of a lesson leads the notes, named, with what it does now", async () => {
    // Saga: crash a participant at the cursor.
    {
        const { page, context, errors } = await openPage(site.browser, site.base + "/saga/#/saga?preset=saga-failed-step", { viewport: { width: 1280, height: 800 } });
        const w = widget(page, "saga");
        await page.waitForSelector(".fl-widget[data-widget=saga] .fl-notes li");
        assert.doesNotMatch(await w.locator(".fl-notes li").first().textContent(), /^You /, "the lesson as it comes has no additions");
        await scrubTo(page, 0.1);
        await page.waitForTimeout(300);
        await w.locator(".fl-saga-node", { hasText: "Consumer" }).first().click();
        await scrubTo(page, 0.4);
        await page.waitForTimeout(500);
        const first = await w.locator(".fl-notes li").first().textContent();
        assert.match(first, /^You crashed Consumer at .+, and it is still down: commands sent to it are lost/);
        assert.match(first, /Its steps now: T2 /);
        await shot(page, "guide-saga-added-crash");
        assert.deepEqual(errors, []);
        await context.close();
    }
    // Stampede: flush the cache.
    {
        const { page, context, errors } = await openPage(site.browser, site.base + "/stampede/#/stampede?preset=stampede-miss-wave", { viewport: { width: 1280, height: 800 } });
        const w = widget(page, "stampede");
        await page.waitForSelector(".fl-widget[data-widget=stampede] .fl-notes li");
        await scrubTo(page, 2_000 / 16_000);
        await page.waitForTimeout(300);
        await page.getByRole("button", { name: "Flush the cache" }).click();
        await scrubTo(page, 2_100 / 16_000);
        await page.waitForTimeout(500);
        assert.match(await w.locator(".fl-notes li").first().textContent(), /^You flushed the cache at .+: every key went cold at once.*Now: \d+ recomputes in flight, \d+ concurrent DB queries, \d+ queued\.$/);
        assert.deepEqual(errors, []);
        await context.close();
    }
});

test("breaker: the failure-rate slider is disabled with its reason while the downstream is down, and the rejections are explained", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/breaker/#/breaker?preset=breaker-retries", { viewport: { width: 1280, height: 800 } });
    const w = widget(page, "breaker");
    await page.waitForSelector(".fl-widget[data-widget=breaker] .fl-system");
    const slider = w.locator(".fl-health input[type=range]");
    assert.equal(await slider.isDisabled(), false);
    assert.match(await w.locator(".fl-system-row").textContent(), /calls\/s \+ up to 3 retries each/);
    await page.getByRole("button", { name: "Crash downstream" }).click();
    await page.waitForTimeout(200);
    assert.equal(await slider.isDisabled(), true, "no failure rate to set while it is down");
    assert.match(await w.locator(".fl-disabled-why").textContent(), /applies once it restarts/);
    await shot(page, "guide-breaker-down");
    await page.getByRole("button", { name: "Restart downstream" }).click();
    await page.waitForTimeout(200);
    assert.equal(await slider.isDisabled(), false);
    assert.equal(await w.locator(".fl-disabled-why").count(), 0);
    // Into the lesson's outage, where the breaker rejects: the notes say what the count counts.
    await scrubTo(page, 0.5);
    await page.waitForTimeout(500);
    const notes = await w.locator(".fl-notes").textContent();
    assert.match(notes, /rejections in the last second.*counts attempts, and every rejected call is retried up to 3 more times/);
    assert.deepEqual(errors, []);
    await context.close();
});

test("ring: the keys a new node takes travel from their old owner's token to their place; reduced motion shows the same move without travel", async () => {
    for (const reducedMotion of ["no-preference", "reduce"]) {
        const { page, context, errors } = await openPage(site.browser, site.base + "/ring/#/ring", { viewport: { width: 1280, height: 800 }, reducedMotion });
        const w = widget(page, "ring");
        await page.waitForSelector(".fl-widget[data-widget=ring] .fl-ring-key");
        assert.equal(await w.locator(".fl-ring-travel").count(), 0, "nothing moved yet");
        await page.getByRole("button", { name: "Add node" }).click();
        await page.waitForTimeout(150);
        const moved = await w.locator(".fl-ring-moved").count();
        assert.ok(moved > 0, "adding a node moves keys");
        assert.equal(await w.locator(".fl-ring-travel").count(), moved, "each moved key travels");
        assert.equal(await w.locator(".fl-ring-trail").count(), moved, "each leaves a trail from where it came");
        const animation = await w.locator(".fl-ring-travel").first().evaluate((g) => getComputedStyle(g).animationName);
        assert.equal(animation, reducedMotion === "reduce" ? "none" : "fl-ring-travel");
        // The trail starts on the band (the old owner's token), not at the key.
        const trail = await w.locator(".fl-ring-trail").first().evaluate((l) => ({ x1: +l.getAttribute("x1"), y1: +l.getAttribute("y1"), x2: +l.getAttribute("x2"), y2: +l.getAttribute("y2") }));
        assert.ok(Math.hypot(trail.x1 - trail.x2, trail.y1 - trail.y2) > 8, `the key comes from elsewhere: ${JSON.stringify(trail)}`);
        if (reducedMotion === "no-preference") {
            await page.waitForTimeout(300);
            await shot(page, "guide-ring-keys-travelling");
        }
        assert.deepEqual(errors, []);
        await context.close();
    }
});

test("quorum: the sequence diagram highlights one operation with its messages and fades the rest", async () => {
    const { page, context, errors } = await openPage(site.browser, site.base + "/quorum/#/quorum?preset=quorum-two-of-five", { viewport: { width: 1280, height: 800 } });
    const w = widget(page, "quorum");
    await page.waitForSelector(".fl-widget[data-widget=quorum] .fl-sequence");
    await scrubTo(page, 0.5);
    await page.waitForTimeout(600);
    const caption = await w.locator(".fl-sequence figcaption").textContent();
    const op = caption.match(/In bold: operation #(\d+), a (write|read)/);
    assert.ok(op, caption);
    const focused = w.locator(".fl-seq-focus");
    assert.ok((await focused.count()) >= 2, "the highlighted operation's request and fan-out");
    assert.ok((await w.locator(".fl-seq-faded").count()) >= 1, "the others are faded at this rate");
    const opacity = await w.locator(".fl-seq-faded").first().evaluate((g) => Number(getComputedStyle(g).opacity));
    assert.ok(opacity < 0.5, `faded: ${opacity}`);
    // Each highlighted message carries its typed shape and a label naming what it is.
    assert.equal(await w.locator(".fl-seq-focus .fl-seq-shape").count(), await w.locator(".fl-seq-focus line").count());
    const labels = await w.locator(".fl-seq-focus text").allTextContents();
    assert.ok(labels.every((l) => /^(write( v\d+| \(hint\))?|ack|read|reply|done ✓|failed ✗|result)$/.test(l)), labels.join(", "));
    assert.ok(labels.length >= 2, `the highlighted operation's messages are labelled: ${labels.join(", ")}`);
    await shot(page, "guide-quorum-sequence");
    assert.deepEqual(errors, []);
    await context.close();
});

test("phone: the breaker's system stacks with every arrow between two boxes, and the stampede's picture stands upright, whole", async () => {
    {
        const { page, context, errors } = await openPage(site.browser, site.base + "/breaker/#/breaker?preset=breaker-retries", PHONE);
        const row = widget(page, "breaker").locator(".fl-system-row");
        await row.waitFor();
        const boxes = await row.locator(".fl-box").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
        const pipes = await row.locator(".fl-pipe").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
        assert.equal(boxes.length, 3);
        pipes.forEach((p, i) => {
            assert.ok(p.top >= boxes[i].bottom - 1 && p.bottom <= boxes[i + 1].top + 1, `arrow ${i + 1} sits between box ${i + 1} and box ${i + 2}`);
        });
        assert.deepEqual(errors, []);
        await context.close();
    }
    {
        const { page, context, errors } = await openPage(site.browser, site.base + "/stampede/#/stampede", PHONE);
        const w = widget(page, "stampede");
        await w.locator(".fl-sv-tall").waitFor();
        assert.equal(await w.locator(".fl-sv-wide").isVisible(), false, "the wide picture is not drawn on a phone");
        const wrap = await w.locator(".fl-sv-wrap").evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
        assert.ok(wrap.scroll <= wrap.client + 1, `nothing to scroll sideways: ${wrap.scroll} > ${wrap.client}`);
        const width = page.viewportSize().width;
        for (const box of ["fl-sv-cache", "fl-sv-db"]) {
            const r = await w.locator(`.fl-sv-tall .${box} rect`).first().evaluate((el) => el.getBoundingClientRect().toJSON());
            assert.ok(r.left >= 0 && r.right <= width, `${box} is on screen: ${r.left}..${r.right} of ${width}`);
        }
        // The small print, drawn at 11 units, stays legible at the picture's scale.
        const px = await w.locator(".fl-sv-tall .fl-sv-db .fl-sv-small").first().evaluate((el) => el.getBoundingClientRect().height);
        assert.ok(px >= 9, `small text ${px}px tall`);
        assert.deepEqual(errors, []);
        await context.close();
    }
});

// The first screen of a laptop (1280×800) and a large screen (1920×1080): the lesson picker,
// the widget's main picture and the player that stays on screen are all in view, the player
// covers no part of the picture, and the picker names the lesson once (no second title line).
for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
    test(`at ${viewport.width}×${viewport.height} the first screen holds the picture, the lesson and the player without overlap`, async () => {
        for (const name of WIDGETS) {
            const { page, context, errors } = await openPage(site.browser, `${site.base}/${name}/`, { viewport });
            const root = widget(page, name);
            await root.locator(".fl-play").waitFor();
            const picture = await root.locator(".fl-visual svg").first().boundingBox();
            const player = await root.locator(".fl-player").boundingBox();
            const picker = await root.locator(".fl-presets").boundingBox();
            for (const [what, box] of [["picture", picture], ["player", player], ["lesson picker", picker]]) {
                assert.ok(inViewport(box, viewport), `${name}: the ${what} is on the first screen (${JSON.stringify(box)})`);
            }
            assert.ok(picture.y + picture.height <= player.y, `${name}: the player (top ${player.y}) covers none of the picture (bottom ${picture.y + picture.height})`);
            assert.equal(await root.locator(".fl-scenario-title").count(), 0, `${name}: the picker alone names the loaded lesson`);
            // The ring's lessons start with "add a node": its button is on the first screen too,
            // above the player.
            if (name === "ring") {
                const add = await root.locator(".fl-ring-add").boundingBox();
                assert.ok(inViewport(add, viewport) && add.y + add.height <= player.y, `ring: Add node is on the first screen (${JSON.stringify(add)})`);
            }
            if (viewport.width === 1280) await shot(page, `first-screen-${name}-1280`);
            assert.deepEqual(errors, []);
            await context.close();
        }
    });
}

test("a change of yours on top of a lesson is said beside the picker, which keeps the lesson, and Restart lesson loads it again", async () => {
    for (const [name, preset, button] of [["ring", "ring-add-node", "Add node"], ["quorum", "quorum-strict", "Isolate node-1"]]) {
        const { page, context, errors } = await openPage(site.browser, `${site.base}/${name}/#/${name}?preset=${preset}`);
        const w = widget(page, name);
        await w.locator(".fl-play").waitFor();
        assert.equal(await w.locator(".fl-presets select").inputValue(), preset);
        assert.equal(await w.locator(".fl-scenario-title").count(), 0, `${name}: no lesson line while the lesson is as written`);
        await scrubTo(page, 0.3);
        await w.locator("button", { hasText: button }).first().click();
        const picture = await w.locator(".fl-picture").boundingBox();
        await w.locator(".fl-lesson-changed").waitFor();
        assert.match(await w.locator(".fl-lesson-chip").textContent(), /1 change of yours on top/, name);
        assert.equal(await w.locator(".fl-presets select").inputValue(), preset, `${name}: the picker still names the lesson`);
        assert.equal((await w.locator(".fl-picture").boundingBox()).y, picture.y, `${name}: the change moved nothing down`);
        await w.locator(".fl-lesson-restart").click();
        await w.locator(".fl-lesson-chip").waitFor({ state: "detached" });
        assert.match(await page.locator(".fl-time").first().textContent(), /^0\.00 s/, `${name}: the lesson starts over`);
        assert.deepEqual(errors, []);
        await context.close();
    }
});

test("quorum: every node's name fits inside its circle, a replica's bold ring included", async () => {
    const { page, context, errors } = await openPage(site.browser, `${site.base}/quorum/#/quorum`);
    await page.waitForSelector(".fl-widget[data-widget=quorum] .fl-node");
    const fits = await page.locator(".fl-widget[data-widget=quorum] .fl-node").evaluateAll((nodes) => nodes.map((g) => {
        const circle = g.querySelector("circle");
        const inner = 2 * Number(circle.getAttribute("r")) - parseFloat(getComputedStyle(circle).strokeWidth);
        const name = g.querySelector("text");
        return { name: name.textContent, width: name.getBBox().width, inner };
    }));
    assert.ok(fits.length >= 5);
    for (const f of fits) assert.ok(f.width <= f.inner - 2, `${f.name}: ${f.width.toFixed(1)} wide inside ${f.inner.toFixed(1)}`);
    assert.deepEqual(errors, []);
    await context.close();
});

test("phone: the ring's node table fits the screen, its Remove buttons included", async () => {
    const { page, context, errors } = await openPage(site.browser, `${site.base}/ring/#/ring`, PHONE);
    await page.waitForSelector(".fl-widget[data-widget=ring] .fl-ring-table .fl-ring-remove");
    const table = page.locator(".fl-ring-table").first();
    const { scroll, client } = await table.evaluate((t) => ({ scroll: t.scrollWidth, client: t.clientWidth }));
    assert.ok(scroll <= client + 1, `the table is ${scroll} px wide in ${client} px`);
    const remove = await page.locator(".fl-ring-remove").first().boundingBox();
    assert.ok(remove.x + remove.width <= PHONE.viewport.width, `Remove ends at ${remove.x + remove.width} px`);
    assert.deepEqual(errors, []);
    await context.close();
});

test("a chart whose series has been 0 all along says nothing yet instead of drawing a 0 to 1 scale", async () => {
    const { page, context, errors } = await openPage(site.browser, `${site.base}/breaker/#/breaker?preset=breaker-outage`, { viewport: { width: 1280, height: 800 } });
    await page.waitForSelector(".fl-widget[data-widget=breaker] .fl-chart");
    const rejected = page.locator(".fl-chart", { hasText: "calls rejected" }).first();
    assert.equal(await rejected.locator(".fl-chart-empty").textContent(), "nothing yet");
    const yTicks = await rejected.locator("text.fl-tick[text-anchor=end][dy]").allTextContents();
    assert.deepEqual(yTicks, ["0"], "one tick, at 0");
    // Once the breaker opens it rejects calls: a scale, and no empty note.
    await page.locator(".fl-widget").focus();
    await page.keyboard.press("End");
    await page.waitForFunction(() => !document.querySelector(".fl-chart-empty") || [...document.querySelectorAll(".fl-chart")].find((c) => c.textContent.includes("calls rejected")).querySelector(".fl-chart-empty") === null, null, { timeout: 20_000 });
    assert.equal(await rejected.locator(".fl-chart-empty").count(), 0);
    assert.equal((await rejected.locator("text.fl-tick[text-anchor=end][dy]").allTextContents()).length, 3);
    assert.deepEqual(errors, []);
    await context.close();
});

test("quorum: the client names a stale read in the picture, beside the notes and the table", async () => {
    const { page, context, errors } = await openPage(site.browser, `${site.base}/quorum/#/quorum?preset=quorum-sloppy-surprise`);
    const w = widget(page, "quorum");
    await w.locator(".fl-play").waitFor();
    let seen = null;
    for (let i = 1; i <= 100 && !seen; i++) {
        await scrubTo(page, i / 100);
        await page.waitForTimeout(30);
        if (await w.locator(".fl-node-stale").count()) seen = await w.locator(".fl-node-stale").textContent();
    }
    assert.ok(seen, "some frame of the sloppy-quorum lesson shows a stale read at the client");
    assert.match(seen, /^⚠ stale read: got v\d+, latest v\d+/);
    await shot(page, "guide-quorum-stale-read");
    assert.deepEqual(errors, []);
    await context.close();
});

test("breaker at 1280×800: the window the lesson's captions point at sits over the notes, on the first screen, above the player", async () => {
    const viewport = { width: 1280, height: 800 };
    const { page, context, errors } = await openPage(site.browser, `${site.base}/breaker/#/breaker?preset=breaker-outage`, { viewport });
    const w = widget(page, "breaker");
    await w.locator(".fl-play").waitFor();
    await scrubTo(page, 0.2);
    await page.waitForTimeout(300);
    const window = await w.locator(".fl-window").boundingBox();
    const player = await w.locator(".fl-player").boundingBox();
    const notes = await w.locator(".fl-notes").boundingBox();
    assert.ok(inViewport(window, viewport) && window.y + window.height <= player.y, `the window (${JSON.stringify(window)}) is above the player (top ${player.y})`);
    assert.ok(window.y + window.height <= notes.y + 1, "over the notes");
    await shot(page, "guide-breaker-window-1280");
    assert.deepEqual(errors, []);
    await context.close();
});

test("a lesson's caption that the learner's own change may have made untrue is kept, but marked as the lesson as written", async () => {
    const { page, context, errors } = await openPage(site.browser, `${site.base}/breaker/#/breaker?preset=breaker-outage`);
    const w = widget(page, "breaker");
    await w.locator(".fl-play").waitFor();
    await scrubTo(page, 0.05);
    await page.waitForTimeout(200);
    assert.equal(await w.locator(".fl-moment-outdated").count(), 0, "the lesson as it comes: its captions stand");
    await w.getByRole("button", { name: "Crash downstream" }).click();
    await scrubTo(page, 0.15);
    await page.waitForTimeout(300);
    await w.locator(".fl-moment-outdated").waitFor();
    assert.match(await w.locator(".fl-moment").textContent(), /^The lesson as written, before your change \(it may not hold now\): /);
    // Before the change acts, the caption still describes the run on screen.
    await scrubTo(page, 0.01);
    await page.waitForTimeout(300);
    assert.equal(await w.locator(".fl-moment-outdated").count(), 0, "before the crash the caption holds");
    assert.deepEqual(errors, []);
    await context.close();
});

// The pictures' small print on a phone: every text an SVG picture draws (charts and sequence
// diagrams included) is at least 9 CSS pixels tall, halfway through the run, when the
// sequence diagrams carry their messages' labels.
test("phone: the pictures' text is at least 9 px", async () => {
    for (const name of WIDGETS) {
        const { page, context, errors } = await openPage(site.browser, `${site.base}/${name}/#/${name}`, PHONE);
        await page.waitForSelector(`.fl-widget[data-widget=${name}] .fl-play`);
        await scrubTo(page, 0.5, `.fl-widget[data-widget=${name}]`);
        await page.waitForTimeout(600);
        const small = await widget(page, name).evaluate((w) => [...w.querySelectorAll("svg text")]
            .filter((t) => t.getBoundingClientRect().height > 0 && t.textContent.trim())
            .map((t) => ({ px: parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a, text: t.textContent.trim().slice(0, 40) }))
            .filter((t) => t.px < 9));
        assert.deepEqual(small, [], `${name}: text under 9 px`);
        assert.deepEqual(errors, []);
        await context.close();
    }
});
