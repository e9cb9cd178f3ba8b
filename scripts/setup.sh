#!/usr/bin/env bash
# Installs whatever Faultline needs and is missing. Safe to run again: it skips what is there.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$FAULTLINE_ROOT"

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
# mdBook for the test book (tests/mdbook, built by test.sh); mdbook-faultline speaks its 0.5 protocol.
MDBOOK_VERSION=0.5.4

# The wasm-bindgen CLI must be exactly the version Cargo.lock pins for the library.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

install_trunk() {
    if trunk --version 2>/dev/null | grep -q "trunk $TRUNK_VERSION"; then return 0; fi
    log "cargo install trunk $TRUNK_VERSION (takes 15-20 minutes on 2 cores, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
}

install_wasm_bindgen() {
    local want; want=$(wasm_bindgen_version)
    if wasm-bindgen --version 2>/dev/null | grep -q "wasm-bindgen $want"; then return 0; fi
    log "cargo install wasm-bindgen-cli $want"
    # Not --locked: one of its locked dependencies is not on the registry any more.
    cargo install wasm-bindgen-cli --version "$want" --force
}

install_mdbook() {
    if mdbook --version 2>/dev/null | grep -q "mdbook v$MDBOOK_VERSION"; then return 0; fi
    # Without the default `serve` and `watch` features (a web server and a file watcher the
    # test book does not need): about 7 minutes on 2 cores, once.
    log "cargo install mdbook $MDBOOK_VERSION"
    cargo install mdbook --version "$MDBOOK_VERSION" --locked --no-default-features --features search
}

install_node_tools() {
    # wasm-opt from npm's binaryen (Debian's is too old) and playwright-core, project-local.
    if [ -x "$FAULTLINE_TOOLS/node_modules/.bin/wasm-opt" ] && [ -d "$FAULTLINE_TOOLS/node_modules/playwright-core" ]; then
        return 0
    fi
    log "npm install binaryen@$BINARYEN_VERSION playwright-core (browser downloads disabled)"
    cp tests/e2e/package.json "$FAULTLINE_TOOLS/package.json"
    [ -f tests/e2e/package-lock.json ] && cp tests/e2e/package-lock.json "$FAULTLINE_TOOLS/package-lock.json"
    (cd "$FAULTLINE_TOOLS" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error)
}

# A C toolchain for crates with build scripts, Node for wasm-opt and the page tests, and the
# browser: present on these machines' images, installed here when they are not.
command -v cc >/dev/null 2>&1 || apt_install gcc libc6-dev
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
apt_install chromium chromium-driver gzip
install_trunk
install_wasm_bindgen
install_mdbook
install_node_tools
# Trunk builds with `cargo --offline`: download every target's dependencies (wasm32 too) first.
cargo fetch --quiet
# The release bundles build std from its source (scripts/build.sh), also offline: std's own
# dependencies, from its lock file.
if [ -n "${FAULTLINE_STD_SOURCE:-}" ]; then
    RUSTC_BOOTSTRAP=1 cargo fetch --quiet --manifest-path "$(rustc --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
fi
log "tools ready: $(trunk --version), $(wasm-bindgen --version), $(mdbook --version), wasm-opt $(wasm-opt --version | head -1), $(chromium --version 2>/dev/null | head -1), toolchain $FAULTLINE_TOOLCHAIN ($(cargo --version))"
