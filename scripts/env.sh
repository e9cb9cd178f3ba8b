# Sourced by the other scripts: picks the Rust toolchain for wasm32 and puts project tools on PATH.
#
# FAULTLINE_TOOLCHAIN=rustup  (default) rustup's toolchain with the wasm32-unknown-unknown target.
# FAULTLINE_TOOLCHAIN=debian  Debian's rustc-web/cargo-web, building std for wasm32 from source
#                             (RUSTC_BOOTSTRAP=1, -Zbuild-std). Chosen automatically when rustup
#                             cannot add the wasm32 target.

FAULTLINE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export FAULTLINE_ROOT
FAULTLINE_TOOLS="$FAULTLINE_ROOT/.tools"
mkdir -p "$FAULTLINE_TOOLS"
# Only the first script in a run sets PATH: a child must not put rustup's cargo back in front
# of the Debian toolchain its parent chose.
if [ -z "${FAULTLINE_ENV_READY:-}" ]; then
    export PATH="$HOME/.cargo/bin:$FAULTLINE_TOOLS/node_modules/.bin:$PATH"
fi

log() { printf '\033[1m[faultline]\033[0m %s\n' "$*" >&2; }

apt_install() {
    # Installs Debian packages that are missing; `apt-get update` only once per script run.
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "apt-get install ${missing[*]}"
    if [ -z "${FAULTLINE_APT_UPDATED:-}" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        export FAULTLINE_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

use_debian_toolchain() {
    apt_install rustc-web cargo-web rust-web-src lld-22
    local bin="$FAULTLINE_TOOLS/debian-toolchain/bin"
    mkdir -p "$bin"
    for tool in cargo rustc rustdoc; do
        ln -sf "/usr/bin/$tool" "$bin/$tool"
    done
    export PATH="$bin:$PATH"
    export RUSTC_BOOTSTRAP=1
    # std for wasm32 is built from rust-web-src; native builds use Debian's prebuilt std.
    export FAULTLINE_WASM_CARGO_ENV="CARGO_UNSTABLE_BUILD_STD=std,panic_abort"
    export CARGO_TARGET_DIR="$FAULTLINE_ROOT/target/debian"
    export FAULTLINE_TOOLCHAIN=debian
    export FAULTLINE_STD_SOURCE=1
}

# A parent script (test.sh → setup.sh) already chose: keep its choice and say nothing.
if [ -n "${FAULTLINE_ENV_READY:-}" ]; then
    :
else
case "${FAULTLINE_TOOLCHAIN:-rustup}" in
    debian)
        log "toolchain: Debian rustc-web (forced by FAULTLINE_TOOLCHAIN=debian)"
        use_debian_toolchain
        ;;
    *)
        if command -v rustup >/dev/null 2>&1 && rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
            export FAULTLINE_TOOLCHAIN=rustup
            export FAULTLINE_WASM_CARGO_ENV=""
            # std's source, for the release bundles' own std (scripts/build.sh); without it
            # they link the prebuilt std and come out larger.
            if rustup component add rust-src >/dev/null 2>&1; then
                export FAULTLINE_STD_SOURCE=1
            else
                log "rustup cannot add rust-src: release bundles link the prebuilt std (larger)"
            fi
        else
            log "rustup cannot add wasm32-unknown-unknown: falling back to Debian's rustc-web"
            use_debian_toolchain
        fi
        ;;
esac
fi

export FAULTLINE_ENV_READY=1

# Runs cargo for the wasm32 target with whatever the chosen toolchain needs.
wasm_cargo() {
    if [ -n "${FAULTLINE_WASM_CARGO_ENV:-}" ]; then
        env "$FAULTLINE_WASM_CARGO_ENV" cargo "$@"
    else
        cargo "$@"
    fi
}
