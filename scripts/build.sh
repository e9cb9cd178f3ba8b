#!/usr/bin/env bash
# Release build of the site into dist/ (Trunk, offline, wasm-opt -Oz) and its size report.
#
# Bundles: dist/ holds the playground with every widget (index.html, demo.html); dist/embed/NAME/
# holds one bundle per widget, for pages that embed that widget alone. The widget list comes
# from the registry (`faultline widgets`), so a new widget gets its bundle without an edit here.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$FAULTLINE_ROOT"

trunk_build() {
    if [ -n "${FAULTLINE_WASM_CARGO_ENV:-}" ]; then
        env "$FAULTLINE_WASM_CARGO_ENV" trunk build --release --offline "$@"
    else
        trunk build --release --offline "$@"
    fi
}

trunk_build
widgets=$(cargo run --quiet --bin faultline -- widgets)
mkdir -p target/bundles
for w in $widgets; do
    # A page with nothing but the bundle: Trunk compiles the binary with this widget's feature only.
    cat > "target/bundles/$w.html" <<HTML
<!DOCTYPE html>
<html><head>
<link data-trunk rel="rust" href="../../Cargo.toml" data-bin="faultline" data-wasm-opt="z" data-type="main" data-cargo-no-default-features data-cargo-features="$w" />
</head><body></body></html>
HTML
    trunk_build --dist "dist/embed/$w" --public-url ./ "target/bundles/$w.html"
    rm -f "dist/embed/$w/index.html"
done

mkdir -p target/reports
gz() { gzip -9 -c "$1" | wc -c; }
bundle_size() { # dir → gzip bytes of its wasm + js
    echo $(( $(gz "$1/faultline_bg.wasm") + $(gz "$1/faultline.js") ))
}
{
    echo "Faultline transfer size (gzip -9), toolchain $FAULTLINE_TOOLCHAIN, $(date -u +%Y-%m-%d)"
    echo
    printf '  %-34s %10s %10s %8s\n' "bundle (wasm + js)" "gzip" "budget" "verdict"
    css=$(gz dist/faultline.css)
    row() { # name bytes budget_kb
        local verdict=ok; [ "$2" -le $(( $3 * 1024 )) ] || verdict=OVER
        printf '  %-34s %7d KB %7d KB %8s\n' "$1" $(( $2 / 1024 )) "$3" "$verdict"
    }
    for w in $widgets; do
        row "one embedded widget: $w (+css)" $(( $(bundle_size "dist/embed/$w") + css )) 200
    done
    all=$(( $(bundle_size dist) + css ))
    row "playground, all widgets (+css)" "$all" 450
    echo
    echo "  The playground's landing page loads the all-widgets bundle today ($(( all / 1024 )) KB against a 120 KB budget)."
    echo "  css alone: $(( css / 1024 )) KB gzip; every bundle above includes it."
} | tee target/reports/size.txt
