#!/usr/bin/env bash
# Release build of the site into dist/ (Trunk, offline, wasm-opt -Oz) and its size report.
#
# The site, from the registry (`faultline widgets`), so a new widget needs no edit here:
#   dist/index.html          the landing page: static HTML from `faultline site landing`, no wasm
#   dist/WIDGET/             each widget's page and its bundle, with that widget alone
#   dist/all/                one bundle with every widget, for pages that embed several kinds
#   dist/demo.html           the embedding demo (loads all/)
#   dist/posters/NAME.svg    a poster of every lesson and of each widget's default (no wasm)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$FAULTLINE_ROOT"

# The bundles build their own std, with the immediate-abort panic strategy: no panic messages,
# source locations or the formatting they pull in (ring: -7 % gzip, docs/architecture.md).
# The page has no panic hook, so a panic never showed its message to a reader anyway.
release_env=()
if [ -n "${FAULTLINE_STD_SOURCE:-}" ]; then
    release_env=(RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=-Zunstable-options -Cpanic=immediate-abort")
fi
trunk_build() { # dir features html
    env ${FAULTLINE_WASM_CARGO_ENV:-} "${release_env[@]}" trunk build --release --offline --dist "$1" --public-url ./ "$3"
}

cargo build --quiet --bin faultline
faultline=target/debug/faultline
[ -n "${CARGO_TARGET_DIR:-}" ] && faultline="$CARGO_TARGET_DIR/debug/faultline"
widgets=$("$faultline" widgets)
rm -rf dist target/css && mkdir -p dist target/bundles target/css
# The stylesheets the pages load are minified copies (comments and spacing out, ~2 KB gzip a
# bundle), made before Trunk so that its integrity hashes are the minified files'.
cp static/css/*.css target/css/
node scripts/minify-css.mjs target/css/*.css
for w in $widgets all; do
    "$faultline" site page "$w" | sed 's#"\.\./\.\./static/css/#"../css/#' > "target/bundles/$w.html"
    trunk_build "dist/$w" "$w" "target/bundles/$w.html"
done
rm -f dist/all/index.html
"$faultline" site landing > dist/index.html
# One stylesheet with every widget's rules, for pages that embed several kinds (and the demo,
# embed.html, the mdBook preprocessor); the landing page needs the shell's only.
cat target/css/faultline-shell.css $(for w in $widgets; do echo "target/css/faultline-$w.css"; done) > dist/faultline.css
cp target/css/faultline-shell.css static/demo.html static/embed.html dist/
# Posters (issue 12): a still frame of every lesson and of each widget's default, rendered by
# the core natively (`faultline poster`), in the reader's light or dark: what an embed shows
# until its widget has loaded, and what readers without JavaScript and print see.
mkdir -p dist/posters
for p in $("$faultline" presets | sed -n 's/^ *"name": "\(.*\)",$/\1/p'); do
    "$faultline" poster --preset "$p" --theme auto --out "dist/posters/$p.svg"
done
for w in $widgets; do
    "$faultline" poster --widget "$w" --theme auto --out "dist/posters/$w.svg"
done

mkdir -p target/reports
gz() { gzip -9 -c "$1" | wc -c; }
gz_sum() { local total=0 f; for f in "$@"; do total=$(( total + $(gz "$f") )); done; echo "$total"; }
# A bundle: its wasm and glue, its stylesheets, and wasm-bindgen's inline JS (the custom element,
# the iframe's height report), which comes as snippets.
bundle() { gz_sum "$1/faultline_bg.wasm" "$1/faultline.js" "$1"/*.css $(find "$1/snippets" -name '*.js' 2>/dev/null); }
{
    echo "Faultline transfer size (gzip -9), toolchain $FAULTLINE_TOOLCHAIN, $(date -u +%Y-%m-%d)"
    echo
    printf '  %-40s %9s %9s %8s\n' "what a page downloads (wasm + js + css)" "gzip" "budget" "verdict"
    row() { # name bytes budget_kb
        local verdict=ok; [ "$2" -le $(( $3 * 1024 )) ] || verdict=OVER
        printf '  %-40s %6d KB %6d KB %8s\n' "$1" $(( $2 / 1024 )) "$3" "$verdict"
    }
    row "landing page (index.html + css)" "$(gz_sum dist/index.html dist/faultline-shell.css)" 120
    for w in $widgets; do
        row "one widget: $w (its page or an embed)" "$(bundle "dist/$w")" 200
    done
    row "every widget in one bundle (all/)" "$(bundle dist/all)" 450
} | tee target/reports/size.txt
