//! What is on the page for a view's last `Html`, and the diff that brings it to the next one.
//! Children are matched by position (lists count as one place each, even when empty), as
//! Yew does for unkeyed children.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Node};

use super::callback::Listener;
use super::component::Mounted;
use super::node::{AttrValue, Element, Html, NodeRef};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

#[derive(Default)]
pub(super) enum Live {
    #[default]
    Empty,
    Text(web_sys::Text, AttrValue),
    Element(Box<LiveElement>),
    List(Vec<Live>),
    Component(Box<dyn Mounted>, Option<String>),
}

pub(super) struct LiveElement {
    el: web_sys::Element,
    tag: &'static str,
    attrs: Vec<(&'static str, AttrValue)>,
    listeners: Vec<LiveListener>,
    node_ref: Option<NodeRef>,
    children: Vec<Live>,
}

/// A listener on the page: the closure the DOM holds calls whatever listener the last
/// render put in `current`, so a re-render swaps the function without touching the DOM.
struct LiveListener {
    event: &'static str,
    current: Rc<RefCell<Listener>>,
    closure: Closure<dyn Fn(web_sys::Event)>,
}

impl Drop for LiveElement {
    fn drop(&mut self) {
        // Unless a node that replaced this one holds it now.
        if let Some(r) = self.node_ref.as_ref().filter(|r| r.cast::<web_sys::Element>().as_ref() == Some(&self.el)) {
            r.set(None);
        }
    }
}

fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("a document")
}

/// Where the DOM keeps a value the user can change: there, not in an attribute.
fn is_property(tag: &str, name: &str) -> bool {
    match name {
        "value" => matches!(tag, "input" | "textarea" | "select"),
        "checked" => tag == "input",
        "selected" => tag == "option",
        _ => false,
    }
}

fn set_property(el: &web_sys::Element, name: &str, value: Option<&str>) {
    let js = match name {
        "value" => wasm_bindgen::JsValue::from_str(value.unwrap_or("")),
        _ => wasm_bindgen::JsValue::from_bool(value.is_some()),
    };
    let key = wasm_bindgen::JsValue::from_str(name);
    // Only when it differs: a slider being dragged is not set to what it already shows.
    if js_sys::Reflect::get(el, &key).ok().as_ref() != Some(&js) {
        let _ = js_sys::Reflect::set(el, &key, &js);
    }
}

fn listen(el: &web_sys::Element, event: &'static str, listener: Listener) -> LiveListener {
    let current = Rc::new(RefCell::new(listener));
    let called = current.clone();
    // The listener is cloned out first: calling it may re-render and swap `current`.
    let closure = Closure::<dyn Fn(web_sys::Event)>::new(move |e| {
        let listener = called.borrow().clone();
        listener(e)
    });
    let _ = el.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    LiveListener { event, current, closure }
}

impl Live {
    pub(super) fn first_node(&self) -> Option<Node> {
        match self {
            Live::Empty => None,
            Live::Text(text, _) => Some(text.clone().into()),
            Live::Element(e) => Some(e.el.clone().into()),
            Live::List(items) => items.iter().find_map(Live::first_node),
            Live::Component(c, _) => c.first_node(),
        }
    }

    /// Takes this off the page.
    pub(super) fn remove(self) {
        match self {
            Live::Empty => {}
            Live::Text(text, _) => text.remove(),
            Live::Element(e) => e.el.remove(),
            Live::List(items) => items.into_iter().for_each(Live::remove),
            Live::Component(c, _) => c.detach(),
        }
    }
}

/// Puts `html` on the page in `parent`, before `next` (at the end when `None`).
pub(super) fn create(parent: &Node, next: Option<&Node>, html: Html, svg: bool) -> Live {
    match html {
        Html::Empty => Live::Empty,
        Html::Text(text) => {
            let node = document().create_text_node(&text);
            let _ = parent.insert_before(&node, next);
            Live::Text(node, text)
        }
        Html::List(items) => Live::List(items.into_iter().map(|item| create(parent, next, item, svg)).collect()),
        Html::Component(c) => {
            let key = c.key.clone();
            Live::Component((c.mount)(parent, next), key)
        }
        Html::Element(e) => Live::Element(Box::new(create_element(parent, next, *e, svg))),
    }
}

#[inline(never)]
fn create_element(parent: &Node, next: Option<&Node>, e: Element, svg: bool) -> LiveElement {
    let svg = svg || e.tag == "svg";
    let doc = document();
    let el = if svg { doc.create_element_ns(Some(SVG_NS), e.tag) } else { doc.create_element(e.tag) }.expect("a valid tag");
    // On the page first, then filled: a component inside renders into the page it is on.
    let _ = parent.insert_before(&el, next);
    // Attributes before properties: a range's `value` would be clamped to a `max` not yet set.
    for (name, value) in e.attrs.iter().filter(|(n, _)| !is_property(e.tag, n)) {
        let _ = el.set_attribute(name, value);
    }
    for (name, value) in e.attrs.iter().filter(|(n, _)| is_property(e.tag, n)) {
        set_property(&el, name, Some(value));
    }
    let listeners = e.listeners.into_iter().map(|(event, l)| listen(&el, event, l)).collect();
    if let Some(r) = &e.node_ref {
        r.set(Some(el.clone()));
    }
    let node: &Node = el.as_ref();
    let children = e.children.into_iter().map(|child| create(node, None, child, svg && e.tag != "foreignObject")).collect();
    LiveElement { el, tag: e.tag, attrs: e.attrs, listeners, node_ref: e.node_ref, children }
}

/// Brings `old` (in `parent`, followed by `next`) to `new`, reusing what it can.
pub(super) fn patch(parent: &Node, next: Option<&Node>, old: Live, new: Html, svg: bool) -> Live {
    match (old, new) {
        (Live::Empty, Html::Empty) => Live::Empty,
        (Live::Text(node, was), Html::Text(text)) => {
            if was != text {
                node.set_data(&text);
            }
            Live::Text(node, text)
        }
        (Live::Element(mut live), Html::Element(e)) if live.tag == e.tag => {
            patch_element(&mut live, *e, svg);
            Live::Element(live)
        }
        (Live::List(items), Html::List(news)) => Live::List(patch_list(parent, next, items, news, svg)),
        // The same component stays, with its state (a key tells two of them apart).
        (Live::Component(c, key), Html::Component(n)) if key == n.key => Live::Component(c, key),
        (old, new) => {
            let at = old.first_node().or_else(|| next.cloned());
            let live = create(parent, at.as_ref(), new, svg);
            old.remove();
            live
        }
    }
}

/// Patches place by place from the last, so that each new node knows the one after it.
fn patch_list(parent: &Node, next: Option<&Node>, mut olds: Vec<Live>, mut news: Vec<Html>, svg: bool) -> Vec<Live> {
    while olds.len() > news.len() {
        olds.pop().expect("longer than news").remove();
    }
    let mut out = Vec::with_capacity(news.len());
    let mut next = next.cloned();
    while let Some(new) = news.pop() {
        let live = if olds.len() > news.len() {
            patch(parent, next.as_ref(), olds.pop().expect("one per place"), new, svg)
        } else {
            create(parent, next.as_ref(), new, svg)
        };
        next = live.first_node().or(next);
        out.push(live);
    }
    out.reverse();
    out
}

#[inline(never)]
fn patch_element(live: &mut LiveElement, e: Element, svg: bool) {
    let svg = svg || e.tag == "svg";
    let el = &live.el;
    for (name, value) in e.attrs.iter().filter(|(n, _)| !is_property(e.tag, n)) {
        if live.attrs.iter().find(|(n, _)| n == name).is_none_or(|(_, was)| was != value) {
            let _ = el.set_attribute(name, value);
        }
    }
    for (name, _) in &live.attrs {
        if !e.attrs.iter().any(|(n, _)| n == name) {
            if is_property(e.tag, name) {
                set_property(el, name, None);
            }
            let _ = el.remove_attribute(name);
        }
    }
    // A property is set when the view's value changed, as Yew does: a field being typed in
    // while the run plays is not reset to the value it had before the typing at every frame.
    for (name, value) in e.attrs.iter().filter(|(n, _)| is_property(e.tag, n)) {
        if live.attrs.iter().find(|(n, _)| n == name).is_none_or(|(_, was)| was != value) {
            set_property(el, name, Some(value));
        }
    }
    live.attrs = e.attrs;
    let same_events = live.listeners.len() == e.listeners.len() && live.listeners.iter().zip(&e.listeners).all(|(l, (event, _))| l.event == *event);
    if same_events {
        for (l, (_, listener)) in live.listeners.iter().zip(e.listeners) {
            *l.current.borrow_mut() = listener;
        }
    } else {
        for l in live.listeners.drain(..) {
            let _ = el.remove_event_listener_with_callback(l.event, l.closure.as_ref().unchecked_ref());
        }
        live.listeners = e.listeners.into_iter().map(|(event, l)| listen(el, event, l)).collect();
    }
    if live.node_ref != e.node_ref {
        if let Some(r) = &live.node_ref {
            r.set(None);
        }
        if let Some(r) = &e.node_ref {
            r.set(Some(el.clone()));
        }
        live.node_ref = e.node_ref;
    }
    let node: Node = el.clone().into();
    let children = std::mem::take(&mut live.children);
    live.children = patch_list(&node, None, children, e.children, svg && e.tag != "foreignObject");
}
