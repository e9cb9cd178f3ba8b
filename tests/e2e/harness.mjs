// Shared page-test harness: a static server for dist/ on loopback and Debian's Chromium via
// playwright-core. No browser is ever downloaded.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { before, after } from "node:test";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const { chromium } = require(process.env.PLAYWRIGHT_CORE || path.join(root, ".tools/node_modules/playwright-core"));

export const dist = process.env.FAULTLINE_DIST ? path.resolve(process.env.FAULTLINE_DIST) : path.join(root, "dist");
/// The mdBook test book (tests/mdbook), as scripts/test.sh builds it.
export const book = process.env.FAULTLINE_BOOK ? path.resolve(process.env.FAULTLINE_BOOK) : path.join(root, "target/mdbook-book");
export const shots = path.join(root, "target/screenshots");
fs.mkdirSync(shots, { recursive: true });

const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2" };

/// Serves dist/ (or `folder`, e.g. the mdBook test book) on loopback (a folder serves its
/// index.html); port 0 picks a free one.
export async function serve(port = 0, folder = dist) {
    const server = http.createServer((req, res) => {
        const url = new URL(req.url, "http://x");
        let file = path.join(folder, decodeURIComponent(url.pathname));
        if (file.startsWith(folder) && fs.existsSync(file) && fs.statSync(file).isDirectory()) {
            file = path.join(file, "index.html");
        }
        if (!file.startsWith(folder) || !fs.existsSync(file)) {
            res.writeHead(404).end("not found");
            return;
        }
        res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
        fs.createReadStream(file).pipe(res);
    });
    await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
    return { server, base: `http://127.0.0.1:${server.address().port}` };
}

export async function launch() {
    return chromium.launch({
        executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
}

/// A page that fails the test on any console error or uncaught exception.
export async function openPage(browser, url, options = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
    const errors = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(url);
    return { page, context, errors };
}

export async function shot(page, name) {
    await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

/// Moves a widget's timeline to `fraction` of its length, as dragging the scrubber does.
export async function scrubTo(page, fraction, scope = "") {
    await page.locator(`${scope} .fl-scrub`).first().evaluate((el, f) => {
        el.value = String(Math.round(Number(el.max) * f));
        el.dispatchEvent(new Event("input", { bubbles: true }));
    }, fraction);
}

/// Sets a labelled range control, as dragging it does.
export async function setSlider(page, label, value) {
    await page.locator(".fl-control", { hasText: label }).locator("input[type=range]").first().evaluate((el, v) => {
        el.value = String(v);
        el.dispatchEvent(new Event("input", { bubbles: true }));
    }, value);
}

/// The served site (dist/, or `folder`) and a browser for one test file: `site.base` and `site.browser` are set
/// before its first test and closed after its last.
export function useSite(folder = dist) {
    const site = {};
    before(async () => {
        ({ server: site.server, base: site.base } = await serve(0, folder));
        site.browser = await launch();
    });
    after(async () => {
        await site.browser?.close();
        site.server?.close();
    });
    return site;
}
