//! The web shell's renderer (`faultline::web::html`) in the browser: what a re-render keeps,
//! changes and removes on the page.

#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use faultline::web::html::prelude::*;
use faultline::web::html::{mount, Scope};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn host() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let el = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&el).unwrap();
    el
}

fn find(root: &web_sys::Element, selector: &str) -> Option<web_sys::Element> {
    root.query_selector(selector).unwrap()
}

/// A counter with a slider, a banner that comes and goes, and a chart in SVG; its scope is
/// handed out so that a test can send it messages.
struct Probe {
    clicks: u32,
    banner: bool,
    level: u32,
    dropped: Rc<Cell<bool>>,
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.dropped.set(true);
    }
}

enum ProbeMsg {
    /// A click on the button that said this count.
    Clicked(u32),
    ToggleBanner,
    Level(u32),
}

#[derive(Clone)]
struct ProbeProps {
    scope: Rc<Cell<Option<Scope<Probe>>>>,
    dropped: Rc<Cell<bool>>,
}

impl Component for Probe {
    type Message = ProbeMsg;
    type Properties = ProbeProps;

    fn create(ctx: &Context<Self>) -> Self {
        ctx.props().scope.set(Some(ctx.link().clone()));
        Self { clicks: 0, banner: false, level: 150, dropped: ctx.props().dropped.clone() }
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: ProbeMsg) -> bool {
        match msg {
            ProbeMsg::Clicked(seen) => self.clicks = seen + 1,
            ProbeMsg::ToggleBanner => self.banner = !self.banner,
            ProbeMsg::Level(level) => self.level = level,
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        // A new closure every render, holding the count it was made with: a stale one
        // would send an old count.
        let clicks = self.clicks;
        let onclick = ctx.link().callback(move |_: MouseEvent| ProbeMsg::Clicked(clicks));
        html! {
            <section class={classes!("probe", self.banner.then_some("with-banner"))}>
                if self.banner { <p class="banner">{"Banner"}</p> }
                <button class="count" {onclick} disabled={self.clicks >= 3}>{ format!("clicked {}", self.clicks) }</button>
                <input class="level" type="range" min="0" max="200" value={self.level.to_string()} />
                <svg viewBox="0 0 10 10"><circle r={self.level.to_string()} /></svg>
            </section>
        }
    }
}

fn mounted() -> (web_sys::Element, Scope<Probe>, Rc<Cell<bool>>) {
    let root = host();
    let scope = Rc::new(Cell::new(None));
    let dropped = Rc::new(Cell::new(false));
    mount::<Probe>(&root, ProbeProps { scope: scope.clone(), dropped: dropped.clone() });
    (root, scope.take().expect("created"), dropped)
}

fn click(el: &web_sys::Element) {
    el.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
}

#[wasm_bindgen_test]
fn a_range_gets_its_value_after_its_bounds() {
    let (root, _scope, _) = mounted();
    let level: web_sys::HtmlInputElement = find(&root, ".level").unwrap().dyn_into().unwrap();
    // Set before `max`, 150 would have been clamped to the default maximum, 100.
    assert_eq!(level.value(), "150");
}

#[wasm_bindgen_test]
fn a_sibling_that_comes_and_goes_does_not_replace_the_nodes_after_it() {
    let (root, scope, _) = mounted();
    let button = find(&root, ".count").unwrap();
    let level = find(&root, ".level").unwrap();
    scope.send_message(ProbeMsg::ToggleBanner);
    assert!(find(&root, ".banner").is_some());
    assert_eq!(find(&root, "section").unwrap().class_name(), "probe with-banner");
    assert!(find(&root, ".count").unwrap().is_same_node(Some(&button)), "the button is the same node");
    assert!(find(&root, ".level").unwrap().is_same_node(Some(&level)), "the slider is the same node");
    scope.send_message(ProbeMsg::ToggleBanner);
    assert!(find(&root, ".banner").is_none());
    assert_eq!(find(&root, "section").unwrap().class_name(), "probe");
    assert!(find(&root, ".count").unwrap().is_same_node(Some(&button)));
}

#[wasm_bindgen_test]
fn clicks_reach_the_newest_listener_and_a_false_boolean_removes_its_attribute() {
    let (root, _scope, _) = mounted();
    let button = find(&root, ".count").unwrap();
    for _ in 0..5 {
        click(&button);
    }
    // Disabled at 3: the last two clicks do nothing.
    assert_eq!(button.text_content().unwrap(), "clicked 3");
    assert!(button.has_attribute("disabled"));
}

#[wasm_bindgen_test]
fn what_the_user_typed_stays_until_the_state_changes_then_follows_it() {
    let (root, scope, _) = mounted();
    let level: web_sys::HtmlInputElement = find(&root, ".level").unwrap().dyn_into().unwrap();
    level.set_value("20");
    // A render that does not change the value (a frame while playing) leaves the field alone.
    scope.send_message(ProbeMsg::ToggleBanner);
    assert_eq!(level.value(), "20");
    scope.send_message(ProbeMsg::Level(40));
    assert_eq!(level.value(), "40");
    assert_eq!(find(&root, "circle").unwrap().get_attribute("r").as_deref(), Some("40"));
}

#[wasm_bindgen_test]
fn svg_is_drawn_in_the_svg_namespace() {
    let (root, _scope, _) = mounted();
    let circle = find(&root, "circle").unwrap();
    assert_eq!(circle.namespace_uri().as_deref(), Some("http://www.w3.org/2000/svg"));
    assert!(circle.dyn_ref::<web_sys::SvgElement>().is_some());
}

/// Shows the probe or a paragraph: the probe leaves with its state.
struct Switch {
    probe: bool,
    props: ProbeProps,
}

impl Component for Switch {
    type Message = ();
    type Properties = (Rc<Cell<Option<Scope<Switch>>>>, ProbeProps);

    fn create(ctx: &Context<Self>) -> Self {
        ctx.props().0.set(Some(ctx.link().clone()));
        Self { probe: true, props: ctx.props().1.clone() }
    }

    fn update(&mut self, _ctx: &Context<Self>, _msg: ()) -> bool {
        self.probe = !self.probe;
        true
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let inner = if self.probe {
            Html::component::<Probe>(None, self.props.clone())
        } else {
            html! { <p class="gone">{"gone"}</p> }
        };
        html! { <div class="switch">{ inner }</div> }
    }
}

#[wasm_bindgen_test]
fn a_component_taken_off_the_page_drops_its_state() {
    let root = host();
    let switch = Rc::new(Cell::new(None));
    let props = ProbeProps { scope: Rc::new(Cell::new(None)), dropped: Rc::new(Cell::new(false)) };
    mount::<Switch>(&root, (switch.clone(), props.clone()));
    assert!(find(&root, ".switch > section.probe").is_some(), "the probe renders in place, no wrapper");
    let switch = switch.take().unwrap();
    switch.send_message(());
    assert!(find(&root, ".probe").is_none());
    assert!(find(&root, ".gone").is_some());
    assert!(props.dropped.get(), "the probe's state was dropped");
}
