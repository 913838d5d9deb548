//! Reading a file of the site without trusting what it is: only a regular file is opened (a
//! symbolic link at the end of the path is not followed; a named pipe, socket or device is
//! refused without waiting for a writer), and no more is read than the caller allows. Whatever
//! a folder walk saw may have changed by the time a file is opened; this is the one door every
//! read of the site goes through. Plain I/O, no diagnostics: callers say what a failure means.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// Opens the file at `path` for reading, only when it is a regular file: a symbolic link at the
/// end of the path is not followed, and a named pipe, socket or device is refused without
/// waiting (it is opened without blocking, and its type is read from the open handle, so it
/// cannot be swapped in between a look and the opening). What was checked when a folder was
/// walked may have changed since; this is what makes reading safe.
pub fn open_regular(path: &Path) -> io::Result<(File, Metadata)> {
    let file = open_no_follow(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a regular file (a folder, named pipe, socket or device)",
        ));
    }
    Ok((file, metadata))
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    match rustix::fs::open(path, flags, Mode::empty()) {
        Ok(fd) => Ok(File::from(fd)),
        Err(rustix::io::Errno::LOOP) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is a symbolic link, and byline does not follow links",
        )),
        Err(errno) => Err(io::Error::from(errno)),
    }
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<File> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is a symbolic link, and byline does not follow links",
        ));
    }
    File::open(path)
}

/// Why a file could not be read whole.
#[derive(Debug)]
pub enum ReadError {
    /// It could not be opened or read, or it is not a regular file.
    Io(io::Error),
    /// It holds more than the limit (at least this many bytes).
    TooLarge(u64),
}

/// The bytes of the regular file at `path` (see [`open_regular`]), when it holds at most
/// `limit` bytes. At most one byte more than the limit is read, even from a file that grows
/// while it is read.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, metadata) = open_regular(path).map_err(ReadError::Io)?;
    if metadata.len() > limit {
        return Err(ReadError::TooLarge(metadata.len()));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_over_the_limit_are_not_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "12345").unwrap();
        assert_eq!(read_regular(&path, 5).unwrap(), b"12345");
        assert!(matches!(
            read_regular(&path, 4),
            Err(ReadError::TooLarge(5))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_opened_and_pipes_do_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("file.md"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("file.md"), root.join("link.md")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("zero")).unwrap();
        assert!(open_regular(&root.join("file.md")).is_ok());
        for refused in ["link.md", "zero", "."] {
            let error = open_regular(&root.join(refused)).unwrap_err();
            assert_eq!(
                error.kind(),
                io::ErrorKind::InvalidInput,
                "{refused}: {error}"
            );
        }
        assert!(open_regular(Path::new("/dev/null")).is_err());
        let fifo = std::process::Command::new("mkfifo")
            .arg(root.join("pipe"))
            .status()
            .is_ok_and(|status| status.success());
        if fifo {
            // Opening a pipe nobody writes to would wait for ever.
            assert!(open_regular(&root.join("pipe")).is_err());
        } else {
            eprintln!("skipped the named pipe: mkfifo is not available");
        }
    }
}
