//! A [`tracing-subscriber`](tracing_subscriber) layer that shows the entered span as the
//! stage of the title. Needs the `tracing` feature.
//!
//! A service that already describes its work with [`tracing`] spans gets that description
//! in `ps` by adding [`StageLayer`] to its subscriber. While a span is entered, the layer
//! fills the `stage` slot with the span's name and the fields it was asked to show, and
//! exiting the span restores the previous stage:
//!
//! ```
//! use tracing_subscriber::prelude::*;
//!
//! tracing_subscriber::registry()
//!     .with(proc_title::tracing::StageLayer::new().with_fields(["file", "step"]))
//!     .init();
//!
//! let _title = proc_title::scope("ERP: importer [<stage:idle>]")?;
//! let span = tracing::info_span!("import", file = "orders.csv", step = 3, rows = 120);
//! {
//!     let _entered = span.enter();
//!     assert_eq!(proc_title::get(), "ERP: importer [import file=orders.csv step=3]");
//! }
//! assert_eq!(proc_title::get(), "ERP: importer [idle]");
//! # Ok::<(), proc_title::Error>(())
//! ```
//!
//! # Which stage shows
//!
//! The title has one `stage` slot for the whole process, and the latest value given to
//! it shows. With nested spans that is the innermost one. With spans entered on several
//! threads it is the span entered most recently on any thread, and when that span exits,
//! the stage of the most recent span that is still entered somewhere comes back. A span
//! entered on two threads at once gives the slot one value for each thread, and each
//! exit removes only the value of the thread that exits. Spans may exit in any order.
//!
//! An async task instrumented with a span enters it for each poll, so its stage shows
//! while the task runs on a worker thread and disappears while the task waits.
//!
//! Each entry and exit of a span updates the title under the runtime's lock. A per-layer
//! filter keeps frequent or noisy spans, such as those of libraries, out of the title:
//!
//! ```
//! use tracing_subscriber::{filter::filter_fn, prelude::*};
//!
//! let stages = proc_title::tracing::StageLayer::new()
//!     .with_filter(filter_fn(|metadata| metadata.target().starts_with("erp")));
//! tracing_subscriber::registry().with(stages).init();
//! ```
//!
//! # The title in log lines
//!
//! [`get`](crate::get) returns the title the process shows now, and
//! [`stage_value`](crate::stage_value) the value of the `stage` slot, so a log line or an
//! error report can include what the process was doing:
//!
//! ```
//! let _title = proc_title::scope("ERP: worker 1 [<stage>]")?;
//! let _stage = proc_title::stage("step 3/10");
//! tracing::warn!(
//!     title = %proc_title::get(),
//!     stage = proc_title::stage_value().as_deref(),
//!     "retrying the upload",
//! );
//! assert_eq!(proc_title::stage_value().as_deref(), Some("step 3/10"));
//! # Ok::<(), proc_title::Error>(())
//! ```

use std::fmt::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};

use ::tracing::field::{Field, Visit};
use ::tracing::span::{Attributes, Id, Record};
use ::tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

use crate::SlotGuard;

/// A [`Layer`] that fills a title slot, `stage` by default, with the entered span's name
/// and selected fields, as `import file=orders.csv step=3`.
///
/// Fields show in the order given to [`with_fields`](StageLayer::with_fields), and a
/// field that the span does not have or has not recorded is left out. A string field
/// shows as it is, any other value as `tracing` formats it for `?` or `%`.
///
/// Values recorded with [`Span::record`](::tracing::Span::record) show from the span's
/// next entry on, not while it is already entered.
///
/// The layer needs a subscriber that stores span data, such as
/// [`tracing_subscriber::registry()`].
#[derive(Debug)]
pub struct StageLayer {
    /// Key of this layer's data in a span's extensions, unique among `StageLayer`s.
    id: u64,
    slot: String,
    fields: Vec<String>,
}

impl Default for StageLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl StageLayer {
    /// Returns a layer that fills the `stage` slot with the span's name alone.
    pub fn new() -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        StageLayer {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            slot: "stage".to_owned(),
            fields: Vec::new(),
        }
    }

    /// Shows these fields after the span's name, as `name=value`, in this order.
    ///
    /// # Examples
    /// ```
    /// let layer = proc_title::tracing::StageLayer::new().with_fields(["file", "step"]);
    /// ```
    pub fn with_fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Fills the slot `name` instead of `stage`.
    ///
    /// # Examples
    /// ```
    /// use tracing_subscriber::prelude::*;
    ///
    /// tracing_subscriber::registry()
    ///     .with(proc_title::tracing::StageLayer::new().with_slot("job"))
    ///     .init();
    ///
    /// let _title = proc_title::scope("ERP: worker <job:idle>")?;
    /// let _entered = tracing::info_span!("nightly-report").entered();
    /// assert_eq!(proc_title::get(), "ERP: worker nightly-report");
    /// # Ok::<(), proc_title::Error>(())
    /// ```
    pub fn with_slot(mut self, name: impl Into<String>) -> Self {
        self.slot = name.into();
        self
    }

    /// Renders the stage text of a span named `name` from the recorded field values.
    fn render(&self, name: &str, values: &[Option<String>]) -> String {
        let mut text = name.to_owned();
        for (field, value) in self.fields.iter().zip(values) {
            if let Some(value) = value {
                let _ = write!(text, " {field}={value}");
            }
        }
        text
    }
}

/// The data of one [`StageLayer`] about one span.
struct SpanStage {
    layer: u64,
    /// The recorded values of the layer's selected fields, by position.
    values: Vec<Option<String>>,
    /// The text the slot shows while the span is entered.
    text: String,
    /// One slot guard for each entry that has not exited yet, with the key of the thread
    /// that entered.
    entries: Vec<(u64, SlotGuard)>,
}

/// The span extension with the data of every [`StageLayer`] of the subscriber.
#[derive(Default)]
struct SpanStages(Vec<SpanStage>);

impl SpanStages {
    fn for_layer(&mut self, layer: u64) -> Option<&mut SpanStage> {
        self.0.iter_mut().find(|stage| stage.layer == layer)
    }
}

/// Returns a key for the calling thread that no other thread of the process ever gets,
/// or `None` while the thread's locals are being destroyed.
fn thread_key() -> Option<u64> {
    static NEXT_KEY: AtomicU64 = AtomicU64::new(0);
    thread_local! {
        static KEY: u64 = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
    }
    KEY.try_with(|key| *key).ok()
}

/// Stores the values of the selected fields as they are recorded.
struct FieldRecorder<'a> {
    fields: &'a [String],
    values: &'a mut [Option<String>],
}

impl FieldRecorder<'_> {
    fn store(&mut self, field: &Field, value: impl FnOnce() -> String) {
        let position = self.fields.iter().position(|name| name == field.name());
        if let Some(slot) = position.and_then(|position| self.values.get_mut(position)) {
            *slot = Some(value());
        }
    }
}

impl Visit for FieldRecorder<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.store(field, || value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.store(field, || format!("{value:?}"));
    }
}

impl<S> Layer<S> for StageLayer
where
    S: Subscriber + for<'lookup> LookupSpan<'lookup>,
{
    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, context: Context<'_, S>) {
        let Some(span) = context.span(id) else {
            return;
        };
        let mut values = vec![None; self.fields.len()];
        if !self.fields.is_empty() {
            attributes.record(&mut FieldRecorder {
                fields: &self.fields,
                values: &mut values,
            });
        }
        let text = self.render(attributes.metadata().name(), &values);
        let stage = SpanStage {
            layer: self.id,
            values,
            text,
            entries: Vec::new(),
        };

        let mut extensions = span.extensions_mut();
        match extensions.get_mut::<SpanStages>() {
            Some(stages) => stages.0.push(stage),
            None => extensions.insert(SpanStages(vec![stage])),
        }
    }

    fn on_record(&self, id: &Id, record: &Record<'_>, context: Context<'_, S>) {
        if self.fields.is_empty() {
            return;
        }
        let Some(span) = context.span(id) else {
            return;
        };
        let mut extensions = span.extensions_mut();
        let Some(stage) = extensions
            .get_mut::<SpanStages>()
            .and_then(|stages| stages.for_layer(self.id))
        else {
            return;
        };
        record.record(&mut FieldRecorder {
            fields: &self.fields,
            values: &mut stage.values,
        });
        stage.text = self.render(span.name(), &stage.values);
    }

    fn on_enter(&self, id: &Id, context: Context<'_, S>) {
        let Some(thread) = thread_key() else {
            return;
        };
        let Some(span) = context.span(id) else {
            return;
        };
        let mut extensions = span.extensions_mut();
        if let Some(stage) = extensions
            .get_mut::<SpanStages>()
            .and_then(|stages| stages.for_layer(self.id))
        {
            let guard = crate::slot(&self.slot, &stage.text);
            stage.entries.push((thread, guard));
        }
    }

    fn on_exit(&self, id: &Id, context: Context<'_, S>) {
        let Some(thread) = thread_key() else {
            return;
        };
        let Some(span) = context.span(id) else {
            return;
        };
        let mut extensions = span.extensions_mut();
        let Some(stage) = extensions
            .get_mut::<SpanStages>()
            .and_then(|stages| stages.for_layer(self.id))
        else {
            return;
        };
        // Take the latest entry of this thread, because a span entered again while it is
        // entered, as in a recursive call, exits in the reverse order.
        let position = stage.entries.iter().rposition(|(key, _)| *key == thread);
        let guard = position.map(|position| stage.entries.remove(position));
        drop(extensions);
        drop(guard);
    }

    fn on_close(&self, id: Id, context: Context<'_, S>) {
        let Some(span) = context.span(&id) else {
            return;
        };
        // A span exited on another thread than the one that entered it leaves that
        // entry behind, so closing the span removes it.
        let mut extensions = span.extensions_mut();
        let entries = extensions
            .get_mut::<SpanStages>()
            .and_then(|stages| stages.for_layer(self.id))
            .map(|stage| std::mem::take(&mut stage.entries));
        drop(extensions);
        drop(entries);
    }
}
