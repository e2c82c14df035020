//! The emulator's modules form layers: no module reaches, through `crate::` paths, a module
//! that reaches back to it. Read from the sources (code lines only, not comments), so that a
//! new import circle fails here with the module graph printed. Run with `--nocapture` to see
//! the graph of a passing build.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::path::{Path, PathBuf};

use card_test_support::{find_cycle, printed};

/// The module a file belongs to: its first path segment under `src` (`routes/control.rs` is
/// `routes`), or `None` for the crate root and the binary.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_owned())
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), Box<dyn Error>> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, found)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
    Ok(())
}

/// What the crate root re-exports (`pub use module::{A, B}`): name → module, so that
/// `crate::Emulator` counts as a use of `emulator`.
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut exports = BTreeMap::new();
    let mut rest = lib;
    while let Some(start) = rest.find("\npub use ") {
        let statement = &rest[start + "\npub use ".len()..];
        let end = statement.find(';').unwrap_or(statement.len());
        let statement = &statement[..end];
        rest = &rest[start + 1..];
        let Some((module, names)) = statement.split_once("::") else {
            continue;
        };
        let names = names.trim().trim_start_matches('{').trim_end_matches('}');
        for name in names.split(',') {
            let name = name.split(" as ").last().unwrap_or(name).trim();
            if !name.is_empty() {
                exports.insert(name.to_owned(), module.trim().to_owned());
            }
        }
    }
    exports
}

/// Each module's uses of other modules.
fn graph() -> Result<BTreeMap<String, BTreeSet<String>>, Box<dyn Error>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let exports = root_exports(&std::fs::read_to_string(src.join("lib.rs"))?);
    let mut files = Vec::new();
    rust_files(&src, &mut files)?;
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let uses = graph.entry(module.clone()).or_default();
        for line in std::fs::read_to_string(file)?.lines() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            let mut rest = code;
            while let Some(at) = rest.find("crate::") {
                let path = &rest[at + "crate::".len()..];
                assert!(
                    !path.starts_with('{'),
                    "{}: `crate::{{…}}` groups hide what is used; name each module: {line}",
                    file.display()
                );
                let name: String = path
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let target = exports.get(&name).cloned().unwrap_or(name);
                if !target.is_empty() && target != module {
                    uses.insert(target);
                }
                rest = &rest[at + "crate::".len()..];
            }
        }
    }
    Ok(graph)
}

#[test]
fn the_modules_import_each_other_in_no_circle() -> Result<(), Box<dyn Error>> {
    let graph = graph()?;
    println!("{}", printed(&graph));
    assert!(
        graph.len() > 10
            && graph
                .get("server")
                .is_some_and(|uses| uses.contains("routes")),
        "the reader of `crate::` paths found too little:\n{}",
        printed(&graph)
    );
    let cycle = find_cycle(&graph);
    assert!(
        cycle.is_none(),
        "import circle: {}\nthe module graph:\n{}",
        cycle.unwrap_or_default().join(" -> "),
        printed(&graph)
    );
    Ok(())
}

#[test]
fn the_state_knows_nothing_of_http_websockets_delivery_routes_or_the_viewer(
) -> Result<(), Box<dyn Error>> {
    let graph = graph()?;
    let upper = ["hub", "delivery", "routes", "viewer", "server", "emulator"];
    let mut below = BTreeSet::from(["state".to_owned()]);
    // Everything the state reaches, directly or not.
    let mut frontier = vec!["state".to_owned()];
    while let Some(module) = frontier.pop() {
        for next in graph.get(&module).into_iter().flatten() {
            if below.insert(next.clone()) {
                frontier.push(next.clone());
            }
        }
    }
    let reached: Vec<&str> = upper.into_iter().filter(|m| below.contains(*m)).collect();
    assert!(
        reached.is_empty(),
        "the state reaches {reached:?}:\n{}",
        printed(&graph)
    );
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for module in &below {
        let file = src.join(format!("{module}.rs"));
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        let code: String = source
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            !source.contains("reqwest"),
            "{module} (under the state) uses reqwest"
        );
        // The long connection's settings and tickets are plain data: its sockets are above.
        for socket in ["WebSocket", "extract::ws", "tungstenite", "mpsc"] {
            assert!(
                !code.contains(socket),
                "{module} (under the state) knows of `{socket}`"
            );
        }
    }
    Ok(())
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let graph = BTreeMap::from([
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["c".to_owned()])),
        ("c".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]);
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}
