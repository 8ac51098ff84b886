//! The generation store: the crash-safety core of the index folder.
//!
//! An index folder holds generations, `gen-<time>-<pid>/`, each a complete index, and a
//! `CURRENT` file naming the one in use. A build writes into a fresh
//! `.building-<time>-<pid>/` folder and makes it current in two steps that each either
//! happen whole or not at all: a rename of the folder to its generation name, then a
//! rename of a new `CURRENT` over the old one (written under a name of its own first).
//! Builds take the folder's lock, so two never interleave; a crash or a kill at any
//! point leaves the previous generation in use, and what a dead build left is removed
//! at the start of the next one.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::{IndexError, Manifest, io};

const CURRENT: &str = "CURRENT";
pub(super) const MANIFEST: &str = "manifest.json";
const LOCK: &str = ".lock";
const GENERATION_PREFIX: &str = "gen-";
pub(super) const BUILDING_PREFIX: &str = ".building-";

/// The index folder's lock, held while a build writes into it (released when dropped,
/// or when the process dies).
pub(super) struct Locked {
    _held: File,
}

/// Waits for, then takes, the lock of `index_dir`, creating the folder if needed.
pub(super) fn lock(index_dir: &Path) -> Result<Locked, IndexError> {
    std::fs::create_dir_all(index_dir).map_err(io(index_dir))?;
    let path = index_dir.join(LOCK);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    file.lock().map_err(io(&path))?;
    Ok(Locked { _held: file })
}

/// A new build folder in `index_dir`, and the generation it will become.
pub(super) fn new_build(index_dir: &Path) -> Result<(PathBuf, PathBuf), IndexError> {
    let name = generation_name();
    let building = index_dir.join(format!("{BUILDING_PREFIX}{name}"));
    std::fs::create_dir(&building).map_err(io(&building))?;
    Ok((
        building,
        index_dir.join(format!("{GENERATION_PREFIX}{name}")),
    ))
}

/// Turns a finished build folder into its generation and makes that generation current.
pub(super) fn make_current(
    index_dir: &Path,
    building: &Path,
    generation: &Path,
) -> Result<(), IndexError> {
    std::fs::rename(building, generation).map_err(io(generation))?;
    sync_dir(index_dir)?;
    super::build::checkpoint("renamed");
    let file_name = generation.file_name().expect("a name").to_string_lossy();
    write_atomically(&index_dir.join(CURRENT), file_name.as_bytes())
}

/// A time-ordered, unique name: sorting generations by name sorts them by age.
fn generation_name() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    format!("{millis:015}-{}", std::process::id())
}

/// Writes a file so that readers see either the old content or the new, never a part.
/// The new content goes first into a file of a name no other writer uses (created, never
/// opened if it exists), then is renamed over.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), IndexError> {
    use std::io::Write;
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let write = WRITES.fetch_add(1, Ordering::Relaxed);
    let temporary = path.with_extension(format!("{write}-{}.tmp", std::process::id()));
    let mut file = File::create_new(&temporary).map_err(io(&temporary))?;
    file.write_all(bytes).map_err(io(&temporary))?;
    file.sync_all().map_err(io(&temporary))?;
    std::fs::rename(&temporary, path).map_err(io(path))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Makes renames inside `dir` durable.
fn sync_dir(dir: &Path) -> Result<(), IndexError> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))?;
    Ok(())
}

/// Removes folders of builds whose process is gone, and generations older than the
/// previous one (kept a while for readers that still have it open). Runs before a build,
/// for what a killed build left, and after, for the generation it made old.
pub(super) fn remove_leftovers(index_dir: &Path) -> Result<(), IndexError> {
    let current = current_generation(index_dir).ok();
    let mut generations = Vec::new();
    for entry in std::fs::read_dir(index_dir).map_err(io(index_dir))? {
        let entry = entry.map_err(io(index_dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(build) = name.strip_prefix(BUILDING_PREFIX) {
            if !process_alive(build) {
                std::fs::remove_dir_all(entry.path()).map_err(io(&entry.path()))?;
            }
        } else if let Some(write) = name.strip_suffix(".tmp") {
            // `CURRENT.<n>-<pid>.tmp`, left by a process killed between write and rename.
            if !process_alive(write) {
                std::fs::remove_file(entry.path()).map_err(io(&entry.path()))?;
            }
        } else if name.starts_with(GENERATION_PREFIX) {
            generations.push(entry.path());
        }
    }
    generations.sort();
    if let Some(current) = &current {
        generations.retain(|g| g != current);
    }
    generations.pop(); // the newest other one stays, as the previous generation
    for old in generations {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    Ok(())
}

/// Whether the process that named a build folder `<time>-<pid>` (or a file
/// `<name>.<n>-<pid>.tmp`) still runs.
fn process_alive(build_name: &str) -> bool {
    let pid = build_name.rsplit('-').next().unwrap_or_default();
    if pid == std::process::id().to_string() {
        return true;
    }
    if cfg!(target_os = "linux") {
        !pid.is_empty() && Path::new("/proc").join(pid).exists()
    } else {
        false
    }
}

/// The folder of the generation in use.
pub fn current_generation(index_dir: &Path) -> Result<PathBuf, IndexError> {
    let pointer = index_dir.join(CURRENT);
    let name = match std::fs::read_to_string(&pointer) {
        Ok(name) => name,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(IndexError::Missing(index_dir.into()));
        }
        Err(e) => return Err(io(&pointer)(e)),
    };
    let generation = index_dir.join(name.trim());
    if !name.trim().starts_with(GENERATION_PREFIX) || !generation.is_dir() {
        return Err(IndexError::Missing(index_dir.into()));
    }
    Ok(generation)
}

pub(super) fn read_manifest(generation: &Path) -> Result<Manifest, IndexError> {
    read_json(&generation.join(MANIFEST))
}

pub(super) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, IndexError> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    serde_json::from_slice(&bytes).map_err(|source| IndexError::Manifest {
        path: path.to_path_buf(),
        source,
    })
}
