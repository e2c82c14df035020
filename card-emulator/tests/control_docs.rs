//! The crate docs' table of `/__emulator` endpoints lists every control route the router
//! serves, with its method: read from the sources, so a new endpoint cannot go undocumented.

use std::error::Error;
use std::path::Path;

/// `(method, path)` of every `.route("/…", get(…).post(…))` under `src/routes`, paths
/// relative to `/__emulator` (the Lark API's `/open-apis/…` routes are left out).
fn control_routes(dir: &Path) -> Result<Vec<(String, String)>, Box<dyn Error>> {
    let mut routes = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    files.sort_by_key(|entry| entry.path());
    for entry in files {
        let source = std::fs::read_to_string(entry.path())?;
        for line in source.lines().map(str::trim) {
            let Some(rest) = line.strip_prefix(".route(\"") else {
                continue;
            };
            let Some((path, handlers)) = rest.split_once('"') else {
                continue;
            };
            if path.starts_with("/open-apis") {
                continue;
            }
            for method in ["get", "post", "put", "patch", "delete"] {
                let called = handlers.contains(&format!(" {method}("))
                    || handlers.contains(&format!(".{method}("))
                    || handlers.contains(&format!("({method}("));
                if called {
                    routes.push((method.to_uppercase(), path.to_owned()));
                }
            }
        }
    }
    Ok(routes)
}

#[test]
fn every_control_route_is_in_the_crate_docs() -> Result<(), Box<dyn Error>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let docs = std::fs::read_to_string(src.join("lib.rs"))?;
    let routes = control_routes(&src.join("routes"))?;
    assert!(
        routes.len() >= 20,
        "the route reader found too few routes: {routes:?}"
    );
    let missing: Vec<String> = routes
        .iter()
        .map(|(method, path)| format!("`{method} {path}`"))
        .filter(|row| !docs.contains(row.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "missing from the `/__emulator` table of src/lib.rs: {missing:?}"
    );
    Ok(())
}
