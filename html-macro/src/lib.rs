//! `html!`: the element syntax of Yew's macro (the subset Faultline's views use), expanded
//! into calls on `faultline::web::html`'s builder. Each element becomes a handful of calls on
//! non-generic, never-inlined functions, where Yew's expansion builds its virtual DOM inline:
//! that expansion was most of the wasm's view code (measured: docs/architecture.md).
//!
//! Grammar: `<tag attr="lit" attr={expr} {shorthand} ref={r}>children</tag>`, `<tag/>`,
//! `<>children</>`, `<Component prop={expr} />` or `<Component ..props />` (a function taking
//! `&ComponentProps`), `{ expr }`, `{ for iter }`, `"text"`, and `if` / `if let` / `else` with
//! children in their braces.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{braced, Block, Expr, Ident, LitStr, Pat, Result, Token};

/// Yew's `html!`, expanded into the builder of `faultline::web::html`.
#[proc_macro]
pub fn html(input: TokenStream) -> TokenStream {
    match syn::parse::<Nodes>(input) {
        Ok(nodes) => nodes.expand_one().into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Marks a function component: a function of `&Props` named like a type, which `html!`
/// calls for `<Name …/>`.
#[proc_macro_attribute]
pub fn function_component(_args: TokenStream, item: TokenStream) -> TokenStream {
    let item = Tokens::from(item);
    quote!( #[allow(non_snake_case)] #item ).into()
}

struct Nodes(Vec<Node>);

enum Node {
    Element(Element),
    Fragment(Nodes),
    Component { name: syn::Path, props: ComponentProps },
    Text(LitStr),
    Expr(Tokens),
    For(Tokens),
    If(If),
}

enum ComponentProps {
    Spread(Expr),
    Fields(Vec<(Ident, Tokens)>),
}

struct Element {
    tag: String,
    span: Span,
    attrs: Vec<Attr>,
    children: Nodes,
}

enum AttrValue {
    Static(LitStr),
    Expr(Tokens),
}

struct Attr {
    name: String,
    span: Span,
    value: AttrValue,
}

struct If {
    cond: Tokens,
    then: Nodes,
    otherwise: Option<Box<Node>>,
}

/// A name with dashes (`aria-label`, `text-anchor`) or a keyword (`type`, `for`, `ref`).
fn dashed_name(input: ParseStream) -> Result<(String, Span)> {
    let first = Ident::parse_any(input)?;
    let span = first.span();
    let mut name = first.to_string();
    while input.peek(Token![-]) {
        input.parse::<Token![-]>()?;
        name.push('-');
        name.push_str(&Ident::parse_any(input)?.to_string());
    }
    Ok((name, span))
}

fn block_tokens(input: ParseStream) -> Result<Tokens> {
    let content;
    braced!(content in input);
    let stmts = content.call(Block::parse_within)?;
    Ok(quote!({ #(#stmts)* }))
}

impl Parse for Nodes {
    fn parse(input: ParseStream) -> Result<Self> {
        let mut nodes = Vec::new();
        let closing = |input: ParseStream| input.peek(Token![<]) && input.peek2(Token![/]);
        while !input.is_empty() && !closing(input) {
            nodes.push(input.parse()?);
        }
        Ok(Nodes(nodes))
    }
}

impl Parse for Node {
    fn parse(input: ParseStream) -> Result<Self> {
        if input.peek(LitStr) {
            return Ok(Node::Text(input.parse()?));
        }
        if input.peek(Token![if]) {
            return Ok(Node::If(input.parse()?));
        }
        if input.peek(syn::token::Brace) {
            let content;
            braced!(content in input);
            if content.peek(Token![for]) {
                content.parse::<Token![for]>()?;
                let iter: Expr = content.parse()?;
                return Ok(Node::For(quote!(#iter)));
            }
            // `{"text"}`: a literal needs no copy.
            if content.peek(LitStr) {
                let fork = content.fork();
                let lit: LitStr = fork.parse()?;
                if fork.is_empty() {
                    content.parse::<LitStr>()?;
                    return Ok(Node::Text(lit));
                }
            }
            let stmts = content.call(Block::parse_within)?;
            return Ok(Node::Expr(quote!({ #(#stmts)* })));
        }
        input.parse::<Token![<]>()?;
        if input.peek(Token![>]) {
            input.parse::<Token![>]>()?;
            let children: Nodes = input.parse()?;
            input.parse::<Token![<]>()?;
            input.parse::<Token![/]>()?;
            input.parse::<Token![>]>()?;
            return Ok(Node::Fragment(children));
        }
        let is_component = input.fork().parse::<Ident>().is_ok_and(|i| i.to_string().starts_with(char::is_uppercase));
        if is_component {
            let name: syn::Path = input.parse()?;
            let props = if input.peek(Token![..]) {
                input.parse::<Token![..]>()?;
                // Up to the closing `/>` (a plain `Expr` would read `props / >` as a division).
                let mut tokens = Tokens::new();
                while !(input.peek(Token![/]) && input.peek2(Token![>])) {
                    tokens.extend([input.parse::<proc_macro2::TokenTree>()?]);
                }
                ComponentProps::Spread(syn::parse2(tokens)?)
            } else {
                let mut fields = Vec::new();
                while !input.peek(Token![/]) {
                    if input.peek(syn::token::Brace) {
                        let content;
                        braced!(content in input);
                        let name: Ident = content.parse()?;
                        fields.push((name.clone(), quote!(#name)));
                    } else {
                        let name: Ident = input.parse()?;
                        input.parse::<Token![=]>()?;
                        let value = if input.peek(LitStr) {
                            let lit: LitStr = input.parse()?;
                            quote!(#lit)
                        } else {
                            block_tokens(input)?
                        };
                        fields.push((name, value));
                    }
                }
                ComponentProps::Fields(fields)
            };
            input.parse::<Token![/]>()?;
            input.parse::<Token![>]>()?;
            return Ok(Node::Component { name, props });
        }
        let (tag, span) = dashed_name(input)?;
        let mut attrs = Vec::new();
        while !input.peek(Token![>]) && !input.peek(Token![/]) {
            attrs.push(input.parse()?);
        }
        if input.peek(Token![/]) {
            input.parse::<Token![/]>()?;
            input.parse::<Token![>]>()?;
            return Ok(Node::Element(Element { tag, span, attrs, children: Nodes(Vec::new()) }));
        }
        input.parse::<Token![>]>()?;
        let children: Nodes = input.parse()?;
        input.parse::<Token![<]>()?;
        input.parse::<Token![/]>()?;
        let (close, close_span) = dashed_name(input)?;
        if close != tag {
            return Err(syn::Error::new(close_span, format!("this closes <{tag}> with </{close}>")));
        }
        input.parse::<Token![>]>()?;
        Ok(Node::Element(Element { tag, span, attrs, children }))
    }
}

impl Parse for Attr {
    fn parse(input: ParseStream) -> Result<Self> {
        if input.peek(syn::token::Brace) {
            let content;
            braced!(content in input);
            let name: Ident = content.parse()?;
            return Ok(Attr { name: name.to_string(), span: name.span(), value: AttrValue::Expr(quote!(#name)) });
        }
        let (name, span) = dashed_name(input)?;
        input.parse::<Token![=]>()?;
        let value = if input.peek(LitStr) {
            AttrValue::Static(input.parse()?)
        } else if input.peek(syn::token::Brace) {
            AttrValue::Expr(block_tokens(input)?)
        } else {
            // `open=true`, `rows=12`: a literal other than a string.
            let lit: syn::Lit = input.parse()?;
            AttrValue::Expr(quote!(#lit))
        };
        Ok(Attr { name, span, value })
    }
}

impl Parse for If {
    fn parse(input: ParseStream) -> Result<Self> {
        input.parse::<Token![if]>()?;
        let cond = if input.peek(Token![let]) {
            input.parse::<Token![let]>()?;
            let pat = Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<Token![=]>()?;
            let expr = Expr::parse_without_eager_brace(input)?;
            quote!(let #pat = #expr)
        } else {
            let expr = Expr::parse_without_eager_brace(input)?;
            quote!(#expr)
        };
        let content;
        braced!(content in input);
        let then: Nodes = content.parse()?;
        let otherwise = if input.peek(Token![else]) {
            input.parse::<Token![else]>()?;
            if input.peek(Token![if]) {
                Some(Box::new(Node::If(input.parse()?)))
            } else {
                let content;
                braced!(content in input);
                Some(Box::new(Node::Fragment(content.parse()?)))
            }
        } else {
            None
        };
        Ok(If { cond, then, otherwise })
    }
}

/// The builder's name: mixed-site, so that no `el` of the view's own is shadowed.
fn builder() -> Ident {
    Ident::new("element", Span::mixed_site())
}

/// The event type Yew gives each listener, so that a `Callback<MouseEvent>` fits `onclick`.
fn event_type(event: &str) -> Tokens {
    let name = match event {
        "click" | "dblclick" | "contextmenu" | "auxclick" => "MouseEvent",
        e if e.starts_with("mouse") => "MouseEvent",
        e if e.starts_with("pointer") => "PointerEvent",
        e if e.starts_with("key") => "KeyboardEvent",
        "focus" | "blur" | "focusin" | "focusout" => "FocusEvent",
        "input" => "InputEvent",
        "wheel" => "WheelEvent",
        _ => "Event",
    };
    let ident = format_ident!("{}", name);
    quote!(::web_sys::#ident)
}

impl Nodes {
    /// The nodes as one `Html`: nothing, the node itself, or a list.
    fn expand_one(&self) -> Tokens {
        match self.0.as_slice() {
            [] => quote!(::faultline::web::html::Html::Empty),
            [one] => one.expand(),
            many => {
                let items = many.iter().map(Node::expand);
                quote!(::faultline::web::html::Html::List(::std::vec![#(#items),*]))
            }
        }
    }
}

impl Node {
    fn expand(&self) -> Tokens {
        match self {
            Node::Text(lit) => quote!(::faultline::web::html::Html::text_static(#lit)),
            Node::Expr(block) => quote!(::faultline::web::html::IntoHtml::into_html(#block)),
            Node::For(iter) => quote!(::faultline::web::html::Html::from_iter_of(#iter)),
            Node::Fragment(nodes) => {
                let items = nodes.0.iter().map(Node::expand);
                quote!(::faultline::web::html::Html::List(::std::vec![#(#items),*]))
            }
            Node::If(i) => i.expand(),
            Node::Component { name, props } => match props {
                ComponentProps::Spread(expr) => quote!(#name(&#expr)),
                ComponentProps::Fields(fields) => {
                    let last = name.segments.last().expect("a component name");
                    let props_type = format_ident!("{}Props", last.ident);
                    let mut path = name.clone();
                    path.segments.last_mut().expect("a component name").ident = props_type;
                    let fields = fields.iter().map(|(n, v)| quote!(#n: ::core::convert::Into::into(#v)));
                    let props = Ident::new("props", Span::mixed_site());
                    quote!({
                        #[allow(clippy::needless_update)]
                        let #props = #path { #(#fields,)* ..::core::default::Default::default() };
                        #name(&#props)
                    })
                }
            },
            Node::Element(e) => e.expand(),
        }
    }
}

impl If {
    fn expand(&self) -> Tokens {
        let cond = &self.cond;
        let then = self.then.expand_one();
        let otherwise = match &self.otherwise {
            Some(node) => node.expand(),
            None => quote!(::faultline::web::html::Html::Empty),
        };
        quote!(if #cond { #then } else { #otherwise })
    }
}

impl Element {
    /// A root element: built, then taken as `Html`.
    fn expand(&self) -> Tokens {
        let tag = LitStr::new(&self.tag, self.span);
        let el = builder();
        let body = self.body(&el);
        quote!({
            let mut #el = ::faultline::web::html::Element::new(#tag);
            #(#body)*
            #el.into_html()
        })
    }

    /// Its attributes and children, as calls on `el`. A child element is opened in place
    /// (`el.open(tag)`), a literal text is one call: no value is built and moved for either.
    fn body(&self, el: &Ident) -> Vec<Tokens> {
        let mut calls = Vec::new();
        for attr in &self.attrs {
            let name = LitStr::new(&attr.name, attr.span);
            let call = match (&attr.value, attr.name.as_str()) {
                (AttrValue::Expr(expr), "ref") => quote_spanned!(attr.span=> #el.set_ref(::core::clone::Clone::clone(&#expr));),
                // Keys order Yew's lists; this builder diffs by position, so a key is dropped.
                (AttrValue::Expr(_) | AttrValue::Static(_), "key") => quote!(),
                (AttrValue::Expr(expr), n) if n.starts_with("on") => {
                    let event = LitStr::new(&n[2..], attr.span);
                    let ty = event_type(&n[2..]);
                    quote_spanned!(attr.span=> #el.listen(#event, ::faultline::web::html::IntoListener::<#ty>::into_listener(#expr));)
                }
                (AttrValue::Static(lit), _) => quote!(#el.attr_static(#name, #lit);),
                (AttrValue::Expr(expr), _) => quote_spanned!(attr.span=> #el.attr(#name, ::faultline::web::html::IntoAttr::into_attr(#expr));),
            };
            calls.push(call);
        }
        for child in &self.children.0 {
            calls.push(match child {
                Node::Element(e) => {
                    let tag = LitStr::new(&e.tag, e.span);
                    let body = e.body(el);
                    quote!({ let #el = #el.open(#tag); #(#body)* })
                }
                Node::Text(lit) => quote!(#el.text(#lit);),
                other => {
                    let child = other.expand();
                    quote!(#el.child(#child);)
                }
            });
        }
        calls
    }
}
