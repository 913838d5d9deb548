//! Compiles the default theme (themes/default) into the binary, so a site needs no theme folder.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    println!("cargo:rerun-if-changed={}", theme.display());
    let mut files = Vec::new();
    collect(&theme, &theme, &mut files);
    files.sort();
    let mut code = String::from(
        "/// Every file of the default theme: path inside the theme, contents.\npub static DEFAULT_THEME_FILES: &[(&str, &[u8])] = &[\n",
    );
    for (relative, absolute) in files {
        println!("cargo:rerun-if-changed={absolute}");
        writeln!(code, "    ({relative:?}, include_bytes!({absolute:?})),").unwrap();
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("default_theme.rs"), code).expect("OUT_DIR is writable");
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(base, &path, files);
        } else if let Ok(relative) = path.strip_prefix(base) {
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((relative, path.display().to_string()));
        }
    }
}
