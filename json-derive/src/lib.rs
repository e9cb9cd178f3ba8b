//! `#[derive(ToJson)]` and `#[derive(FromJson)]`: the browser's JSON writer and reader for a
//! type that also derives serde's `Serialize` / `Deserialize`, generated from the same
//! `#[serde(...)]` attributes, so each type's JSON shape is written down once.
//!
//! Why not serde in the browser: serde's derived visitors are about a sixth of a widget's wasm
//! (`docs/architecture.md`, "Bundle size"). The code generated here goes through one small
//! value type (`faultline_core::json::Json`) and a handful of generic helpers instead. Natively
//! serde stays (the CLI's errors name the exact field path through `serde_path_to_error`), and
//! `core/tests/json_twin.rs` checks that both write every value byte for byte alike and read
//! alike.
//!
//! The attributes understood are exactly those the project uses; any other is a compile error,
//! so a new one cannot silently mean something different here.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Fields, Ident, LitStr, Path};

#[proc_macro_derive(ToJson, attributes(serde))]
pub fn derive_to_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    to_json(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

#[proc_macro_derive(FromJson, attributes(serde))]
pub fn derive_from_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    from_json(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}

#[derive(Clone, Copy, PartialEq)]
enum RenameRule {
    None,
    SnakeCase,
    ScreamingSnakeCase,
}

impl RenameRule {
    /// serde's rule for a variant name (`SlowLink` → `slow_link`).
    fn variant(self, name: &str) -> String {
        let snake = || {
            let mut out = String::new();
            for (i, c) in name.char_indices() {
                if i > 0 && c.is_uppercase() {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            }
            out
        };
        match self {
            RenameRule::None => name.to_string(),
            RenameRule::SnakeCase => snake(),
            RenameRule::ScreamingSnakeCase => snake().to_ascii_uppercase(),
        }
    }

    /// serde's rule for a field name (already snake case in Rust).
    fn field(self, name: &str) -> String {
        match self {
            RenameRule::ScreamingSnakeCase => name.to_ascii_uppercase(),
            _ => name.to_string(),
        }
    }
}

#[derive(Default)]
struct ContainerAttrs {
    rename_all: Option<RenameRule>,
    deny_unknown_fields: bool,
    default: bool,
    tag: Option<String>,
    content: Option<String>,
    untagged: bool,
}

enum FieldDefault {
    Required,
    Default,
    Path(Path),
}

struct FieldAttrs {
    rename: Option<String>,
    default: FieldDefault,
    skip: bool,
    skip_serializing_if: Option<Path>,
    flatten: bool,
}

fn serde_attrs(attrs: &[syn::Attribute], mut each: impl FnMut(syn::meta::ParseNestedMeta) -> syn::Result<()>) -> syn::Result<()> {
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(&mut each)?;
    }
    Ok(())
}

fn lit(meta: &syn::meta::ParseNestedMeta) -> syn::Result<String> {
    Ok(meta.value()?.parse::<LitStr>()?.value())
}

fn container_attrs(attrs: &[syn::Attribute]) -> syn::Result<ContainerAttrs> {
    let mut out = ContainerAttrs::default();
    serde_attrs(attrs, |meta| {
        let key = meta.path.get_ident().map(Ident::to_string).unwrap_or_default();
        match key.as_str() {
            "rename_all" => {
                out.rename_all = Some(match lit(&meta)?.as_str() {
                    "snake_case" => RenameRule::SnakeCase,
                    "SCREAMING_SNAKE_CASE" => RenameRule::ScreamingSnakeCase,
                    other => return Err(meta.error(format!("derive(Json) does not know rename_all = \"{other}\""))),
                })
            }
            "deny_unknown_fields" => out.deny_unknown_fields = true,
            "default" => out.default = true,
            "tag" => out.tag = Some(lit(&meta)?),
            "content" => out.content = Some(lit(&meta)?),
            "untagged" => out.untagged = true,
            // The generated impls add no bounds of their own: the pattern traits carry them.
            "bound" => {
                lit(&meta)?;
            }
            _ => return Err(meta.error(format!("derive(Json) does not know #[serde({key})]"))),
        }
        Ok(())
    })?;
    Ok(out)
}

fn field_attrs(attrs: &[syn::Attribute]) -> syn::Result<FieldAttrs> {
    let mut out = FieldAttrs { rename: None, default: FieldDefault::Required, skip: false, skip_serializing_if: None, flatten: false };
    serde_attrs(attrs, |meta| {
        let key = meta.path.get_ident().map(Ident::to_string).unwrap_or_default();
        match key.as_str() {
            "rename" => out.rename = Some(lit(&meta)?),
            "default" if meta.input.peek(syn::Token![=]) => out.default = FieldDefault::Path(syn::parse_str(&lit(&meta)?)?),
            "default" => out.default = FieldDefault::Default,
            "skip" => out.skip = true,
            "skip_serializing_if" => out.skip_serializing_if = Some(syn::parse_str(&lit(&meta)?)?),
            "flatten" => out.flatten = true,
            _ => return Err(meta.error(format!("derive(Json) does not know the field attribute #[serde({key})]"))),
        }
        Ok(())
    })?;
    Ok(out)
}

fn variant_rename(attrs: &[syn::Attribute]) -> syn::Result<Option<String>> {
    let mut out = None;
    serde_attrs(attrs, |meta| {
        if meta.path.is_ident("rename") {
            out = Some(lit(&meta)?);
            Ok(())
        } else {
            Err(meta.error("derive(Json) knows only #[serde(rename)] on a variant"))
        }
    })?;
    Ok(out)
}

/// One named field: its Rust name, JSON name and attributes.
struct NamedField {
    ident: Ident,
    name: String,
    attrs: FieldAttrs,
}

fn named_fields(fields: &syn::FieldsNamed, rule: RenameRule) -> syn::Result<Vec<NamedField>> {
    fields
        .named
        .iter()
        .map(|f| {
            let ident = f.ident.clone().expect("named field");
            let attrs = field_attrs(&f.attrs)?;
            let name = attrs.rename.clone().unwrap_or_else(|| rule.field(&ident.to_string()));
            Ok(NamedField { ident, name, attrs })
        })
        .collect()
}

fn json() -> Tokens {
    quote!(::faultline_core::json)
}

/// Writes named fields, each reached by `access(ident)`, into the open object `__o`.
fn write_named(fields: &[NamedField], access: impl Fn(&Ident) -> Tokens) -> Tokens {
    let j = json();
    let writes = fields.iter().filter(|f| !f.attrs.skip).map(|f| {
        let value = access(&f.ident);
        let name = &f.name;
        let write = if f.attrs.flatten { quote!(#j::ToJson::write_fields(#value, __o);) } else { quote!(__o.field(#name, #value);) };
        match &f.attrs.skip_serializing_if {
            Some(path) => quote!(if !#path(#value) { #write }),
            None => write,
        }
    });
    quote!(#(#writes)*)
}

/// Reads named fields out of the object `__o` into `#ctor { ... }`.
fn read_named(ctor: Tokens, fields: &[NamedField], container_default: bool) -> syn::Result<Tokens> {
    let j = json();
    let mut inits = Vec::new();
    for f in fields {
        if f.attrs.flatten {
            return Err(syn::Error::new_spanned(&f.ident, "derive(FromJson) cannot read a flattened field"));
        }
        let ident = &f.ident;
        let name = &f.name;
        let fallback = match (&f.attrs.default, container_default) {
            (FieldDefault::Path(path), _) => quote!(#path()),
            (FieldDefault::Default, _) => quote!(::core::default::Default::default()),
            (FieldDefault::Required, true) => quote!(__default.#ident),
            (FieldDefault::Required, false) if f.attrs.skip => quote!(::core::default::Default::default()),
            (FieldDefault::Required, false) => quote!(#j::FromJson::missing(#name)?),
        };
        let init = if f.attrs.skip {
            quote!(#ident: #fallback)
        } else {
            quote!(#ident: match __o.field(#name)? { ::core::option::Option::Some(v) => v, ::core::option::Option::None => #fallback })
        };
        inits.push(init);
    }
    let default = container_default.then(|| quote!(let __default: Self = ::core::default::Default::default();));
    Ok(quote!({ #default #ctor { #(#inits),* } }))
}

fn to_json(input: &DeriveInput) -> syn::Result<Tokens> {
    let j = json();
    let name = &input.ident;
    let (impl_g, ty_g, where_g) = input.generics.split_for_impl();
    let attrs = container_attrs(&input.attrs)?;
    let rule = attrs.rename_all.unwrap_or(RenameRule::None);
    let (write_json, write_fields) = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => {
                let fields = named_fields(named, rule)?;
                let body = write_named(&fields, |ident| quote!(&self.#ident));
                (
                    quote!(let mut __o = #j::ObjectWriter::new(out); #j::ToJson::write_fields(self, &mut __o); __o.end();),
                    quote!(fn write_fields(&self, __o: &mut #j::ObjectWriter) { #body }),
                )
            }
            Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => (quote!(#j::ToJson::write_json(&self.0, out);), quote!()),
            Fields::Unnamed(unnamed) => {
                let items = (0..unnamed.unnamed.len()).map(syn::Index::from);
                (quote!(let mut __a = #j::ArrayWriter::new(out); #(__a.item(&self.#items);)* __a.end();), quote!())
            }
            Fields::Unit => (quote!(out.push_str("null");), quote!()),
        },
        Data::Enum(data) => {
            let mut json_arms = Vec::new();
            let mut field_arms = Vec::new();
            for v in &data.variants {
                let ident = &v.ident;
                let vname = variant_rename(&v.attrs)?.unwrap_or_else(|| rule.variant(&ident.to_string()));
                let (pattern, fields_body, value): (Tokens, Tokens, Tokens) = match &v.fields {
                    Fields::Unit => (quote!(Self::#ident), quote!(), quote!()),
                    Fields::Unnamed(u) if u.unnamed.len() == 1 => {
                        (quote!(Self::#ident(__v)), quote!(#j::ToJson::write_fields(__v, __o);), quote!(__v))
                    }
                    Fields::Unnamed(_) => return Err(syn::Error::new_spanned(ident, "derive(ToJson): tuple variants are not supported")),
                    Fields::Named(named) => {
                        let fields = named_fields(named, RenameRule::None)?;
                        let binds = fields.iter().map(|f| &f.ident);
                        let body = write_named(&fields, |ident| quote!(#ident));
                        (quote!(Self::#ident { #(#binds),* }), body, quote!())
                    }
                };
                let is_struct = matches!(v.fields, Fields::Named(_));
                let is_unit = matches!(v.fields, Fields::Unit);
                // An object's worth of entries for this variant: the variant as the parent's
                // entries (tagged forms, flattening) or the variant's own value.
                let object = |fields_only: Tokens| quote!({ let mut __o = #j::ObjectWriter::new(out); let __o = &mut __o; #fields_only __o.end(); });
                let (as_json, as_fields) = if attrs.untagged {
                    let json = if is_unit {
                        quote!(out.push_str("null");)
                    } else if is_struct {
                        object(fields_body.clone())
                    } else {
                        quote!(#j::ToJson::write_json(#value, out);)
                    };
                    (json, fields_body.clone())
                } else if let Some(tag) = &attrs.tag {
                    let entries = match (&attrs.content, is_unit, is_struct) {
                        (_, true, _) => quote!(__o.field(#tag, #vname);),
                        (Some(content), false, false) => quote!(__o.field(#tag, #vname); __o.field(#content, #value);),
                        (Some(content), false, true) => {
                            let inner =
                                quote!({ let mut __i = #j::ObjectWriter::new(__o.key(#content)); { let __o = &mut __i; #fields_body } __i.end(); });
                            quote!(__o.field(#tag, #vname); #inner)
                        }
                        (None, false, _) => quote!(__o.field(#tag, #vname); #fields_body),
                    };
                    (object(entries.clone()), entries)
                } else {
                    let json = if is_unit {
                        quote!(#j::ToJson::write_json(#vname, out);)
                    } else if is_struct {
                        object(quote!({ let mut __i = #j::ObjectWriter::new(__o.key(#vname)); { let __o = &mut __i; #fields_body } __i.end(); }))
                    } else {
                        object(quote!(__o.field(#vname, #value);))
                    };
                    let fields = if is_unit { quote!() } else { quote!(__o.field(#vname, #value);) };
                    (json, fields)
                };
                json_arms.push(quote!(#pattern => { #as_json }));
                field_arms.push(quote!(#pattern => { #as_fields }));
            }
            // `write_fields` is only meaningful for the tagged forms (flattened into a parent).
            let fields = if attrs.tag.is_some() || attrs.untagged {
                quote!(fn write_fields(&self, __o: &mut #j::ObjectWriter) { #[allow(unused_variables)] match self { #(#field_arms)* } })
            } else {
                quote!()
            };
            (quote!(#[allow(unused_variables)] match self { #(#json_arms,)* }), fields)
        }
        Data::Union(_) => return Err(syn::Error::new_spanned(name, "derive(ToJson): unions are not supported")),
    };
    Ok(quote! {
        impl #impl_g #j::ToJson for #name #ty_g #where_g {
            fn write_json(&self, out: &mut ::std::string::String) { #write_json }
            #write_fields
        }
    })
}

fn from_json(input: &DeriveInput) -> syn::Result<Tokens> {
    let j = json();
    let name = &input.ident;
    let (impl_g, ty_g, where_g) = input.generics.split_for_impl();
    let attrs = container_attrs(&input.attrs)?;
    let rule = attrs.rename_all.unwrap_or(RenameRule::None);
    let deny = attrs.deny_unknown_fields;
    let what = name.to_string();
    let body = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => {
                let fields = named_fields(named, rule)?;
                let read = read_named(quote!(Self), &fields, attrs.default)?;
                quote! {
                    let mut __o = #j::Object::expect(value, #what)?;
                    let __value = #read;
                    __o.finish(#deny)?;
                    ::core::result::Result::Ok(__value)
                }
            }
            Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => quote!(::core::result::Result::Ok(Self(#j::FromJson::from_json(value)?))),
            Fields::Unnamed(unnamed) => {
                let n = unnamed.unnamed.len();
                let items = (0..n).map(|_| quote!(__a.next()?));
                quote! {
                    let mut __a = #j::Items::expect(value, #n, #what)?;
                    ::core::result::Result::Ok(Self(#(#items),*))
                }
            }
            Fields::Unit => quote!(#j::expect_null(value, #what).map(|()| Self)),
        },
        Data::Enum(data) => {
            let mut arms = Vec::new();
            let mut names = Vec::new();
            let mut untagged_tries = Vec::new();
            for v in &data.variants {
                let ident = &v.ident;
                let vname = variant_rename(&v.attrs)?.unwrap_or_else(|| rule.variant(&ident.to_string()));
                names.push(vname.clone());
                let vwhat = format!("{what}::{ident}");
                let read_struct = |named: &syn::FieldsNamed| -> syn::Result<Tokens> {
                    let fields = named_fields(named, RenameRule::None)?;
                    read_named(quote!(Self::#ident), &fields, false)
                };
                if attrs.untagged {
                    untagged_tries.push(match &v.fields {
                        Fields::Unit => quote!(if #j::expect_null(value.clone(), #vwhat).is_ok() { return ::core::result::Result::Ok(Self::#ident); }),
                        Fields::Unnamed(u) if u.unnamed.len() == 1 => {
                            quote!(if let ::core::result::Result::Ok(v) = #j::FromJson::from_json(value.clone()) { return ::core::result::Result::Ok(Self::#ident(v)); })
                        }
                        Fields::Named(named) => {
                            let read = read_struct(named)?;
                            quote! {
                                let __try = |value: #j::Json| -> ::core::result::Result<Self, #j::JsonError> {
                                    let mut __o = #j::Object::expect(value, #vwhat)?;
                                    let __value = #read;
                                    __o.finish(#deny)?;
                                    ::core::result::Result::Ok(__value)
                                };
                                if let ::core::result::Result::Ok(v) = __try(value.clone()) { return ::core::result::Result::Ok(v); }
                            }
                        }
                        Fields::Unnamed(_) => return Err(syn::Error::new_spanned(ident, "derive(FromJson): tuple variants are not supported")),
                    });
                    continue;
                }
                let arm = match (&attrs.tag, &v.fields) {
                    (Some(_), Fields::Unit) => quote!(::core::result::Result::Ok(Self::#ident)),
                    (Some(_), Fields::Unnamed(u)) if u.unnamed.len() == 1 => {
                        quote!(::core::result::Result::Ok(Self::#ident(#j::FromJson::from_json(__o.into_value())?)))
                    }
                    (Some(_), Fields::Named(named)) => {
                        let read = read_struct(named)?;
                        quote!({ let __value = #read; __o.finish(#deny)?; ::core::result::Result::Ok(__value) })
                    }
                    (None, Fields::Unit) => quote!(#j::expect_unit_content(__content, #vwhat).map(|()| Self::#ident)),
                    (None, Fields::Unnamed(u)) if u.unnamed.len() == 1 => {
                        quote!(::core::result::Result::Ok(Self::#ident(#j::FromJson::from_json(#j::expect_content(__content, #vwhat)?).map_err(|e| e.in_field(#vname))?)))
                    }
                    (None, Fields::Named(named)) => {
                        let read = read_struct(named)?;
                        quote!((|| -> ::core::result::Result<Self, #j::JsonError> {
                            let mut __o = #j::Object::expect(#j::expect_content(__content, #vwhat)?, #vwhat)?;
                            let __value = #read;
                            __o.finish(#deny)?;
                            ::core::result::Result::Ok(__value)
                        })().map_err(|e| e.in_field(#vname)))
                    }
                    _ => return Err(syn::Error::new_spanned(ident, "derive(FromJson): tuple variants are not supported")),
                };
                arms.push(quote!(#vname => #arm));
            }
            if attrs.untagged {
                quote! {
                    #(#untagged_tries)*
                    ::core::result::Result::Err(#j::JsonError::new(::std::format!("data did not match any variant of untagged enum {}", #what)))
                }
            } else if attrs.content.is_some() {
                return Err(syn::Error::new_spanned(name, "derive(FromJson): adjacently tagged enums are written only"));
            } else if let Some(tag) = &attrs.tag {
                quote! {
                    let mut __o = #j::Object::expect(value, #what)?;
                    let __variant = __o.tag(#tag)?;
                    match __variant.as_str() {
                        #(#arms,)*
                        other => ::core::result::Result::Err(#j::JsonError::unknown_variant(other, &[#(#names),*]).in_field(#tag)),
                    }
                }
            } else {
                quote! {
                    let (__variant, __content) = #j::external_variant(value, #what)?;
                    match __variant.as_str() {
                        #(#arms,)*
                        other => ::core::result::Result::Err(#j::JsonError::unknown_variant(other, &[#(#names),*])),
                    }
                }
            }
        }
        Data::Union(_) => return Err(syn::Error::new_spanned(name, "derive(FromJson): unions are not supported")),
    };
    Ok(quote! {
        impl #impl_g #j::FromJson for #name #ty_g #where_g {
            #[allow(unused_mut, unused_variables, clippy::redundant_closure_call)]
            fn from_json(value: #j::Json) -> ::core::result::Result<Self, #j::JsonError> { #body }
        }
    })
}
