//! Component tests in the browser: widgets mounted the way a doc page mounts them.

#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn add_host(id: &str, attrs: &[(&str, &str)]) -> web_sys::Element {
    let el = document().create_element("div").unwrap();
    el.set_id(id);
    for (k, v) in attrs {
        el.set_attribute(k, v).unwrap();
    }
    document().body().unwrap().append_child(&el).unwrap();
    el
}

fn text(scope: &web_sys::Element, selector: &str) -> String {
    scope.query_selector(selector).unwrap().map(|e| e.text_content().unwrap_or_default()).unwrap_or_default()
}

async fn settle() {
    TimeoutFuture::new(60).await;
}

#[wasm_bindgen_test]
async fn a_widget_mounts_into_its_element_and_leaves_the_rest_of_the_page_alone() {
    let before = document().body().unwrap().child_element_count();
    let host = add_host("w1", &[("data-faultline", "breaker"), ("data-preset", "breaker-outage")]);
    faultline::web::mount_all();
    settle().await;
    assert!(host.query_selector(".fl-widget").unwrap().is_some(), "rendered inside its host");
    assert_eq!(document().body().unwrap().child_element_count(), before + 1, "nothing added outside the host");
    assert!(text(&host, ".fl-time").starts_with("0.00 s / 60.00 s"), "{}", text(&host, ".fl-time"));
    assert!(text(&host, "h2").contains("Circuit breaker"));
    // Mounting again does not mount twice.
    faultline::web::mount_all();
    settle().await;
    assert_eq!(host.query_selector_all(".fl-widget").unwrap().length(), 1);
}

#[wasm_bindgen_test]
async fn step_button_moves_the_cursor_and_the_log_grows() {
    let host = add_host("w2", &[("data-faultline", "breaker"), ("data-preset", "breaker-outage"), ("data-seed", "99"), ("data-log", "on")]);
    faultline::web::mount_all();
    settle().await;
    let step: web_sys::HtmlElement = host.query_selector("button[aria-label='Step forward']").unwrap().unwrap().dyn_into().unwrap();
    for _ in 0..5 {
        step.click();
    }
    settle().await;
    // The scrubber's spoken value is exact (the readout rounds to the duration's unit).
    let now = host.query_selector(".fl-scrub").unwrap().unwrap().get_attribute("aria-valuetext").unwrap_or_default();
    assert!(!now.starts_with("0 µs"), "{now}");
    assert!(host.query_selector_all(".fl-log-lines li").unwrap().length() > 0);
    let seed: web_sys::HtmlInputElement = host.query_selector(".fl-seed").unwrap().unwrap().dyn_into().unwrap();
    assert_eq!(seed.value(), "99", "data-seed overrides the preset's seed");
}

#[wasm_bindgen_test]
async fn a_bad_attribute_shows_an_error_naming_it_instead_of_panicking() {
    let host = add_host("w3", &[("data-faultline", "breaker"), ("data-timeout-ms", "-4")]);
    faultline::web::mount_all();
    settle().await;
    let error = text(&host, ".fl-error");
    assert!(error.contains("timeout_ms"), "{error}");
    let unknown = add_host("w4", &[("data-faultline", "no-such-widget")]);
    faultline::web::mount_all();
    settle().await;
    assert!(text(&unknown, ".fl-error").contains("unknown widget"));
}
