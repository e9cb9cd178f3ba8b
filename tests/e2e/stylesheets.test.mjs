// The bundles' stylesheets are minified copies (scripts/minify-css.mjs): Chromium must read
// each one as exactly the rules of its source in static/css/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { useSite } from "./harness.mjs";
import { minify } from "../../scripts/minify-css.mjs";

const site = useSite();
const sources = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../static/css");

test("every minified stylesheet holds the same rules as its source, and is smaller", async () => {
    const page = await site.browser.newPage();
    const files = readdirSync(sources).filter((f) => f.endsWith(".css"));
    assert.ok(files.length >= 6, `stylesheets: ${files}`);
    for (const file of files) {
        const source = readFileSync(path.join(sources, file), "utf8");
        const small = minify(source);
        assert.ok(small.length < source.length, `${file}: ${source.length} -> ${small.length} bytes`);
        const rules = (css) => page.evaluate((text) => {
            const sheet = new CSSStyleSheet();
            sheet.replaceSync(text);
            return [...sheet.cssRules].map((r) => r.cssText);
        }, css);
        const [before, after] = [await rules(source), await rules(small)];
        assert.ok(before.length > 10, `${file} parses to ${before.length} rules`);
        assert.deepEqual(after, before, file);
    }
    await page.close();
});
