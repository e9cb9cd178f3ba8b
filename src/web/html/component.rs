//! Stateful components: a reducer (`update`) over messages, a `view` of the state, and a
//! scope that turns events into messages. Messages sent while one is being handled (or while
//! the view renders) wait in a queue; the view renders once after the queue is drained.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use web_sys::Node;

use super::callback::Callback;
use super::live::{create, patch, Live};
use super::node::Html;

pub trait Component: Sized + 'static {
    type Message: 'static;
    type Properties: 'static;

    fn create(ctx: &Context<Self>) -> Self;

    /// Applies one message; `true` renders the view again.
    fn update(&mut self, _ctx: &Context<Self>, _msg: Self::Message) -> bool {
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html;

    /// After each render, once the DOM shows the view.
    fn rendered(&mut self, _ctx: &Context<Self>, _first_render: bool) {}
}

/// A component's properties and its scope.
pub struct Context<C: Component> {
    props: C::Properties,
    link: Scope<C>,
}

impl<C: Component> Context<C> {
    pub fn props(&self) -> &C::Properties {
        &self.props
    }

    pub fn link(&self) -> &Scope<C> {
        &self.link
    }
}

/// Sends a component messages; it does not keep the component alive.
pub struct Scope<C: Component>(Weak<Shared<C>>);

impl<C: Component> Clone for Scope<C> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<C: Component> Scope<C> {
    pub fn send_message(&self, msg: impl Into<C::Message>) {
        if let Some(shared) = self.0.upgrade() {
            shared.queue.borrow_mut().push_back(msg.into());
            shared.run();
        }
    }

    /// A callback that sends the message `f` makes of each value.
    pub fn callback<IN: 'static, M: Into<C::Message>>(&self, f: impl Fn(IN) -> M + 'static) -> Callback<IN> {
        let scope = self.clone();
        Callback::from(move |value| scope.send_message(f(value)))
    }

    /// A callback that sends every message `f` makes of each value, in order.
    pub fn batch_callback<IN: 'static, M: Into<C::Message>>(&self, f: impl Fn(IN) -> Vec<M> + 'static) -> Callback<IN> {
        let scope = self.clone();
        Callback::from(move |value| f(value).into_iter().for_each(|msg| scope.send_message(msg)))
    }
}

struct Shared<C: Component> {
    ctx: Context<C>,
    state: RefCell<Option<C>>,
    queue: RefCell<VecDeque<C::Message>>,
    busy: Cell<bool>,
    live: RefCell<Live>,
    /// An empty text node after the component's nodes: where a re-render puts them.
    anchor: web_sys::Text,
}

impl<C: Component> Shared<C> {
    /// Handles every queued message, then renders if one asked to.
    fn run(&self) {
        if self.busy.replace(true) {
            return;
        }
        loop {
            let mut dirty = false;
            while let Some(msg) = self.queue.borrow_mut().pop_front() {
                let mut state = self.state.borrow_mut();
                let Some(state) = state.as_mut() else { break };
                dirty |= state.update(&self.ctx, msg);
            }
            if dirty {
                self.render(false);
            }
            if self.queue.borrow().is_empty() {
                break;
            }
        }
        self.busy.set(false);
    }

    fn render(&self, first: bool) {
        let html = match self.state.borrow().as_ref() {
            Some(state) => state.view(&self.ctx),
            None => return,
        };
        let Some(parent) = self.anchor.parent_node() else { return };
        let anchor: &Node = self.anchor.as_ref();
        let old = self.live.take();
        *self.live.borrow_mut() = if first { create(&parent, Some(anchor), html, false) } else { patch(&parent, Some(anchor), old, html, false) };
        if let Some(state) = self.state.borrow_mut().as_mut() {
            state.rendered(&self.ctx, first);
        }
    }
}

/// A component on the page, as the tree that holds it sees it.
pub(super) trait Mounted {
    fn first_node(&self) -> Option<Node>;
    /// Takes its nodes off the page and drops its state (its timers with it).
    fn detach(&self);
}

impl<C: Component> Mounted for Rc<Shared<C>> {
    fn first_node(&self) -> Option<Node> {
        self.live.borrow().first_node().or_else(|| Some(self.anchor.clone().into()))
    }

    fn detach(&self) {
        self.live.take().remove();
        self.anchor.remove();
        if let Ok(mut state) = self.state.try_borrow_mut() {
            state.take();
        }
    }
}

/// A component in a view: how to mount it, and the key that tells it from another.
#[derive(Clone)]
pub struct CompNode {
    pub(super) key: Option<String>,
    pub(super) mount: Rc<MountFn>,
}

/// Mounts a component in a parent, before a node (at the end when `None`).
type MountFn = dyn Fn(&Node, Option<&Node>) -> Box<dyn Mounted>;

impl Html {
    /// Component `C` with `props`. Where the last render had a component with the same key,
    /// that one stays, with its state.
    pub fn component<C: Component>(key: Option<String>, props: C::Properties) -> Html
    where
        C::Properties: Clone,
    {
        let mount = Rc::new(move |parent: &Node, next: Option<&Node>| Box::new(mount_in::<C>(parent, next, props.clone())) as Box<dyn Mounted>);
        Html::Component(CompNode { key, mount })
    }
}

fn mount_in<C: Component>(parent: &Node, next: Option<&Node>, props: C::Properties) -> Rc<Shared<C>> {
    let anchor = web_sys::window().and_then(|w| w.document()).expect("a document").create_text_node("");
    let _ = parent.insert_before(&anchor, next);
    let shared = Rc::new_cyclic(|weak| Shared {
        ctx: Context { props, link: Scope(weak.clone()) },
        state: RefCell::new(None),
        queue: RefCell::new(VecDeque::new()),
        busy: Cell::new(true),
        live: RefCell::new(Live::Empty),
        anchor,
    });
    let state = C::create(&shared.ctx);
    *shared.state.borrow_mut() = Some(state);
    shared.render(true);
    shared.busy.set(false);
    shared.run();
    shared
}

/// Mounts component `C` as the only content of `root`, for the life of the page.
pub fn mount<C: Component>(root: &web_sys::Element, props: C::Properties) {
    root.set_inner_html("");
    let shared = mount_in::<C>(root.as_ref(), None, props);
    std::mem::forget(shared);
}

/// Shows `html` as the only content of `root`, for the life of the page.
pub fn mount_html(root: &web_sys::Element, html: Html) {
    root.set_inner_html("");
    let live = create(root.as_ref(), None, html, false);
    std::mem::forget(live);
}
