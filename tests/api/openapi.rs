//! The OpenAPI document against the app that serves it: every route the app serves is in the
//! document with its path parameters (or is a page for people, named below), everything the
//! document lists is served, and the document is valid (every `$ref` resolves).
//!
//! Where the served list comes from: a handler's route and its entry come from one annotation
//! (`#[utoipa::path]` over `#[get("…")]`), and registering it with `cfg.service` adds both, so the
//! document the app builds while registering is its list of API routes; probing each entry shows
//! it is really served where the document says. What could still be served without an entry is
//! a route registered around that: a plain `.route(…)`, `web::resource`/`web::scope`, or a route
//! attribute the document macro does not read. Those are found in the source that builds the app.

use crate::support::TestApp;
use reqwest::Method;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A route served on purpose without an OpenAPI entry: a page for people, or the document itself.
struct Page {
    /// The file under `src/` that registers it.
    file: &'static str,
    /// The path as its `.route(…)` call writes it (inside its scope).
    route: &'static str,
    /// A URL it answers, to check it is still served.
    probe: &'static str,
}

const PAGES: &[Page] = &[
    Page {
        file: "http/meta.rs",
        route: "/openapi.json",
        probe: "/api/openapi.json",
    },
    Page {
        file: "http/verification.rs",
        route: "/V/{payload}",
        probe: "/V/x",
    },
    Page {
        file: "http/verification.rs",
        route: "/v/{payload}",
        probe: "/v/x",
    },
    Page {
        file: "http/verification.rs",
        route: "/verify/{payload}",
        probe: "/verify/x",
    },
    Page {
        file: "http/verification.rs",
        route: "/verify",
        probe: "/verify",
    },
    // The public result lookup (issue 12): GET the form, POST it back.
    Page {
        file: "http/verification.rs",
        route: "/result",
        probe: "/result",
    },
    Page {
        file: "http/frontend.rs",
        route: "/",
        probe: "/",
    },
    Page {
        file: "http/frontend.rs",
        route: "/console",
        probe: "/console",
    },
    // Issue 13: the judges' tablet app.
    Page {
        file: "http/frontend.rs",
        route: "/judge",
        probe: "/judge",
    },
    // Issue 15: the public appeal page and the scoreboard.
    Page {
        file: "http/frontend.rs",
        route: "/appeal",
        probe: "/appeal",
    },
    Page {
        file: "http/frontend.rs",
        route: "/board",
        probe: "/board",
    },
    Page {
        file: "http/frontend.rs",
        route: "/sw.js",
        probe: "/sw.js",
    },
    // Part tablet (issue 12): the app's icon for browsers that ask for /favicon.ico.
    Page {
        file: "http/frontend.rs",
        route: "/favicon.ico",
        probe: "/favicon.ico",
    },
    Page {
        file: "http/frontend.rs",
        route: "/assets/{tail:.*}",
        probe: "/assets/no-such-file",
    },
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

async fn document(app: &TestApp) -> Value {
    let r = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    r.json().await.expect("the document is JSON")
}

/// Every `.rs` file under `src/`, by its path relative to `src/`, without comment lines and
/// without its unit tests (which may build small apps of their own).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable source");
            let code: Vec<&str> = text
                .lines()
                .take_while(|l| l.trim() != "#[cfg(test)]")
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            let name = path
                .strip_prefix(&root)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            (name, code.join("\n"))
        })
        .collect()
}

/// The path of each plain `.route("…", …)` call in `code`.
fn plain_routes(code: &str) -> Vec<String> {
    code.match_indices(".route(")
        .filter_map(|(i, m)| {
            let rest = code[i + m.len()..].trim_start();
            let rest = rest.strip_prefix('"')?;
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

/// Route attributes in `code` that no `#[utoipa::path]` reads: a `#[get("…")]`-like attribute
/// not right under one, or one written with a path (`#[actix_web::get]`), which it cannot see.
fn undocumented_route_attributes(code: &str) -> Vec<String> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = vec![];
    for (i, line) in lines.iter().enumerate() {
        if METHODS
            .iter()
            .any(|m| line.starts_with(&format!("#[actix_web::{m}(")))
        {
            found.push(line.to_string());
            continue;
        }
        if !METHODS
            .iter()
            .chain(["route"].iter())
            .any(|m| line.starts_with(&format!("#[{m}(")))
        {
            continue;
        }
        // Walk up over the lines of the attributes above it.
        let documented = lines[..i]
            .iter()
            .rev()
            .take_while(|l| l.starts_with("#[") || l.starts_with(' '))
            .any(|l| l.starts_with("#[utoipa::path("));
        if !documented {
            found.push(line.to_string());
        }
    }
    found
}

/// The names in a path template: `/a/{id}/b/{name}` gives `id`, `name`.
fn template_names(path: &str) -> BTreeSet<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .map(|s| s.split(':').next().unwrap_or(s).to_string())
        .collect()
}

/// What a request that no route matches gets, by method and by the part of the site it is in
/// (each has its own not-found answer).
struct Unmatched(HashMap<(String, &'static str), (u16, String)>);

impl Unmatched {
    fn class(path: &str) -> &'static str {
        if path.starts_with("/api/") {
            "/api/no/such/route/here"
        } else if path.starts_with("/.well-known/") {
            "/.well-known/no/such/route/here"
        } else {
            "/no/such/route/here"
        }
    }

    async fn is_served(&mut self, app: &TestApp, method: &str, path: &str) -> bool {
        let class = Self::class(path);
        let key = (method.to_string(), class);
        if !self.0.contains_key(&key) {
            let answer = probe(app, method, class).await;
            self.0.insert(key.clone(), answer);
        }
        probe(app, method, path).await != self.0[&key]
    }
}

/// The status and body of a request without credentials or body.
async fn probe(app: &TestApp, method: &str, path: &str) -> (u16, String) {
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
    let r = app
        .client
        .request(method, app.url(path))
        .send()
        .await
        .expect("request");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

#[tokio::test]
async fn every_route_the_app_serves_is_in_the_openapi_document_with_its_path_parameters() {
    // Nothing is registered around the annotation but the pages named above.
    let mut problems = vec![];
    let mut pages_seen = BTreeSet::new();
    for (file, code) in sources() {
        for route in plain_routes(&code) {
            match PAGES
                .iter()
                .position(|p| p.file == file && p.route == route)
            {
                Some(i) => {
                    pages_seen.insert(i);
                }
                None => problems.push(format!(
                    "{file}: `.route(\"{route}\", …)` is served without an OpenAPI entry; give the \
                     handler #[utoipa::path] over #[get(\"…\")] and register it with cfg.service \
                     (or, for a page for people, add it to PAGES in tests/api/openapi.rs)"
                )),
            }
        }
        for call in [
            "web::resource(",
            "web::scope(",
            "Resource::new(",
            "Scope::new(",
        ] {
            if code.contains(call) {
                problems.push(format!(
                    "{file}: `{call}` registers routes the OpenAPI document cannot see; use the \
                     route attributes and utoipa_actix_web::scope"
                ));
            }
        }
        for attribute in undocumented_route_attributes(&code) {
            problems.push(format!(
                "{file}: `{attribute}` has no #[utoipa::path(…)] right above it"
            ));
        }
    }
    for (i, page) in PAGES.iter().enumerate() {
        if !pages_seen.contains(&i) {
            problems.push(format!(
                "PAGES names {} {} but no `.route` registers it; remove it from the list",
                page.file, page.route
            ));
        }
    }

    // Every entry is served where the document says, and declares its path parameters.
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let mut unmatched = Unmatched(HashMap::new());
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() > 50, "the document lists the API");
    for (path, item) in paths {
        let names = template_names(path);
        let concrete: String = path
            .split('/')
            .map(|s| if s.starts_with('{') { "1" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        for (method, op) in item.as_object().expect("path item") {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let declared: BTreeSet<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .map(|p| {
                    if p["required"] != true {
                        problems.push(format!("{method} {path}: {} is not required", p["name"]));
                    }
                    p["name"].as_str().unwrap_or("").to_string()
                })
                .collect();
            if declared != names {
                problems.push(format!(
                    "{method} {path}: the path has parameters {names:?}, \
                     the entry declares {declared:?}"
                ));
            }
            if !unmatched.is_served(&app, method, &concrete).await {
                problems.push(format!(
                    "{method} {path} is in the document but the app does not serve it"
                ));
            }
        }
    }
    for page in PAGES {
        if !unmatched.is_served(&app, "get", page.probe).await {
            problems.push(format!(
                "GET {} (a page in PAGES) is not served",
                page.probe
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn the_openapi_document_is_valid_every_reference_resolves() {
    fn walk(doc: &Value, v: &Value, at: &str, problems: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref") {
                    let target = r
                        .as_str()
                        .and_then(|r| r.strip_prefix('#'))
                        .and_then(|pointer| doc.pointer(pointer));
                    if target.is_none() {
                        problems.push(format!("{at}: $ref {r} does not resolve"));
                    }
                }
                for (k, v) in map {
                    walk(doc, v, &format!("{at}/{k}"), problems);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(doc, v, &format!("{at}/{i}"), problems);
                }
            }
            _ => {}
        }
    }
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let mut problems = vec![];
    walk(&doc, &doc, "", &mut problems);
    // Every security requirement names a scheme the document defines.
    let schemes = &doc["components"]["securitySchemes"];
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            for requirement in op["security"].as_array().into_iter().flatten() {
                for name in requirement
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k)
                {
                    if schemes.get(name).is_none() {
                        problems.push(format!("{method} {path}: no security scheme {name}"));
                    }
                }
            }
            if op["responses"].as_object().is_none_or(|r| r.is_empty()) {
                problems.push(format!("{method} {path}: no responses"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_source_scan_finds_a_route_registered_around_the_annotation() {
    // The scan is what catches such a route, so it must see one when there is one.
    let code = r#"cfg.service(list)
    .route(
        "/banks/{code}/x",
        web::delete().to(x),
    );"#;
    assert_eq!(plain_routes(code), ["/banks/{code}/x"]);
    let code = r#"/// Doc.
#[utoipa::path(tag = "x",
    responses((status = 200)))]
#[get("/a")]
pub async fn a() {}

/// Doc.
#[post("/b")]
pub async fn b() {}
#[actix_web::put("/c")]
pub async fn c() {}"#;
    assert_eq!(
        undocumented_route_attributes(code),
        ["#[post(\"/b\")]", "#[actix_web::put(\"/c\")]"]
    );
    assert_eq!(
        template_names("/assets/{tail:.*}/{id}"),
        BTreeSet::from(["tail".to_string(), "id".to_string()])
    );
}
