//! `#[proc_title]` and `proctitle!` on every supported shape, checked with
//! `proc_title::get()` during and after each call.
//!
//! All tests share the process title and run on parallel threads, so each one takes
//! `LOCK` while it changes or reads the title.

use std::fmt;
use std::future::Future;
use std::num::ParseIntError;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use proc_title::{proc_title, proctitle, SlotGuard, TitleGuard};

extern crate proc_title as renamed_title;

static LOCK: Mutex<()> = Mutex::new(());

const BASE: &str = "expand test: base";

/// Takes the title lock and sets the base title, so each test starts from `BASE`.
fn start() -> MutexGuard<'static, ()> {
    let guard = LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    // The name-only backend reports that the command line cannot change; `get()`
    // still shows the new title, which is all these tests read.
    let _ = proc_title::set(BASE);
    assert_eq!(proc_title::get(), BASE);
    guard
}

// ---- function shapes ----

#[proc_title("expand test: free {id} <stage:idle>")]
fn free(id: u32) -> String {
    proc_title::get()
}

#[proc_title("expand test: worker {id} <stage:idle>")]
fn with_stage(id: u32) -> (String, String) {
    let idle = proc_title::get();
    let _stage = proctitle!(stage = "loading {}", "orders");
    (idle, proc_title::get())
}

#[test]
fn free_function_shows_title_during_call() {
    let _lock = start();
    assert_eq!(free(7), "expand test: free 7 idle");
    assert_eq!(proc_title::get(), BASE);
}

#[test]
fn stage_fills_slot_of_function_title() {
    let _lock = start();
    let (idle, loading) = with_stage(3);
    assert_eq!(idle, "expand test: worker 3 idle");
    assert_eq!(loading, "expand test: worker 3 loading orders");
    assert_eq!(proc_title::get(), BASE);
}

struct Worker {
    id: u32,
}

impl fmt::Display for Worker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "worker#{}", self.id)
    }
}

impl Worker {
    #[proc_title("expand test: by value {self}")]
    fn by_value(self) -> String {
        proc_title::get()
    }

    #[proc_title("expand test: by ref {self} {label}")]
    fn by_ref(&self, label: &str) -> String {
        proc_title::get()
    }

    #[proc_title("expand test: by mut {self}")]
    fn by_mut(&mut self) -> String {
        self.id += 1;
        proc_title::get()
    }

    #[proc_title("expand test: boxed {self}")]
    fn boxed(self: Box<Self>) -> String {
        proc_title::get()
    }

    #[proc_title("expand test: associated {id}")]
    fn associated(id: u32) -> Worker {
        assert_eq!(proc_title::get(), format!("expand test: associated {id}"));
        Worker { id }
    }
}

#[test]
fn methods_with_every_receiver() {
    let _lock = start();
    let mut worker = Worker::associated(1);
    assert_eq!(worker.by_ref("ready"), "expand test: by ref worker#1 ready");
    assert_eq!(proc_title::get(), BASE);
    // The title is formatted before the body runs, so it shows the id before the
    // increment.
    assert_eq!(worker.by_mut(), "expand test: by mut worker#1");
    assert_eq!(worker.id, 2);
    assert_eq!(
        Box::new(Worker { id: 5 }).boxed(),
        "expand test: boxed worker#5"
    );
    assert_eq!(worker.by_value(), "expand test: by value worker#2");
    assert_eq!(proc_title::get(), BASE);
}

trait Job {
    fn run(&self) -> String;
}

struct Export;

impl Job for Export {
    #[proc_title("expand test: trait method <stage:queued>")]
    fn run(&self) -> String {
        proc_title::get()
    }
}

#[test]
fn trait_impl_method() {
    let _lock = start();
    assert_eq!(Export.run(), "expand test: trait method queued");
    assert_eq!(proc_title::get(), BASE);
}

#[proc_title("expand test: generic {value:?} [{count:>3}] {N}")]
fn generic<T, U, const N: usize>(value: T, count: U, items: [u8; N]) -> String
where
    T: fmt::Debug,
    U: fmt::Display + Copy,
{
    assert_eq!(items.len(), N);
    proc_title::get()
}

#[test]
fn generic_function_with_where_clause() {
    let _lock = start();
    assert_eq!(
        generic("a", 12, [0; 2]),
        "expand test: generic \"a\" [ 12] 2"
    );
    assert_eq!(proc_title::get(), BASE);
}

#[proc_title("expand test: impl {label}")]
fn impl_trait(label: impl fmt::Display, items: impl IntoIterator<Item = u32>) -> impl fmt::Display {
    let total: u32 = items.into_iter().sum();
    format!("{} total {total}", proc_title::get())
}

#[test]
fn impl_trait_in_argument_and_return() {
    let _lock = start();
    let shown = impl_trait("sum", [1, 2, 3]).to_string();
    assert_eq!(shown, "expand test: impl sum total 6");
    assert_eq!(proc_title::get(), BASE);
}

/// # Safety
/// `value` must point to a live `u32`.
#[proc_title("expand test: unsafe <stage:reading>")]
unsafe fn read_raw(value: *const u32) -> (u32, String) {
    // SAFETY: the caller guarantees that `value` points to a live `u32`.
    let read = unsafe { *value };
    (read, proc_title::get())
}

#[test]
fn unsafe_function() {
    let _lock = start();
    let number = 42u32;
    // SAFETY: `number` is a live `u32` for the whole call.
    let (read, shown) = unsafe { read_raw(&number) };
    assert_eq!(read, 42);
    assert_eq!(shown, "expand test: unsafe reading");
    assert_eq!(proc_title::get(), BASE);
}

#[proc_title("expand test: parse {text}")]
fn parse_number(text: &str, seen: &mut String) -> Result<u32, ParseIntError> {
    *seen = proc_title::get();
    let number = text.parse::<u32>()?;
    Ok(number * 2)
}

#[test]
fn result_with_question_mark() {
    let _lock = start();
    let mut seen = String::new();
    assert_eq!(parse_number("21", &mut seen), Ok(42));
    assert_eq!(seen, "expand test: parse 21");
    assert_eq!(proc_title::get(), BASE);

    assert!(parse_number("x1", &mut seen).is_err());
    assert_eq!(seen, "expand test: parse x1");
    assert_eq!(proc_title::get(), BASE);
}

#[proc_title("expand test: early {limit}")]
fn early_return(limit: u32, seen: &mut Vec<String>) -> u32 {
    for step in 0.. {
        seen.push(proc_title::get());
        if step == limit {
            return step;
        }
    }
    unreachable!("the loop returns at `limit`")
}

#[test]
fn early_return_restores_title() {
    let _lock = start();
    let mut seen = Vec::new();
    assert_eq!(early_return(2, &mut seen), 2);
    assert_eq!(seen, ["expand test: early 2"; 3]);
    assert_eq!(proc_title::get(), BASE);
}

#[proc_title("expand test: panics <stage:before>")]
fn panics(seen: &mut String) {
    *seen = proc_title::get();
    panic!("expand test: deliberate panic");
}

#[test]
fn panic_restores_title_while_unwinding() {
    let _lock = start();
    let mut seen = String::new();
    let result = panic::catch_unwind(AssertUnwindSafe(|| panics(&mut seen)));
    assert!(result.is_err());
    assert_eq!(seen, "expand test: panics before");
    assert_eq!(proc_title::get(), BASE);
}

#[proc_title("expand test: literal <<tag> {{braces}} <stage:idle>")]
fn escapes() -> String {
    proc_title::get()
}

#[test]
fn escaped_angle_and_braces() {
    let _lock = start();
    assert_eq!(escapes(), "expand test: literal <tag> {braces} idle");
}

#[proc_title("expand test: value {name} <stage>")]
fn value_with_angle(name: &str) -> String {
    proc_title::get()
}

#[test]
fn formatted_value_never_opens_slot() {
    let _lock = start();
    assert_eq!(
        value_with_angle("orders<2024>.csv"),
        "expand test: value orders<2024>.csv"
    );
    assert_eq!(value_with_angle("<stage>"), "expand test: value <stage>");
}

#[proc_title("expand test: nested outer <stage:idle>")]
fn outer() -> (String, String, String) {
    let before = proc_title::get();
    let inner_title = inner();
    (before, inner_title, proc_title::get())
}

#[proc_title("expand test: nested inner <stage:busy>")]
fn inner() -> String {
    proc_title::get()
}

#[test]
fn nested_calls_stack_frames() {
    let _lock = start();
    let (before, inner_title, after) = outer();
    assert_eq!(before, "expand test: nested outer idle");
    assert_eq!(inner_title, "expand test: nested inner busy");
    assert_eq!(after, "expand test: nested outer idle");
    assert_eq!(proc_title::get(), BASE);
}

// ---- options ----

#[proc_title("expand test: thread option", thread = "expand-worker")]
fn named_thread() -> (String, String) {
    (proc_title::get(), proc_title::thread::get())
}

#[test]
fn thread_option_names_calling_thread() {
    let _lock = start();
    let (during, after) = std::thread::Builder::new()
        .name("expand-origin".to_owned())
        .spawn(|| {
            let during = named_thread();
            (during, proc_title::thread::get())
        })
        .expect("spawn a thread")
        .join()
        .expect("the thread does not panic");
    assert_eq!(during.0, "expand test: thread option");
    assert_eq!(during.1, "expand-worker");
    assert_eq!(after, "expand-origin");
}

#[proc_title("expand test: renamed crate {id}", crate = renamed_title)]
fn renamed_crate(id: u32) -> String {
    proc_title::get()
}

#[test]
fn crate_option_uses_given_path() {
    let _lock = start();
    assert_eq!(renamed_crate(9), "expand test: renamed crate 9");
    assert_eq!(proc_title::get(), BASE);
}

#[cfg(target_os = "linux")]
#[proc_title("expand test: comm option", comm = "expand-comm")]
fn with_comm() -> String {
    std::fs::read_to_string("/proc/self/comm").expect("read /proc/self/comm")
}

#[cfg(target_os = "linux")]
#[test]
fn comm_option_sets_process_comm() {
    let _lock = start();
    let before = std::fs::read_to_string("/proc/self/comm").expect("read /proc/self/comm");
    assert_eq!(with_comm(), "expand-comm\n");
    let after = std::fs::read_to_string("/proc/self/comm").expect("read /proc/self/comm");
    assert_eq!(after, before);
}

// ---- async fn ----

/// Returns `Pending` once, then `Ready`.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        context.waker().wake_by_ref();
        Poll::Pending
    }
}

struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

#[proc_title("expand test: async job {job} <stage:waiting>")]
async fn async_job(job: u32) -> String {
    let first = proc_title::get();
    YieldOnce(false).await;
    let _stage = proctitle!(stage = "step {}/{}", 2, 2);
    YieldOnce(false).await;
    first
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn async_fn_frame_lives_from_first_poll_to_completion() {
    let _lock = start();
    let waker = Waker::from(Arc::new(NoopWake));
    let mut context = Context::from_waker(&waker);

    let mut job = Box::pin(async_job(4));
    assert_send(&job);
    assert_eq!(
        proc_title::get(),
        BASE,
        "nothing runs before the first poll"
    );

    assert!(job.as_mut().poll(&mut context).is_pending());
    assert_eq!(proc_title::get(), "expand test: async job 4 waiting");
    assert!(job.as_mut().poll(&mut context).is_pending());
    assert_eq!(proc_title::get(), "expand test: async job 4 step 2/2");
    match job.as_mut().poll(&mut context) {
        Poll::Ready(first) => assert_eq!(first, "expand test: async job 4 waiting"),
        Poll::Pending => panic!("the job finishes on the third poll"),
    }
    assert_eq!(proc_title::get(), BASE);
}

#[test]
fn async_fn_frame_ends_when_future_dropped() {
    let _lock = start();
    let waker = Waker::from(Arc::new(NoopWake));
    let mut context = Context::from_waker(&waker);

    let mut job = Box::pin(async_job(5));
    assert!(job.as_mut().poll(&mut context).is_pending());
    assert_eq!(proc_title::get(), "expand test: async job 5 waiting");
    drop(job);
    assert_eq!(proc_title::get(), BASE);
}

#[test]
fn async_fn_future_moves_between_threads() {
    let _lock = start();
    let waker = Waker::from(Arc::new(NoopWake));
    let mut job = Box::pin(async_job(6));
    {
        let mut context = Context::from_waker(&waker);
        assert!(job.as_mut().poll(&mut context).is_pending());
    }
    let title = std::thread::spawn(move || {
        let mut context = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(first) = job.as_mut().poll(&mut context) {
                return first;
            }
        }
    })
    .join()
    .expect("the polling thread does not panic");
    assert_eq!(title, "expand test: async job 6 waiting");
    assert_eq!(proc_title::get(), BASE);
}

// ---- proctitle! ----

#[test]
fn macro_title_guard_restores_on_drop() {
    let _lock = start();
    let file = "orders.csv";
    let guard: TitleGuard = proctitle!("expand test: import {} <stage>", file);
    assert_eq!(proc_title::get(), "expand test: import orders.csv");
    {
        let _stage: SlotGuard = proctitle!(stage = "scanning {}", "/tmp");
        assert_eq!(
            proc_title::get(),
            "expand test: import orders.csv scanning /tmp"
        );
    }
    assert_eq!(proc_title::get(), "expand test: import orders.csv");
    drop(guard);
    assert_eq!(proc_title::get(), BASE);
}

#[test]
fn macro_any_slot_name() {
    let _lock = start();
    let _title = proctitle!("expand test: <step:-> of <type:job>");
    assert_eq!(proc_title::get(), "expand test: - of job");
    let (i, n) = (3, 10);
    let _step = proctitle!(step = "{}/{}", i, n);
    let _type = proctitle!(r#type = "export");
    assert_eq!(proc_title::get(), "expand test: 3/10 of export");
}

#[test]
fn macro_formats_like_format() {
    let _lock = start();
    let x = 1234.56789_f64;
    let width = 6;
    let name = "ab";
    let items = [1, 2];
    // Each case: the macro's title, then `format!` with the same format and arguments.
    let cases: Vec<(String, String)> = vec![
        (
            show(proctitle!("{} and {}", 1, "two")),
            format!("{} and {}", 1, "two"),
        ),
        (
            show(proctitle!("{1} {0} {1}", "a", "b")),
            format!("{1} {0} {1}", "a", "b"),
        ),
        (
            show(proctitle!("{first}-{second}", first = 1, second = name)),
            format!("{first}-{second}", first = 1, second = name),
        ),
        (show(proctitle!("{name} {x}")), format!("{name} {x}")),
        (show(proctitle!("[{:>8}]", name)), format!("[{:>8}]", name)),
        (show(proctitle!("[{x:.3}]")), format!("[{x:.3}]")),
        (show(proctitle!("{:?}", items)), format!("{:?}", items)),
        (
            show(proctitle!("[{:width$}]", 7)),
            format!("[{:width$}]", 7),
        ),
        (
            show(proctitle!("[{:w$}]", 7, w = 4)),
            format!("[{:w$}]", 7, w = 4),
        ),
        (show(proctitle!("[{:.*}]", 2, x)), format!("[{:.*}]", 2, x)),
        (
            show(proctitle!("[{:1$}] [{0:>1$}]", 5, 4)),
            format!("[{:1$}] [{0:>1$}]", 5, 4),
        ),
        (
            show(proctitle!("[{:+#010x}]", 255)),
            format!("[{:+#010x}]", 255),
        ),
        (
            show(proctitle!("[{:*^9.2e}]", x)),
            format!("[{:*^9.2e}]", x),
        ),
        (show(proctitle!("{{{}}}", name)), format!("{{{}}}", name)),
        (show(proctitle!("{:#?}", (1,))), format!("{:#?}", (1,))),
    ];
    for (shown, expected) in cases {
        // Control characters such as the newlines of `{:#?}` show as `?`.
        let expected = expected.replace(|c: char| c.is_control(), "?");
        assert_eq!(shown, expected);
    }
    assert_eq!(proc_title::get(), BASE);
}

/// Returns the title while `guard` is alive, then drops it.
fn show(guard: TitleGuard) -> String {
    let shown = proc_title::get();
    drop(guard);
    shown
}

#[test]
fn macro_argument_evaluated_once() {
    let _lock = start();
    let mut calls = 0;
    let mut next = || {
        calls += 1;
        calls
    };
    let shown = show(proctitle!("expand test: {0} {0} {0:?}", next()));
    assert_eq!(shown, "expand test: 1 1 1");
    assert_eq!(calls, 1);
}

#[test]
fn macro_pointer_format_shows_argument() {
    let _lock = start();
    let number = 5;
    let reference = &number;
    let shown = show(proctitle!("{:p}", reference));
    assert_eq!(shown, format!("{:p}", reference));
}

#[test]
fn macro_value_with_angle_is_literal() {
    let _lock = start();
    let file = "a<b>";
    let _title = proctitle!("expand test: {file} <stage:idle> <<x");
    assert_eq!(proc_title::get(), "expand test: a<b> idle <x");
    let _stage = proctitle!(stage = "<{}>", "c");
    assert_eq!(proc_title::get(), "expand test: a<b> <c> <x");
}

#[test]
fn macro_temporary_arguments_live_long_enough() {
    let _lock = start();
    let shown = show(proctitle!(
        "expand test: {} {}",
        String::from("owned"),
        vec![1, 2].len()
    ));
    assert_eq!(shown, "expand test: owned 2");
}
