//! Callbacks: what views pass around, and the listeners the DOM calls.

use std::rc::Rc;

use wasm_bindgen::JsCast;

/// A shared function of one value, compared by identity.
pub struct Callback<IN>(Rc<dyn Fn(IN)>);

impl<IN> Clone for Callback<IN> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<IN> PartialEq for Callback<IN> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<IN> std::fmt::Debug for Callback<IN> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Callback")
    }
}

impl<IN: 'static> Default for Callback<IN> {
    fn default() -> Self {
        Self::from(|_| ())
    }
}

impl<IN, F: Fn(IN) + 'static> From<F> for Callback<IN> {
    fn from(f: F) -> Self {
        Self(Rc::new(f))
    }
}

impl<IN: 'static> Callback<IN> {
    pub fn emit(&self, value: IN) {
        (self.0)(value)
    }

    /// A callback of `T` that maps each value through `f` and emits the result here.
    pub fn reform<T, F: Fn(T) -> IN + 'static>(&self, f: F) -> Callback<T> {
        let me = self.clone();
        Callback::from(move |value| me.emit(f(value)))
    }
}

/// What the DOM calls for one event on one element.
pub type Listener = Rc<dyn Fn(web_sys::Event)>;

/// What an `on…={…}` attribute takes: a callback of its event type, a closure, or an option.
pub trait IntoListener<E> {
    fn into_listener(self) -> Option<Listener>;
}

impl<E: JsCast + 'static> IntoListener<E> for Callback<E> {
    fn into_listener(self) -> Option<Listener> {
        Some(Rc::new(move |e: web_sys::Event| self.emit(e.unchecked_into())))
    }
}

impl<E: JsCast + 'static> IntoListener<E> for &Callback<E> {
    fn into_listener(self) -> Option<Listener> {
        self.clone().into_listener()
    }
}

impl<E: JsCast + 'static, F: Fn(E) + 'static> IntoListener<E> for F {
    fn into_listener(self) -> Option<Listener> {
        Some(Rc::new(move |e: web_sys::Event| self(e.unchecked_into())))
    }
}

impl<E, T: IntoListener<E>> IntoListener<E> for Option<T> {
    fn into_listener(self) -> Option<Listener> {
        self.and_then(IntoListener::into_listener)
    }
}

/// The element an event happened on, as the type the view knows it is.
pub trait TargetCast {
    fn target_unchecked_into<T: JsCast>(&self) -> T;
}

impl<E: AsRef<web_sys::Event>> TargetCast for E {
    fn target_unchecked_into<T: JsCast>(&self) -> T {
        self.as_ref().target().expect("an event has a target").unchecked_into()
    }
}
