// Page benchmark (a report, never a pass/fail test): drags a ring slider and a quorum slider
// across their whole range, one input event per animation frame as a real drag sends them,
// and reports the longest frame the page had meanwhile (the largest gap between animation
// frames) and the longest single poll of the widget's session (`data-longest-poll-ms`).
// Usage: node scripts/page-bench.mjs   (after scripts/build.sh; prints one line per slider)
import { serve, launch } from "../tests/e2e/harness.mjs";

// FAULTLINE_DIST=other/dist PAGE_BENCH_ONE_PAGE=1 times a site from before each widget had its
// own page (for before/after figures).
const page = (w) => (process.env.PAGE_BENCH_ONE_PAGE ? `/#/${w}` : `/${w}/#/${w}`);
const drags = [
    { page: page("ring"), label: "Virtual nodes per node" },
    { page: page("ring"), label: "Nodes at the start" },
    { page: page("quorum"), label: "Replicas per key (N)" },
    { page: page("quorum"), label: "Storage nodes" },
    { page: page("quorum"), label: "Writes" },
];

const { server, base } = await serve();
const browser = await launch();
try {
    for (const drag of drags) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        await page.goto(base + drag.page);
        await page.waitForSelector(".fl-widget");
        await page.waitForTimeout(1500); // let derived work (comparison, PBS curve) finish first
        const result = await page.locator(".fl-control", { hasText: drag.label }).locator("input[type=range]").first().evaluate(async (input) => {
            const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
            let longest = 0;
            let last = await frame();
            const min = Number(input.min), max = Number(input.max), step = Number(input.step) || 1;
            const values = [];
            for (let v = min; v <= max; v += step) values.push(v);
            for (const v of [...values, ...values.reverse()]) {
                input.value = String(v);
                input.dispatchEvent(new Event("input", { bubbles: true }));
                const now = await frame();
                longest = Math.max(longest, now - last);
                last = now;
            }
            // Let the last rebuild and derived work finish, still timing frames.
            for (let i = 0; i < 90; i++) {
                const now = await frame();
                longest = Math.max(longest, now - last);
                last = now;
            }
            const poll = Number(document.querySelector(".fl-widget").dataset.longestPollMs ?? "NaN");
            return { steps: values.length * 2, longest, poll };
        });
        console.log(`PAGE ${drag.page} "${drag.label}": ${result.steps} input events, longest frame ${result.longest.toFixed(1)} ms, longest session poll ${result.poll.toFixed(1)} ms`);
        await context.close();
    }
} finally {
    await browser.close();
    server.close();
}
