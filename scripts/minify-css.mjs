// Minifies stylesheets in place for the bundles: drops comments (the sources in static/css/
// keep theirs) and collapses whitespace, outside quoted strings. About 2 KB gzip per bundle.
// Usage: node scripts/minify-css.mjs FILE...
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

export function minify(css) {
    let out = "";
    for (let i = 0; i < css.length; ) {
        const c = css[i];
        if (c === '"' || c === "'") {
            let j = i + 1;
            while (j < css.length && css[j] !== c) j += css[j] === "\\" ? 2 : 1;
            out += css.slice(i, j + 1);
            i = j + 1;
        } else if (c === "/" && css[i + 1] === "*") {
            const end = css.indexOf("*/", i + 2);
            i = end < 0 ? css.length : end + 2;
        } else if (/\s/.test(c)) {
            while (i < css.length && /\s/.test(css[i])) i++;
            // A space is kept except beside braces, semicolons and `>` (after a comma it stays: a
            // value holding var() is kept as written, so `a, b` must stay `a, b`).
            const before = out[out.length - 1];
            if (out && !"{};>".includes(before) && i < css.length && !"{};>".includes(css[i])) out += " ";
        } else {
            out += c;
            i++;
        }
    }
    return out;
}

// Run as a script (the page tests import `minify` only).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
    for (const file of process.argv.slice(2)) {
        writeFileSync(file, minify(readFileSync(file, "utf8")));
    }
}
