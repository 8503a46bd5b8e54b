//! The priority of the app's own housekeeping (the day's upkeep): a thread
//! of its own in the idle I/O class, so that what the user asked for reads
//! from the disk first.

/// Runs `work` on a new thread named `name` that first puts itself in the
/// idle I/O class ([`lower_this_thread_s_io`]); threads it starts inherit
/// it. A thread of its own, because a pooled thread would keep the class for
/// the user's next command. Its CPU priority stays as it is: at the lowest,
/// a busy laptop (a build, a video call) would hold the upkeep, and with it
/// the workspace's write lock once it writes, for minutes. `Err` when no
/// thread could be started.
pub fn spawn_low_priority(name: &str, work: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            if let Err(problem) = lower_this_thread_s_io() {
                eprintln!("leadstream: background work reads at normal priority ({problem})");
            }
            work();
        })
        .map(drop)
}

/// Puts the calling thread in the idle I/O class: its reads from the disk
/// are served when no one else's are waiting (Linux's BFQ and mq-deadline
/// schedulers; `none` ignores it). Linux only; elsewhere the
/// thread keeps its class. Set with util-linux's `ionice`, which every
/// Debian and Ubuntu system has: neither the standard library nor a
/// maintained crate has a safe call for `ioprio_set`.
#[cfg(target_os = "linux")]
fn lower_this_thread_s_io() -> std::result::Result<(), String> {
    let thread = this_thread_id()?;
    let ionice = std::process::Command::new("ionice")
        .args(["--class", "3", "--pid", &thread])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .map_err(|error| format!("ionice could not be run: {error}"))?;
    if !ionice.status.success() {
        return Err(format!(
            "ionice failed: {}",
            String::from_utf8_lossy(&ionice.stderr).trim()
        ));
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn lower_this_thread_s_io() -> std::result::Result<(), String> {
    Ok(())
}

/// The kernel's id of the calling thread, from `/proc/thread-self`
/// (a link to `PID/task/TID`).
#[cfg(target_os = "linux")]
fn this_thread_id() -> std::result::Result<String, String> {
    let link = std::fs::read_link("/proc/thread-self")
        .map_err(|error| format!("/proc/thread-self could not be read: {error}"))?;
    link.file_name()
        .and_then(|id| id.to_str())
        .filter(|id| !id.is_empty() && id.bytes().all(|byte| byte.is_ascii_digit()))
        .map(str::to_owned)
        .ok_or_else(|| format!("/proc/thread-self names no thread ({})", link.display()))
}

#[cfg(test)]
#[cfg(target_os = "linux")]
mod tests {
    use super::*;

    /// The calling thread's I/O class as `ionice` names it.
    fn io_class_of_this_thread() -> String {
        let ionice = std::process::Command::new("ionice")
            .args(["--pid", &this_thread_id().unwrap()])
            .output()
            .unwrap();
        assert!(ionice.status.success(), "{ionice:?}");
        String::from_utf8_lossy(&ionice.stdout).trim().to_owned()
    }

    #[test]
    fn a_low_priority_thread_and_the_threads_it_starts_read_in_the_idle_class() {
        let caller = io_class_of_this_thread();
        assert_ne!(caller, "idle");
        let (sent, received) = std::sync::mpsc::channel();
        spawn_low_priority("test-background", move || {
            let own = io_class_of_this_thread();
            let child = std::thread::spawn(io_class_of_this_thread).join().unwrap();
            sent.send((own, child)).unwrap();
        })
        .unwrap();
        let (own, child) = received
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap();
        assert_eq!(own, "idle");
        assert_eq!(child, "idle", "a thread it starts inherits its class");
        assert_eq!(
            io_class_of_this_thread(),
            caller,
            "the caller keeps its own"
        );
    }

    #[test]
    fn the_thread_id_is_the_calling_thread_s() {
        let this = this_thread_id().unwrap();
        let task = format!("/proc/{}/task/{this}", std::process::id());
        assert!(std::path::Path::new(&task).exists(), "{task}");
        let other = std::thread::spawn(|| this_thread_id().unwrap())
            .join()
            .unwrap();
        assert_ne!(this, other);
    }
}
