#!/usr/bin/env bash
# Release build of the site into dist/ (Trunk, offline, wasm-opt -Oz) and its size report.
#
# The site, from the registry (`faultline widgets`), so a new widget needs no edit here:
#   dist/index.html          the landing page: static HTML from `faultline site landing`, no wasm
#   dist/WIDGET/             each widget's page and its bundle, with that widget alone
#   dist/all/                one bundle with every widget, for pages that embed several kinds
#   dist/demo.html           the embedding demo (loads all/)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$FAULTLINE_ROOT"

trunk_build() { # dir features html
    if [ -n "${FAULTLINE_WASM_CARGO_ENV:-}" ]; then
        env "$FAULTLINE_WASM_CARGO_ENV" trunk build --release --offline --dist "$1" --public-url ./ "$3"
    else
        trunk build --release --offline --dist "$1" --public-url ./ "$3"
    fi
}

# A bundle's page: the shared stylesheet, the binary with `features`, and the playground mount.
page() { # features title
    local cargo_features='data-cargo-all-features'
    [ "$1" = all ] || cargo_features="data-cargo-no-default-features data-cargo-features=\"$1\""
    cat <<HTML
<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 viewBox=%220 0 16 16%22%3E%3Cpath d=%22M1 9h4l2-6 2 10 2-4h4%22 fill=%22none%22 stroke=%22%230072B2%22 stroke-width=%222%22/%3E%3C/svg%3E" />
    <title>$2 — Faultline</title>
    <link data-trunk rel="css" href="../../static/faultline.css" />
    <link data-trunk rel="rust" href="../../Cargo.toml" data-bin="faultline" data-wasm-opt="z" data-type="main" $cargo_features />
</head>
<body class="fl-page">
    <div data-faultline="playground">
        <noscript>Faultline needs JavaScript and WebAssembly to run its simulations.</noscript>
    </div>
</body>
</html>
HTML
}

cargo build --quiet --bin faultline
faultline=target/debug/faultline
[ -n "${CARGO_TARGET_DIR:-}" ] && faultline="$CARGO_TARGET_DIR/debug/faultline"
widgets=$("$faultline" widgets)
rm -rf dist && mkdir -p dist target/bundles
for w in $widgets all; do
    title=$w; [ "$w" = all ] && title="All widgets"
    page "$w" "$title" > "target/bundles/$w.html"
    trunk_build "dist/$w" "$w" "target/bundles/$w.html"
done
rm -f dist/all/index.html
"$faultline" site landing > dist/index.html
cp static/faultline.css static/demo.html dist/

mkdir -p target/reports
gz() { gzip -9 -c "$1" | wc -c; }
bundle() { echo $(( $(gz "$1/faultline_bg.wasm") + $(gz "$1/faultline.js") + $(gz "$1/faultline.css") )); }
{
    echo "Faultline transfer size (gzip -9), toolchain $FAULTLINE_TOOLCHAIN, $(date -u +%Y-%m-%d)"
    echo
    printf '  %-40s %9s %9s %8s\n' "what a page downloads (wasm + js + css)" "gzip" "budget" "verdict"
    row() { # name bytes budget_kb
        local verdict=ok; [ "$2" -le $(( $3 * 1024 )) ] || verdict=OVER
        printf '  %-40s %6d KB %6d KB %8s\n' "$1" $(( $2 / 1024 )) "$3" "$verdict"
    }
    row "landing page (index.html + css)" $(( $(gz dist/index.html) + $(gz dist/faultline.css) )) 120
    for w in $widgets; do
        row "one widget: $w (its page or an embed)" "$(bundle "dist/$w")" 200
    done
    row "every widget in one bundle (all/)" "$(bundle dist/all)" 450
} | tee target/reports/size.txt
