//! One binary, two faces: natively it is the `faultline` CLI (headless runs, JSON reports);
//! built for wasm32 by Trunk it is the browser playground. Both drive `faultline-core`.

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(target_arch = "wasm32")]
mod web;

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    std::process::exit(cli::main());
    #[cfg(target_arch = "wasm32")]
    web::start();
}
