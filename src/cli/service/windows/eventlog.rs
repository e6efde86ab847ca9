//! The Windows event log (Application), for a service's start, stop and errors: where an
//! administrator looks first. No message file is registered, so Event Viewer shows our text after
//! a note that the event's description is missing; the text itself is complete.

use std::sync::Arc;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::System::EventLog::{
    DeregisterEventSource, RegisterEventSourceW, ReportEventW, EVENTLOG_ERROR_TYPE, EVENTLOG_INFORMATION_TYPE,
};

/// An event source named after the service.
pub struct EventLog {
    handle: HANDLE,
}

// SAFETY: an event source handle may be used from any thread (ReportEvent is thread-safe).
unsafe impl Send for EventLog {}
unsafe impl Sync for EventLog {}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

impl EventLog {
    /// Opens the source; writing through a source that could not be opened does nothing.
    pub fn open(source: &str) -> Arc<EventLog> {
        let name = wide(source);
        // SAFETY: `name` is a NUL-terminated UTF-16 string that outlives the call.
        let handle = unsafe { RegisterEventSourceW(std::ptr::null(), name.as_ptr()) };
        Arc::new(EventLog { handle })
    }

    fn report(&self, kind: u16, text: &str) {
        if self.handle.is_null() {
            return;
        }
        let text = wide(text);
        let strings = [text.as_ptr()];
        // SAFETY: one valid NUL-terminated string; no SID, no raw data.
        unsafe {
            ReportEventW(self.handle, kind, 0, 0, std::ptr::null_mut(), 1, 0, strings.as_ptr(), std::ptr::null());
        }
    }

    pub fn error(&self, text: &str) {
        self.report(EVENTLOG_ERROR_TYPE, text);
    }

    pub fn info(&self, text: &str) {
        self.report(EVENTLOG_INFORMATION_TYPE, text);
    }
}

impl Drop for EventLog {
    fn drop(&mut self) {
        if !self.handle.is_null() {
            // SAFETY: the handle came from RegisterEventSourceW and is closed once.
            unsafe { DeregisterEventSource(self.handle) };
        }
    }
}

/// Sends the log's errors to the event log too (the full log is in the log files).
pub struct ErrorLayer {
    events: Arc<EventLog>,
}

impl ErrorLayer {
    pub fn new(events: Arc<EventLog>) -> Self {
        ErrorLayer { events }
    }
}

/// The message and the other fields of an event, as one line.
#[derive(Default)]
struct Line {
    message: String,
    fields: String,
}

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.fields.push_str(&format!(" {}={value:?}", field.name()));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.fields.push_str(&format!(" {}={value}", field.name()));
        }
    }
}

impl<S: Subscriber> Layer<S> for ErrorLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if *event.metadata().level() != Level::ERROR {
            return;
        }
        let mut line = Line::default();
        event.record(&mut line);
        self.events.error(&format!("{}{}", line.message, line.fields));
    }
}
