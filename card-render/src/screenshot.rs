//! PNG pictures of rendered cards through a local Chromium (`chromium --headless
//! --screenshot`), cropped to the card.
//!
//! Chromium is found as `$CHROMIUM`, else `chromium`, `chromium-browser`, `google-chrome` on
//! the `PATH`. It runs headless with a fresh profile and no network features, on a page that
//! allows no script and no network.

use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// Why a screenshot could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ScreenshotError {
    /// No Chromium was found.
    #[error("no Chromium found: install it (Debian: `apt-get install chromium`) or set CHROMIUM to its path")]
    NoChromium,
    /// Reading or writing a file, or starting Chromium, failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
    /// Chromium ran but made no picture.
    #[error("chromium exited with {status} without a screenshot: {stderr}")]
    Chromium {
        /// Its exit status.
        status: String,
        /// The end of what it printed.
        stderr: String,
    },
    /// The picture Chromium made could not be read or written back.
    #[error("png: {0}")]
    Png(String),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> ScreenshotError {
    let what = what.into();
    move |source| ScreenshotError::Io { what, source }
}

/// The Chromium binary to use, if there is one.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|candidate| candidate.is_file())
}

/// The flags every headless Chromium of ours runs with: no sandbox (CI runs as root), no GPU,
/// nothing that reaches the network by itself.
pub const HEADLESS_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
];

/// The window width that shows a card drawn with `options` and the page's 16-pixel margins.
pub fn window_width(options: &crate::Options) -> u32 {
    match options.width {
        crate::Width::Desktop => 600 + 32,
        crate::Width::Mobile => 360 + 32,
    }
}

/// Writes a PNG of the HTML file `html` as Chromium draws it in a window `width` pixels wide,
/// cropped at the bottom to where the content ends.
pub fn screenshot(html: &Path, png: &Path, width: u32) -> Result<(), ScreenshotError> {
    let chromium = find_chromium().ok_or(ScreenshotError::NoChromium)?;
    let html = std::fs::canonicalize(html).map_err(io(format!("reading {}", html.display())))?;
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let profile =
        std::env::temp_dir().join(format!("lark-card-render-{}-{stamp}", std::process::id()));
    let raw = profile.join("shot.png");
    std::fs::create_dir_all(&profile).map_err(io("creating a Chromium profile"))?;
    let output = Command::new(&chromium)
        .args(HEADLESS_FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={width},2400"))
        .arg(format!("--screenshot={}", raw.display()))
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .output()
        .map_err(io(format!("starting {}", chromium.display())))?;
    let result = if raw.is_file() {
        crop(&raw, png)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: String = stderr.lines().rev().take(5).collect::<Vec<_>>().join(" | ");
        Err(ScreenshotError::Chromium {
            status: output.status.to_string(),
            stderr: tail,
        })
    };
    let _ = std::fs::remove_dir_all(&profile);
    result
}

/// Copies the PNG `from` to `to` without the rows at the bottom that are all the colour of the
/// bottom-left pixel (the page background), keeping a 16-pixel margin.
fn crop(from: &Path, to: &Path) -> Result<(), ScreenshotError> {
    let file = std::fs::File::open(from).map_err(io("reading the screenshot"))?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder
        .read_info()
        .map_err(|e| ScreenshotError::Png(e.to_string()))?;
    let mut pixels = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let info = reader
        .next_frame(&mut pixels)
        .map_err(|e| ScreenshotError::Png(e.to_string()))?;
    let channels = info.color_type.samples();
    let row_len = info.line_size;
    let height = info.height as usize;
    let rows: Vec<&[u8]> = pixels.chunks(row_len).take(height).collect();
    let background = rows
        .last()
        .map(|row| row.get(..channels).unwrap_or_default().to_vec())
        .unwrap_or_default();
    let content_end = rows
        .iter()
        .rposition(|row| {
            row.chunks(channels)
                .any(|pixel| pixel != background.as_slice())
        })
        .map_or(height, |last| (last + 17).min(height));
    let out = std::fs::File::create(to).map_err(io(format!("writing {}", to.display())))?;
    let mut encoder = png::Encoder::new(
        BufWriter::new(out),
        info.width,
        u32::try_from(content_end).unwrap_or(info.height),
    );
    encoder.set_color(info.color_type);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder
        .write_header()
        .map_err(|e| ScreenshotError::Png(e.to_string()))?;
    writer
        .write_image_data(&pixels[..content_end * row_len])
        .map_err(|e| ScreenshotError::Png(e.to_string()))?;
    writer
        .finish()
        .map_err(|e| ScreenshotError::Png(e.to_string()))
}
