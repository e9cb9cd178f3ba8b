//! What a view returns: a tree of elements, texts and lists, built by `html!`.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;

use super::callback::Listener;
use super::component::CompNode;

/// A text or attribute value: borrowed for the views' literals, owned otherwise.
pub type AttrValue = Cow<'static, str>;

/// A view's output. Lists keep their place among their siblings even when empty, so an
/// `if` that turns on or off does not shift the nodes after it.
#[derive(Clone, Default)]
pub enum Html {
    #[default]
    Empty,
    Text(AttrValue),
    Element(Box<Element>),
    List(Vec<Html>),
    Component(CompNode),
}

impl Html {
    #[inline(never)]
    pub fn text_static(text: &'static str) -> Html {
        Html::Text(Cow::Borrowed(text))
    }

    /// `{ for iter }`.
    pub fn from_iter_of<T: IntoHtml>(items: impl IntoIterator<Item = T>) -> Html {
        Html::List(items.into_iter().map(IntoHtml::into_html).collect())
    }
}

impl FromIterator<Html> for Html {
    fn from_iter<I: IntoIterator<Item = Html>>(items: I) -> Self {
        Html::List(items.into_iter().collect())
    }
}

/// One element: its tag, attributes, listeners, reference and children.
#[derive(Clone)]
pub struct Element {
    pub(super) tag: &'static str,
    pub(super) attrs: Vec<(&'static str, AttrValue)>,
    pub(super) listeners: Vec<(&'static str, Listener)>,
    pub(super) node_ref: Option<NodeRef>,
    pub(super) children: Vec<Html>,
}

// Never inlined: these calls are what every element of every view expands into.
impl Element {
    #[inline(never)]
    pub fn new(tag: &'static str) -> Self {
        Self { tag, attrs: Vec::new(), listeners: Vec::new(), node_ref: None, children: Vec::new() }
    }

    #[inline(never)]
    pub fn attr_static(&mut self, name: &'static str, value: &'static str) {
        self.attrs.push((name, Cow::Borrowed(value)));
    }

    /// An attribute, or none (a `false` boolean, a `None`, empty classes).
    #[inline(never)]
    pub fn attr(&mut self, name: &'static str, value: Option<AttrValue>) {
        if let Some(value) = value {
            self.attrs.push((name, value));
        }
    }

    #[inline(never)]
    pub fn listen(&mut self, event: &'static str, listener: Option<Listener>) {
        if let Some(listener) = listener {
            self.listeners.push((event, listener));
        }
    }

    #[inline(never)]
    pub fn set_ref(&mut self, node_ref: NodeRef) {
        self.node_ref = Some(node_ref);
    }

    #[inline(never)]
    pub fn child(&mut self, child: Html) {
        self.children.push(child);
    }

    /// A new child element, to fill in place.
    #[inline(never)]
    pub fn open(&mut self, tag: &'static str) -> &mut Element {
        self.children.push(Element::new(tag).into_html());
        match self.children.last_mut() {
            Some(Html::Element(child)) => child,
            _ => unreachable!("the element just pushed"),
        }
    }

    #[inline(never)]
    pub fn text(&mut self, text: &'static str) {
        self.children.push(Html::Text(Cow::Borrowed(text)));
    }

    #[inline(never)]
    pub fn into_html(self) -> Html {
        Html::Element(Box::new(self))
    }
}

/// What `{ … }` among children takes.
pub trait IntoHtml {
    fn into_html(self) -> Html;
}

impl IntoHtml for Html {
    fn into_html(self) -> Html {
        self
    }
}

impl IntoHtml for &Html {
    fn into_html(self) -> Html {
        self.clone()
    }
}

impl IntoHtml for Vec<Html> {
    fn into_html(self) -> Html {
        Html::List(self)
    }
}

impl<T: IntoHtml> IntoHtml for Option<T> {
    fn into_html(self) -> Html {
        self.map_or(Html::Empty, IntoHtml::into_html)
    }
}

impl IntoHtml for String {
    fn into_html(self) -> Html {
        Html::Text(Cow::Owned(self))
    }
}

impl IntoHtml for AttrValue {
    fn into_html(self) -> Html {
        Html::Text(self)
    }
}

macro_rules! text_by_to_string {
    ($($t:ty),*) => { $(impl IntoHtml for $t {
        fn into_html(self) -> Html {
            Html::Text(Cow::Owned(self.to_string()))
        }
    })* };
}
text_by_to_string!(&str, &String, &&str, &AttrValue, char, u8, u16, u32, u64, usize, i32, i64, f64);

/// What an attribute takes: text, a boolean (present or absent), classes or an option.
pub trait IntoAttr {
    fn into_attr(self) -> Option<AttrValue>;
}

impl IntoAttr for AttrValue {
    fn into_attr(self) -> Option<AttrValue> {
        Some(self)
    }
}

impl IntoAttr for String {
    fn into_attr(self) -> Option<AttrValue> {
        Some(Cow::Owned(self))
    }
}

impl IntoAttr for &str {
    fn into_attr(self) -> Option<AttrValue> {
        Some(Cow::Owned(self.to_owned()))
    }
}

impl IntoAttr for &String {
    fn into_attr(self) -> Option<AttrValue> {
        Some(Cow::Owned(self.clone()))
    }
}

impl IntoAttr for &AttrValue {
    fn into_attr(self) -> Option<AttrValue> {
        Some(self.clone())
    }
}

impl IntoAttr for bool {
    fn into_attr(self) -> Option<AttrValue> {
        self.then_some(Cow::Borrowed(""))
    }
}

impl<T: IntoAttr> IntoAttr for Option<T> {
    fn into_attr(self) -> Option<AttrValue> {
        self.and_then(IntoAttr::into_attr)
    }
}

impl IntoAttr for Classes {
    fn into_attr(self) -> Option<AttrValue> {
        (!self.0.is_empty()).then_some(Cow::Owned(self.0))
    }
}

/// Class names, space-separated (see `classes!`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Classes(String);

impl Classes {
    pub fn push(&mut self, class: impl Into<Classes>) {
        let class = class.into();
        if !class.0.is_empty() {
            if !self.0.is_empty() {
                self.0.push(' ');
            }
            self.0.push_str(&class.0);
        }
    }
}

impl From<&str> for Classes {
    fn from(class: &str) -> Self {
        Self(class.trim().to_string())
    }
}

impl From<String> for Classes {
    fn from(class: String) -> Self {
        Self(class)
    }
}

impl From<&String> for Classes {
    fn from(class: &String) -> Self {
        Self(class.clone())
    }
}

impl<T: Into<Classes>> From<Option<T>> for Classes {
    fn from(class: Option<T>) -> Self {
        class.map_or_else(Classes::default, Into::into)
    }
}

/// The element an `html!` `ref={…}` names, once it is on the page.
#[derive(Clone, Default)]
pub struct NodeRef(Rc<RefCell<Option<web_sys::Element>>>);

impl PartialEq for NodeRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for NodeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NodeRef")
    }
}

impl NodeRef {
    pub fn cast<T: JsCast>(&self) -> Option<T> {
        self.0.borrow().clone().and_then(|el| el.dyn_into().ok())
    }

    pub(super) fn set(&self, el: Option<web_sys::Element>) {
        *self.0.borrow_mut() = el;
    }
}
