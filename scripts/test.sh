#!/usr/bin/env bash
# Installs whatever is missing, then runs every test: native unit/property/golden tests, the
# CLI, determinism and component tests in headless Chromium (wasm-bindgen-test), a release
# build of the site with its size report, and page tests (Playwright + Debian Chromium).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$FAULTLINE_ROOT"
"$FAULTLINE_ROOT/scripts/setup.sh"

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

if [ "$FAULTLINE_TOOLCHAIN" = rustup ]; then
    step "gates: cargo fmt --check and clippy (native, and the browser shell for wasm32)"
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
    wasm_cargo clippy --target wasm32-unknown-unknown --bin faultline -- -D warnings
else
    # Debian's toolchain has no current clippy (rust-clippy is 1.63): the gates belong to rustup.
    step "gates skipped on toolchain $FAULTLINE_TOOLCHAIN (they run with rustup's fmt and clippy)"
fi

step "native tests (core + CLI)"
cargo test --workspace

step "browser tests: the same core inside headless Chromium (wasm-bindgen-test)"
export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=300
wasm_cargo test --target wasm32-unknown-unknown --test determinism_wasm --test components_wasm --test renderer_wasm

step "release build of the playground"
"$FAULTLINE_ROOT/scripts/build.sh"

step "the mdBook test book: tests/mdbook through mdbook-faultline into target/mdbook-book (docs/mdbook.md)"
cargo build --quiet -p mdbook-faultline
PATH="${CARGO_TARGET_DIR:-$FAULTLINE_ROOT/target}/debug:$PATH" mdbook build tests/mdbook --dest-dir "$FAULTLINE_ROOT/target/mdbook-book"

step "page tests (Playwright driving Debian Chromium)"
node --test tests/e2e/

step "all green on toolchain $FAULTLINE_TOOLCHAIN; screenshots in target/screenshots, size report in target/reports/size.txt"
