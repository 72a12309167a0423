//! Tests of `proc_title::tracing::StageLayer` with real spans, entered on one thread,
//! on several threads, and in async tasks.
#![cfg(feature = "tracing")]

use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex, MutexGuard, PoisonError};
use std::thread;

use proc_title::tracing::StageLayer;
use tracing::{info_span, Dispatch, Instrument};
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::prelude::*;

const TITLE: &str = "tracing test [<stage:idle>]";

/// Serializes the tests of this binary, because the title belongs to the whole process.
fn serialize() -> MutexGuard<'static, ()> {
    static TITLE_LOCK: Mutex<()> = Mutex::new(());
    TITLE_LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Returns a subscriber that has only `layer`.
fn dispatch(layer: StageLayer) -> Dispatch {
    Dispatch::new(tracing_subscriber::registry().with(layer))
}

/// Returns the title that shows for `stage`.
fn title_with(stage: &str) -> String {
    format!("tracing test [{stage}]")
}

#[test]
fn entered_span_fills_stage() {
    let _serial = serialize();
    let _title = proc_title::scope(TITLE).unwrap();
    tracing::dispatcher::with_default(&dispatch(StageLayer::new()), || {
        let span = info_span!("import");
        assert_eq!(proc_title::get(), title_with("idle"));
        {
            let _entered = span.enter();
            assert_eq!(proc_title::get(), title_with("import"));
            assert_eq!(proc_title::stage_value().as_deref(), Some("import"));
        }
        assert_eq!(proc_title::get(), title_with("idle"));
        assert_eq!(proc_title::stage_value(), None);
    });
}

#[test]
fn selected_fields_show_in_order() {
    let _serial = serialize();
    let _title = proc_title::scope(TITLE).unwrap();
    let layer = StageLayer::new().with_fields(["step", "file", "missing", "tags", "size"]);
    tracing::dispatcher::with_default(&dispatch(layer), || {
        let tags = vec!["eu", "b2b"];
        let size = std::net::Ipv4Addr::LOCALHOST;
        let span = info_span!(
            "import",
            file = "orders.csv",
            rows = 120,
            step = 3,
            tags = ?tags,
            size = %size,
        );
        let _entered = span.enter();
        assert_eq!(
            proc_title::stage_value().as_deref(),
            Some(r#"import step=3 file=orders.csv tags=["eu", "b2b"] size=127.0.0.1"#)
        );
    });
}

#[test]
fn nested_spans_restore_outer() {
    let _serial = serialize();
    let _title = proc_title::scope(TITLE).unwrap();
    let layer = StageLayer::new().with_fields(["file", "batch"]);
    tracing::dispatcher::with_default(&dispatch(layer), || {
        let _import = info_span!("import", file = "orders.csv").entered();
        assert_eq!(proc_title::get(), title_with("import file=orders.csv"));
        for batch in 1..=2 {
            let _load = info_span!("load", batch).entered();
            assert_eq!(
                proc_title::get(),
                title_with(&format!("load batch={batch}"))
            );
        }
        assert_eq!(proc_title::get(), title_with("import file=orders.csv"));
    });
    assert_eq!(proc_title::get(), title_with("idle"));
}

#[test]
fn spans_exit_out_of_order() {
    let _serial = serialize();
    let _title = proc_title::scope(TITLE).unwrap();
    tracing::dispatcher::with_default(&dispatch(StageLayer::new()), || {
        let outer = info_span!("outer");
        let inner = info_span!("inner");
        let outer_entered = outer.enter();
        let inner_entered = inner.enter();
        assert_eq!(proc_title::get(), title_with("inner"));
        drop(outer_entered);
        assert_eq!(proc_title::get(), title_with("inner"));
        drop(inner_entered);
        assert_eq!(proc_title::get(), title_with("idle"));
    });
}

#[test]
fn span_reentered_on_same_thread() {
    let _serial = serialize();
    let _title = proc_title::scope(TITLE).unwrap();
    tracing::dispatcher::with_default(&dispatch(StageLayer::new()), || {
        let outer = info_span!("walk");
        let first = outer.enter();
        let inner = info_span!("inner").entered();
        let second = outer.enter();
        assert_eq!(proc_title::get(), title_with("walk"));
        drop(second);
        assert_eq!(proc_title::get(), title_with("inner"));
        drop(inner);
        assert_eq!(proc_title::get(), title_with("walk"));
        drop(first);
        assert_eq!(proc_title::get(), title_with("idle"));
    });
}

#[test]
fn latest_span_on_any_thread_shows() {
    let _serial = serialize();
    let _title = proc_title::scope(TITLE).unwrap();
    let dispatch = dispatch(StageLayer::new());
    let (alpha, beta) =
        tracing::dispatcher::with_default(&dispatch, || (info_span!("alpha"), info_span!("beta")));

    // Each thread enters its span on its first command and exits it on the second.
    let spawn = |span: tracing::Span| {
        let (command_sender, commands) = mpsc::channel::<()>();
        let (done_sender, done) = mpsc::channel::<()>();
        let thread = thread::spawn(move || {
            commands.recv().unwrap();
            let entered = span.enter();
            done_sender.send(()).unwrap();
            commands.recv().unwrap();
            drop(entered);
            done_sender.send(()).unwrap();
        });
        (command_sender, done, thread)
    };
    let (alpha_commands, alpha_done, alpha_thread) = spawn(alpha);
    let (beta_commands, beta_done, beta_thread) = spawn(beta);

    alpha_commands.send(()).unwrap();
    alpha_done.recv().unwrap();
    assert_eq!(proc_title::get(), title_with("alpha"));

    beta_commands.send(()).unwrap();
    beta_done.recv().unwrap();
    assert_eq!(proc_title::get(), title_with("beta"));

    beta_commands.send(()).unwrap();
    beta_done.recv().unwrap();
    assert_eq!(proc_title::get(), title_with("alpha"));

    alpha_commands.send(()).unwrap();
    alpha_done.recv().unwrap();
    assert_eq!(proc_title::get(), title_with("idle"));

    alpha_thread.join().unwrap();
    beta_thread.join().unwrap();
}

#[test]
fn span_entered_on_two_threads() {
    let _serial = serialize();
    let _title = proc_title::scope(TITLE).unwrap();
    let dispatch = dispatch(StageLayer::new().with_fields(["queue"]));
    let span =
        tracing::dispatcher::with_default(&dispatch, || info_span!("drain", queue = "orders"));
    let stage = "drain queue=orders";

    // Steps: both threads enter, the main thread checks, the first thread exits, the
    // main thread checks, the second thread exits.
    let barrier = Arc::new(Barrier::new(3));
    let threads: Vec<_> = (0..2)
        .map(|index| {
            let span = span.clone();
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                let entered = span.enter();
                barrier.wait();
                barrier.wait();
                if index == 0 {
                    drop(entered);
                    barrier.wait();
                    barrier.wait();
                } else {
                    barrier.wait();
                    barrier.wait();
                    drop(entered);
                }
                barrier.wait();
            })
        })
        .collect();

    barrier.wait();
    assert_eq!(proc_title::get(), title_with(stage));
    barrier.wait();
    barrier.wait();
    // The second thread is still inside the span.
    assert_eq!(proc_title::get(), title_with(stage));
    barrier.wait();
    barrier.wait();
    assert_eq!(proc_title::get(), title_with("idle"));
    for thread in threads {
        thread.join().unwrap();
    }
}

#[test]
fn recorded_value_shows_on_next_entry() {
    let _serial = serialize();
    let _title = proc_title::scope(TITLE).unwrap();
    let layer = StageLayer::new().with_fields(["step"]);
    tracing::dispatcher::with_default(&dispatch(layer), || {
        let span = info_span!("import", step = tracing::field::Empty);
        {
            let _entered = span.enter();
            assert_eq!(proc_title::get(), title_with("import"));
            span.record("step", 2);
            // Recorded while entered: the stage shown does not change yet.
            assert_eq!(proc_title::get(), title_with("import"));
        }
        let _entered = span.enter();
        assert_eq!(proc_title::get(), title_with("import step=2"));
    });
}

#[test]
fn two_layers_fill_two_slots() {
    let _serial = serialize();
    let _title = proc_title::scope("tracing test <stage:idle> <job:none>").unwrap();
    let subscriber = tracing_subscriber::registry()
        .with(StageLayer::new())
        .with(StageLayer::new().with_slot("job").with_fields(["id"]));
    tracing::subscriber::with_default(subscriber, || {
        let _entered = info_span!("report", id = 7).entered();
        assert_eq!(proc_title::get(), "tracing test report report id=7");
    });
    assert_eq!(proc_title::get(), "tracing test idle none");
}

#[test]
fn filtered_spans_leave_stage() {
    let _serial = serialize();
    let _title = proc_title::scope(TITLE).unwrap();
    let layer =
        StageLayer::new().with_filter(filter_fn(|metadata| metadata.target().starts_with("erp")));
    let subscriber = tracing_subscriber::registry().with(layer);
    tracing::subscriber::with_default(subscriber, || {
        let _import = info_span!(target: "erp::import", "import").entered();
        let _pool = info_span!(target: "database", "checkout").entered();
        assert_eq!(proc_title::get(), title_with("import"));
    });
}

#[test]
fn instrumented_task_shows_stage_while_polled() {
    let _serial = serialize();
    let _title = proc_title::scope(TITLE).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let dispatch = dispatch(StageLayer::new().with_fields(["order"]));
    let span = tracing::dispatcher::with_default(&dispatch, || info_span!("ship", order = 42));

    let (release_sender, release) = mpsc::channel::<()>();
    let (polled_sender, polled) = mpsc::channel::<String>();
    let task = runtime.spawn(
        async move {
            polled_sender.send(proc_title::get()).unwrap();
            // The blocking pool waits for the release, so the task waits without a span.
            let released = tokio::task::spawn_blocking(move || release.recv()).await;
            released.unwrap().unwrap();
            proc_title::get()
        }
        .instrument(span),
    );

    // While the task runs, its span is entered on the worker thread.
    assert_eq!(polled.recv().unwrap(), title_with("ship order=42"));
    // While it waits for `release`, the span is exited again. The worker exits the span
    // right after the poll returns, so wait for that.
    let waiting_title = wait_for_title(&title_with("idle"));
    assert_eq!(waiting_title, title_with("idle"));

    release_sender.send(()).unwrap();
    let title_after_wake = runtime.block_on(task).unwrap();
    assert_eq!(title_after_wake, title_with("ship order=42"));
    assert_eq!(proc_title::get(), title_with("idle"));
}

/// Returns the title once it is `expected`, or the last title seen after two seconds.
fn wait_for_title(expected: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        let title = proc_title::get();
        if title == expected || std::time::Instant::now() > deadline {
            return title;
        }
        thread::sleep(std::time::Duration::from_millis(5));
    }
}
