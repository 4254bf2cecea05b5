//! `#[derive(Model)]` for [tfplugin](https://docs.rs/tfplugin): a struct whose
//! fields are a resource's (or data source's, or nested block's) attributes.
//!
//! For a struct `S` it generates:
//! - one constant per field with the attribute's name (`S::NOTEBOOK_ID ==
//!   "notebook_id"`), and `S::ATTRIBUTES`, every name in field order — so the schema
//!   and the code name an attribute once, and a mistyped name does not compile;
//! - `FromValue` (decoding from a Terraform object, errors naming the attribute's
//!   path) and `IntoValue` (encoding back);
//! - `Model::tf_type()`, the object type the fields describe, so a test can check
//!   that the schema and the model agree;
//! - typed attribute paths: `S::path()` returns an `SPath` with one method per
//!   field (`S::path().volume().size()` is `volume[0].size` when `volume` is a
//!   block), the inner model's path type for a nested model (`.into()` gives the
//!   attribute's own `AttributePath`), an `AttributePath` for a scalar.
//!
//! Field attributes: `#[tf(name = "...")]` names the attribute differently from the
//! field; `#[tf(block)]` marks an `Option<T>` field as a nested block of at most one
//! item (a list block in the schema); `#[tf(default)]` decodes null and unknown as
//! the field type's default (a required attribute read from a partial plan).

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Fields, Ident, LitStr};

/// Derives `FromValue`, `IntoValue` and `Model` for a struct with named fields, and
/// the attribute-name constants (see the crate documentation).
#[proc_macro_derive(Model, attributes(tf))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

struct Field {
    ident: Ident,
    ty: syn::Type,
    name: String,
    block: bool,
    or_default: bool,
}

fn fields_of(input: &DeriveInput) -> syn::Result<Vec<Field>> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(&input.ident, "Model is derived for structs with named fields"));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(&input.ident, "Model is derived for structs with named fields"));
    };
    let mut out = Vec::new();
    for f in &named.named {
        let Some(ident) = f.ident.clone() else { continue };
        let mut name = ident.to_string().trim_start_matches("r#").to_string();
        let mut block = false;
        let mut or_default = false;
        for attr in f.attrs.iter().filter(|a| a.path().is_ident("tf")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("name") {
                    name = meta.value()?.parse::<LitStr>()?.value();
                    Ok(())
                } else if meta.path.is_ident("block") {
                    block = true;
                    Ok(())
                } else if meta.path.is_ident("default") {
                    or_default = true;
                    Ok(())
                } else {
                    Err(meta.error("expected `name = \"...\"`, `block` or `default`"))
                }
            })?;
        }
        out.push(Field { ident, ty: f.ty.clone(), name, block, or_default });
    }
    Ok(out)
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let fields = fields_of(input)?;
    let ty = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let model = quote!(::tfplugin::framework::model);
    let consts = fields.iter().map(|f| {
        let c = Ident::new(&f.name.to_uppercase(), Span::call_site());
        let name = &f.name;
        let doc = format!("The attribute `{name}`.");
        quote! { #[doc = #doc] pub const #c: &'static str = #name; }
    });
    let names = fields.iter().map(|f| &f.name);
    // Read and written in name order: decoding finds each attribute where the last
    // one ended, and the object is built without sorting it.
    let mut by_name: Vec<&Field> = fields.iter().collect();
    by_name.sort_by(|a, b| a.name.cmp(&b.name));
    let decode = by_name.iter().map(|f| {
        let (ident, name, fty) = (&f.ident, &f.name, &f.ty);
        if f.block {
            quote! { #ident: fields.block(#name)? }
        } else if f.or_default {
            quote! { #ident: fields.get::<::std::option::Option<#fty>>(#name)?.unwrap_or_default() }
        } else {
            quote! { #ident: fields.get(#name)? }
        }
    });
    let encode = by_name.iter().map(|f| {
        let (ident, name) = (&f.ident, &f.name);
        if f.block {
            quote! { (#name, #model::block_list(self.#ident)) }
        } else {
            quote! { (#name, #model::IntoValue::into_value(self.#ident)) }
        }
    });
    let types = fields.iter().map(|f| {
        let (name, fty) = (&f.name, &f.ty);
        if f.block {
            quote! { (#name, #model::block_type::<#fty>()) }
        } else {
            quote! { (#name, <#fty as #model::TfType>::tf_type()) }
        }
    });
    let paths = if input.generics.params.is_empty() { typed_paths(input, &fields) } else { Tokens::new() };
    Ok(quote! {
        #paths

        impl #impl_generics #ty #ty_generics #where_clause {
            #(#consts)*
            /// Every attribute's name, in field order.
            pub const ATTRIBUTES: &'static [&'static str] = &[#(#names),*];
        }

        impl #impl_generics #model::FromValue for #ty #ty_generics #where_clause {
            fn from_value(
                v: &::tfplugin::protocol::Value,
                path: &::tfplugin::protocol::AttributePath,
            ) -> ::std::result::Result<Self, #model::ModelError> {
                let fields = #model::Fields::of(v, path)?;
                ::std::result::Result::Ok(Self { #(#decode),* })
            }
        }

        impl #impl_generics #model::IntoValue for #ty #ty_generics #where_clause {
            fn into_value(self) -> ::tfplugin::protocol::Value {
                ::tfplugin::protocol::Value::object([#(#encode),*])
            }
        }

        impl #impl_generics #model::TfType for #ty #ty_generics #where_clause {
            fn tf_type() -> ::tfplugin::protocol::Type {
                ::tfplugin::protocol::Type::object([#(#types),*])
            }
        }
    })
}

/// `SPath`, its methods, `HasPath for S` and `S::path()`.
fn typed_paths(input: &DeriveInput, fields: &[Field]) -> Tokens {
    let (ty, vis) = (&input.ident, &input.vis);
    let path_ty = Ident::new(&format!("{ty}Path"), Span::call_site());
    let ap = quote!(::tfplugin::protocol::AttributePath);
    let has_path = quote!(::tfplugin::framework::path::HasPath);
    let doc = format!("Typed paths to the attributes of [`{ty}`].");
    let model_path = quote!(::tfplugin::framework::path::ModelPath);
    let methods = fields.iter().map(|f| {
        let (ident, name, fty) = (&f.ident, &f.name, &f.ty);
        let doc = format!("The path of `{name}`.");
        if f.block {
            quote! {
                #[doc = #doc]
                #vis fn #ident(&self) -> <#fty as #has_path>::Path {
                    #model_path::of_block(self.child(#name))
                }
            }
        } else {
            quote! {
                #[doc = #doc]
                #vis fn #ident(&self) -> <#fty as #has_path>::Path {
                    ::std::convert::From::from(self.child(#name))
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Eq)]
        #vis struct #path_ty {
            at: #ap,
            // The path of a block: its attributes are those of element 0 (the
            // protocol's block of at most one item is a list).
            in_block: bool,
        }

        // Every attribute has a method; a provider uses those it needs.
        #[allow(dead_code)]
        impl #path_ty {
            fn child(&self, name: &str) -> #ap {
                if self.in_block { self.at.then_index(0).then_attr(name) } else { self.at.then_attr(name) }
            }

            #(#methods)*
        }

        impl ::std::convert::From<#ap> for #path_ty {
            fn from(at: #ap) -> Self {
                #path_ty { at, in_block: false }
            }
        }

        impl #model_path for #path_ty {
            fn of_block(at: #ap) -> Self {
                #path_ty { at, in_block: true }
            }
        }

        impl ::std::convert::From<#path_ty> for #ap {
            fn from(p: #path_ty) -> Self {
                p.at
            }
        }

        impl #has_path for #ty {
            type Path = #path_ty;
        }

        #[allow(dead_code)]
        impl #ty {
            /// The typed path of the whole value: the start of every attribute's path.
            #vis fn path() -> #path_ty {
                #path_ty { at: #ap::root(), in_block: false }
            }
        }
    }
}
