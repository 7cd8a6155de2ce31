//! Untrusted files are read in worker processes, so that an abort, a runaway allocation, a
//! hang or a panic in any reader (calamine, zip, the Word reader) costs only that file.
//!
//! The binary starts workers as `ctg lecteur …` (a hidden command): each reads one JSON
//! request a line on its standard input and answers one JSON line on its standard output,
//! under an address-space limit (`setrlimit`; on Windows a Job Object, which also ends the
//! workers with the parent) and a time limit per file enforced by the parent. A worker that dies or overruns is killed and replaced; the file is rejected with
//! `CTG-E127` and the cause in French. The library only knows the protocol; the caller says
//! how to start a worker ([`Command`]). In the browser the same requests go to Web Workers.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

/// Limits of one worker.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Address space of the worker process, in bytes.
    pub memory: u64,
    /// Time to answer one request.
    pub time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory: 2 << 30,
            time: Duration::from_secs(20),
        }
    }
}

/// Why a request got no answer, in French, for the diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub enum Interrupted {
    Timeout(Duration),
    /// Killed by a signal or an abort: almost always the memory limit.
    Died {
        memory: u64,
        detail: String,
    },
    /// The worker answered something that is not an answer.
    Garbled,
    Spawn(String),
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Interrupted::Timeout(d) => write!(
                f,
                "lecture interrompue : le fichier a demandé plus de {} s de lecture",
                d.as_secs()
            ),
            Interrupted::Died { memory, detail } => write!(
                f,
                "lecture interrompue : le fichier demande plus de {} de mémoire ou a fait échouer le lecteur ({detail})",
                human_bytes(*memory)
            ),
            Interrupted::Garbled => {
                f.write_str("lecture interrompue : réponse illisible du lecteur")
            }
            Interrupted::Spawn(e) => write!(f, "le lecteur isolé n'a pas pu démarrer : {e}"),
        }
    }
}

fn human_bytes(n: u64) -> String {
    if n >= 1 << 30 && n.is_multiple_of(1 << 30) {
        format!("{} Go", n >> 30)
    } else {
        format!("{} Mo", n >> 20)
    }
}

/// How to start a worker: program and arguments.
#[derive(Debug, Clone)]
pub struct Command {
    pub program: std::path::PathBuf,
    pub args: Vec<std::ffi::OsString>,
    /// Environment of the worker (e.g. allocator options read at process start).
    pub envs: Vec<(std::ffi::OsString, std::ffi::OsString)>,
    pub limits: Limits,
}

/// The environment variable that carries the worker's address-space limit: the worker sets
/// it on itself before it reads anything ([`serve`]), so that the parent can start it with
/// `posix_spawn` (a `fork` with a pre-exec hook copies the parent's page tables: slow).
pub const LIMIT_VAR: &str = "CTG_LIMITE_MEMOIRE_OCTETS";

/// One worker process and the thread that reads its answers.
pub struct Worker {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<String>,
    limits: Limits,
}

impl Worker {
    pub fn spawn(cmd: &Command) -> Result<Worker, Interrupted> {
        let mut c = std::process::Command::new(&cmd.program);
        c.args(&cmd.args)
            .envs(cmd.envs.iter().map(|(k, v)| (k, v)))
            .env(LIMIT_VAR, cmd.limits.memory.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        // On Windows, the worker goes into the Job Object before its first request (so before
        // it reads anything), and Ctrl+C cannot end this process between the two.
        #[cfg(windows)]
        let critical = crate::io::cleanup::critical();
        let mut child = c
            .spawn()
            .map_err(|e| Interrupted::Spawn(crate::error::io_message(&e)))?;
        #[cfg(windows)]
        {
            if let Err(e) = confine(&child, cmd.limits.memory) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Interrupted::Spawn(crate::error::io_message(&e)));
            }
            drop(critical);
        }
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let (tx, answers) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                match r.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if tx.send(line).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Ok(Worker {
            child,
            stdin,
            answers,
            limits: cmd.limits,
        })
    }

    /// Sends one request and waits for its answer within the time limit. On any failure the
    /// worker is dead: the caller drops it and starts another.
    pub fn call(&mut self, request: &str) -> Result<String, Interrupted> {
        self.send(request)?;
        self.receive()
    }

    /// Sends one request without waiting for its answer.
    fn send(&mut self, request: &str) -> Result<(), Interrupted> {
        let sent = self
            .stdin
            .write_all(request.as_bytes())
            .and_then(|_| self.stdin.write_all(b"\n"))
            .and_then(|_| self.stdin.flush());
        sent.map_err(|_| self.death())
    }

    /// The answer to the oldest request not yet answered, within the time limit.
    fn receive(&mut self) -> Result<String, Interrupted> {
        match self.answers.recv_timeout(self.limits.time) {
            Ok(line) => Ok(line),
            Err(RecvTimeoutError::Timeout) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                Err(Interrupted::Timeout(self.limits.time))
            }
            Err(RecvTimeoutError::Disconnected) => Err(self.death()),
        }
    }

    fn death(&mut self) -> Interrupted {
        let _ = self.child.kill();
        let status = self.child.wait();
        let detail = match status {
            Ok(s) => describe(s),
            Err(e) => crate::error::io_message(&e),
        };
        Interrupted::Died {
            memory: self.limits.memory,
            detail,
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a signal that ended a reader means, in French.
#[cfg(unix)]
fn signal_text(sig: i32) -> String {
    match sig {
        libc::SIGABRT => "arrêt sur allocation impossible".into(),
        libc::SIGKILL => "processus tué".into(),
        libc::SIGSEGV => "accès mémoire invalide".into(),
        n => format!("signal {n}"),
    }
}

/// What the status of a Windows process that ended on an exception means, in French (the
/// exit code is then an NTSTATUS): `None` for an ordinary exit code.
#[cfg_attr(not(windows), allow(dead_code))]
fn windows_status_text(code: u32) -> Option<&'static str> {
    Some(match code {
        // What `abort` (and so a failed allocation) ends with: `__fastfail`.
        0xC000_0409 => "arrêt sur allocation impossible",
        0xC000_0017 => "mémoire insuffisante",
        0xC000_0005 => "accès mémoire invalide",
        0xC000_00FD => "dépassement de pile",
        0xC000_013A => "interrompu au clavier (Ctrl+C)",
        _ => return None,
    })
}

fn describe(s: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = s.signal() {
            return signal_text(sig);
        }
    }
    #[cfg(windows)]
    if let Some(text) = s.code().and_then(|c| windows_status_text(c as u32)) {
        return text.into();
    }
    match s.code() {
        Some(c) => format!("code de sortie {c}"),
        None => "arrêt anormal".into(),
    }
}

/// Runs `work` in a child process made by `fork` (no new program started: a one-file `valider`
/// pays for isolation a fraction of a millisecond instead of a whole process start), under
/// the same memory and time limits as a worker. Only safe while this process has a single
/// thread: `None` otherwise (or off Unix), and the caller uses a worker.
#[cfg(target_os = "linux")]
pub fn call_forked(
    limits: Limits,
    work: impl FnOnce() -> String,
) -> Option<Result<String, Interrupted>> {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    let threads = std::fs::read_dir("/proc/self/task").ok()?.count();
    if threads != 1 {
        return None;
    }
    let mut fds = [0i32; 2];
    // SAFETY: pipe2 with a valid two-int array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return None;
    }
    // SAFETY: the process has one thread (checked above), so the child is a full copy.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
        return None;
    }
    if pid == 0 {
        // The child: limits first, then the work; its answer goes up the pipe. Whatever a
        // reader or the runtime prints on its way down («memory allocation of … bytes
        // failed») goes nowhere, as with the pool's workers.
        unsafe { libc::close(fds[0]) };
        std::panic::set_hook(Box::new(|_| {}));
        // SAFETY: open and dup2 on a path literal and descriptors of this process.
        unsafe {
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
            if null >= 0 {
                libc::dup2(null, 2);
                libc::close(null);
            }
        }
        let lim = libc::rlimit {
            rlim_cur: limits.memory as libc::rlim_t,
            rlim_max: limits.memory as libc::rlim_t,
        };
        unsafe { libc::setrlimit(libc::RLIMIT_AS, &lim) };
        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
            .unwrap_or_else(|_| "{}".into());
        let mut out = unsafe { std::fs::File::from_raw_fd(fds[1]) };
        let _ = out.write_all(answer.as_bytes());
        drop(out);
        unsafe { libc::_exit(0) };
    }
    unsafe { libc::close(fds[1]) };
    let mut input = unsafe { std::fs::File::from_raw_fd(fds[0]) };
    // The answer is read on a thread so that the time limit holds.
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut buf = String::new();
        let _ = input.read_to_string(&mut buf);
        let _ = tx.send(buf);
    });
    let wait = |pid: i32| {
        let mut status = 0;
        unsafe { libc::waitpid(pid, &mut status, 0) };
        status
    };
    Some(match rx.recv_timeout(limits.time) {
        Ok(answer) => {
            let status = wait(pid);
            if libc::WIFSIGNALED(status) || answer.is_empty() {
                let detail = if libc::WIFSIGNALED(status) {
                    signal_text(libc::WTERMSIG(status))
                } else {
                    format!("code de sortie {}", libc::WEXITSTATUS(status))
                };
                Err(Interrupted::Died {
                    memory: limits.memory,
                    detail,
                })
            } else {
                Ok(answer)
            }
        }
        Err(_) => {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            wait(pid);
            Err(Interrupted::Timeout(limits.time))
        }
    })
}

/// Runs requests through one worker, two at a time, so that the worker reads the next file
/// while this thread handles the answer to the last one. `next` gives the requests (an id and
/// the request) until `None`; `done` gets each answer or the reason there is none, in the
/// order of the requests. When the worker dies or overruns, the request it was answering is
/// the one blamed (a worker answers in order); the other one is sent again to a new worker.
pub fn pipeline(
    cmd: &Command,
    mut next: impl FnMut() -> Option<(usize, String)>,
    mut done: impl FnMut(usize, Result<String, Interrupted>),
) {
    use std::collections::VecDeque;
    let mut worker: Option<Worker> = None;
    // Sent and not yet answered, oldest first; to send again after a worker's death.
    let mut sent: VecDeque<(usize, String)> = VecDeque::new();
    let mut again: VecDeque<(usize, String)> = VecDeque::new();
    loop {
        while sent.len() < 2 {
            let Some((id, request)) = again.pop_front().or_else(&mut next) else {
                break;
            };
            let w = match &mut worker {
                Some(w) => w,
                None => match Worker::spawn(cmd) {
                    Ok(w) => worker.insert(w),
                    Err(why) => {
                        done(id, Err(why));
                        continue;
                    }
                },
            };
            match w.send(&request) {
                Ok(()) => sent.push_back((id, request)),
                // Nothing else in flight: this request is the one the worker died on.
                Err(why) if sent.is_empty() => {
                    worker = None;
                    done(id, Err(why));
                }
                // The worker died on an earlier request, blamed below; this one goes again.
                Err(_) => {
                    again.push_front((id, request));
                    break;
                }
            }
        }
        // Nothing in flight means nothing left: the loop above stops early only with a
        // request in flight.
        let Some(w) = worker.as_mut().filter(|_| !sent.is_empty()) else {
            break;
        };
        let answer = w.receive();
        let failed = answer.is_err();
        let (id, _) = sent.pop_front().expect("a request in flight");
        done(id, answer);
        if failed {
            worker = None;
            while let Some(x) = sent.pop_back() {
                again.push_front(x);
            }
        }
    }
}

thread_local! {
    static WORKER: std::cell::RefCell<Option<Worker>> = const { std::cell::RefCell::new(None) };
}

/// Runs a request on this thread's worker, starting (or restarting) it as needed. The
/// answer is `Err` only when the worker could not answer; then the file is to be rejected.
pub fn call(cmd: &Command, request: &str) -> Result<String, Interrupted> {
    WORKER.with(|w| {
        let mut w = w.borrow_mut();
        if w.is_none() {
            *w = Some(Worker::spawn(cmd)?);
        }
        let result = w.as_mut().expect("just set").call(request);
        if result.is_err() {
            *w = None;
        }
        result
    })
}

/// Puts the address-space limit the parent asked for ([`LIMIT_VAR`]) on this process
/// (`setrlimit`). On Windows the parent does it instead, with a Job Object ([`confine`]).
fn limit_self() -> std::io::Result<()> {
    #[cfg(unix)]
    if let Some(memory) = std::env::var(LIMIT_VAR)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        let lim = libc::rlimit {
            rlim_cur: memory as libc::rlim_t,
            rlim_max: memory as libc::rlim_t,
        };
        // SAFETY: setrlimit with a valid struct.
        if unsafe { libc::setrlimit(libc::RLIMIT_AS, &lim) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Windows: puts a worker in this process's Job Object, made on first use, in which each
/// process may commit at most `memory` bytes (an allocation beyond fails, and the reader ends
/// as under `setrlimit`), and which kills its processes when its last handle closes, that is
/// when this process ends, however it ends (Ctrl+C, a crash, the task manager): no worker is
/// left waiting for requests. The handle is not inheritable, so workers do not hold it.
#[cfg(windows)]
fn confine(child: &Child, memory: u64) -> std::io::Result<()> {
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
        JOB_OBJECT_LIMIT_PROCESS_MEMORY, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
        JobObjectExtendedLimitInformation, SetInformationJobObject,
    };
    // The handle as an integer (a HANDLE is a pointer, which a static cannot share); the
    // error as its code. The first worker's limit is every worker's: one run has one limit.
    static JOB: std::sync::OnceLock<Result<usize, i32>> = std::sync::OnceLock::new();
    let code = |e: std::io::Error| e.raw_os_error().unwrap_or(0);
    let job = JOB.get_or_init(|| {
        // SAFETY: plain Win32 calls on a job this function creates, with a zeroed structure
        // of the size passed.
        unsafe {
            let job = CreateJobObjectW(std::ptr::null(), std::ptr::null());
            if job.is_null() {
                return Err(code(std::io::Error::last_os_error()));
            }
            let mut info: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = std::mem::zeroed();
            info.BasicLimitInformation.LimitFlags =
                JOB_OBJECT_LIMIT_PROCESS_MEMORY | JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            info.ProcessMemoryLimit = usize::try_from(memory).unwrap_or(usize::MAX);
            if SetInformationJobObject(
                job,
                JobObjectExtendedLimitInformation,
                (&raw const info).cast(),
                std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
            ) == 0
            {
                let e = code(std::io::Error::last_os_error());
                CloseHandle(job);
                return Err(e);
            }
            Ok(job as usize)
        }
    });
    let job = (*job).map_err(std::io::Error::from_raw_os_error)?;
    // SAFETY: the job lives as long as this process; the child's handle is open.
    if unsafe { AssignProcessToJobObject(job as HANDLE, child.as_raw_handle() as HANDLE) } == 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// The worker side: answers each request line with `handle`'s line. A panic while handling
/// a request is answered by `on_panic`, without any panic text.
pub fn serve(
    handle: impl Fn(&str) -> String,
    on_panic: impl Fn(&str) -> String,
) -> std::io::Result<()> {
    std::panic::set_hook(Box::new(|_| {}));
    limit_self()?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        let mut answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(&line)))
            .unwrap_or_else(|_| on_panic(&line));
        debug_assert!(!answer.contains('\n'));
        // One write per answer, newline included (stdout flushes at each newline).
        answer.push('\n');
        out.write_all(answer.as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn windows_exception_statuses_are_said_in_french() {
        // -1073740791, what a Rust program that aborts ends with on Windows.
        assert_eq!(
            super::windows_status_text(-1_073_740_791_i32 as u32),
            Some("arrêt sur allocation impossible")
        );
        assert_eq!(
            super::windows_status_text(0xC000_0005),
            Some("accès mémoire invalide")
        );
        assert_eq!(super::windows_status_text(1), None);
    }
}
