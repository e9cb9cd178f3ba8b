//! One binary, two faces: natively it is the `faultline` CLI (headless runs, JSON reports);
//! built for wasm32 by Trunk it is the browser playground. Both drive `faultline-core`.

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    std::process::exit(faultline::cli::main());
    #[cfg(target_arch = "wasm32")]
    faultline::web::start();
}
