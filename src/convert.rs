//! One conversion: pick the reader and the writer, stream the records from one to the other,
//! and put the output in place only when everything succeeded.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;
use crate::error::{Error, ErrorKind, Result};
use crate::formats::{self, Format};
use crate::model::{Header, Record};
use crate::options::{ReadOptions, WriteOptions};
use crate::output::{HeldOutput, OutputFile, OutputTarget};
use crate::pipeline::{Threads, THREADED_FROM};
use crate::sink::RecordSink;
use crate::text::RawInput;

#[derive(Debug, Clone, Default)]
pub struct ConvertOptions {
    /// The input format; detected when `None`.
    pub from: Option<String>,
    pub to: String,
    pub read: ReadOptions,
    pub write: WriteOptions,
    /// Whether reading gets a thread of its own (`--threads`).
    pub threads: Threads,
}

/// How I/O errors on standard output name it.
pub const STANDARD_OUTPUT: &str = "standard output";

/// Counts of what went through a conversion.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub groups: u64,
    pub products: u64,
    pub receipts: u64,
    pub orders: u64,
}

impl Counts {
    pub fn add(&mut self, record: &Record) {
        match record {
            Record::Group(_) => self.groups += 1,
            Record::Product(_) => self.products += 1,
            Record::Receipt(_) => self.receipts += 1,
            Record::Order(_) => self.orders += 1,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ConvertSummary {
    pub from: &'static str,
    pub to: &'static str,
    /// In English (a stable value); `encoding_text` says it in the language of the moment.
    pub encoding: String,
    pub encoding_text: crate::i18n::Message,
    pub counts: Counts,
    /// The file written; `None` for standard output.
    pub output: Option<PathBuf>,
}

/// The input's format: the one named, or the detected one.
pub fn reader_format(input: &RawInput, from: Option<&str>) -> Result<&'static Format> {
    let format = match from {
        Some(name) => formats::find(name)?,
        None => formats::detect(input)?,
    };
    if !format.can_read() {
        return Err(ErrorKind::Unsupported {
            format: format.name.into(),
            action: crate::msg!("fmt-action-be-read").into(),
        }
        .into());
    }
    Ok(format)
}

pub fn writer_format(to: &str) -> Result<&'static Format> {
    let format = formats::find(to)?;
    if !format.can_write() {
        return Err(ErrorKind::Unsupported {
            format: format.name.into(),
            action: crate::msg!("fmt-action-be-written").into(),
        }
        .into());
    }
    Ok(format)
}

/// Opens an input path. A folder is a package (the registry's `package` hook finds its files):
/// its first file is opened and the others are read with it (`read.with`).
pub fn open_path(path: &Path, from: Option<&str>, read: &mut ReadOptions) -> Result<RawInput> {
    if !path.is_dir() {
        return RawInput::open(path);
    }
    let (_, files) = formats::package_in(path, from)?;
    let mut files = files.into_iter();
    let first = files.next().expect("package_in finds at least one file");
    for other in files {
        if !read.with.contains(&other) {
            read.with.push(other);
        }
    }
    RawInput::open(&first)
}

/// `shop/goods.xml` → `shop/goods.json`; when that is the input itself, `shop/goods.canonical-json.json`.
pub fn default_output_path(input: &Path, to: &Format) -> PathBuf {
    let ext = to.extensions.first().copied().unwrap_or("out");
    let same = input.with_extension(ext);
    if same != input {
        return same;
    }
    let stem = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    input.with_file_name(format!("{stem}.{}.{ext}", to.name))
}

/// Decides, record by record, what goes to the writer (`false`: left out).
pub type Keep<'a> = &'a mut dyn FnMut(&Record) -> bool;

/// Passes records on while counting them (and calling a progress hook); with `keep`, only the
/// records it keeps.
pub struct CountingSink<'a, 'b> {
    pub inner: &'a mut dyn RecordSink,
    pub counts: Counts,
    pub on_record: Option<&'b mut dyn FnMut(&Counts)>,
    pub keep: Option<Keep<'b>>,
}

impl RecordSink for CountingSink<'_, '_> {
    fn begin(&mut self, header: &Header, diag: &mut Diagnostics) -> Result<()> {
        self.inner.begin(header, diag)
    }

    fn record(&mut self, record: Record, diag: &mut Diagnostics) -> Result<()> {
        if let Some(keep) = self.keep.as_mut() {
            if !keep(&record) {
                return Ok(());
            }
        }
        self.counts.add(&record);
        if let Some(hook) = self.on_record.as_mut() {
            hook(&self.counts);
        }
        self.inner.record(record, diag)
    }

    fn finish(&mut self, diag: &mut Diagnostics) -> Result<()> {
        self.inner.finish(diag)
    }
}

/// Reads on a thread of its own when the input is large enough for that to pay.
fn read_with_threads(
    read: formats::ReadFn,
    input: RawInput,
    opts: &ConvertOptions,
    sink: &mut dyn RecordSink,
    diag: &mut Diagnostics,
) -> Result<()> {
    let size = input.path.as_deref().and_then(|p| std::fs::metadata(p).ok()).map_or(0, |m| m.len());
    if opts.threads == Threads::One || size < THREADED_FROM {
        return read(input, &opts.read, sink, diag);
    }
    crate::pipeline::read_into(read, input, &opts.read, sink, diag)
}

/// Converts one input. The output file appears only if the whole conversion succeeded.
pub fn convert(
    input: RawInput,
    output: &OutputTarget,
    opts: &ConvertOptions,
    diag: &mut Diagnostics,
    on_record: Option<&mut dyn FnMut(&Counts)>,
) -> Result<ConvertSummary> {
    convert_filtered(input, output, opts, diag, on_record, None)
}

/// [`convert`], writing only the records `keep` keeps (the counts are of those).
pub fn convert_filtered<'b>(
    input: RawInput,
    output: &OutputTarget,
    opts: &ConvertOptions,
    diag: &mut Diagnostics,
    on_record: Option<&'b mut dyn FnMut(&Counts)>,
    keep: Option<Keep<'b>>,
) -> Result<ConvertSummary> {
    let from = reader_format(&input, opts.from.as_deref())?;
    let to = writer_format(&opts.to)?;
    if !from.kinds.iter().any(|k| to.kinds.contains(k)) {
        let kinds: Vec<String> = from.kinds.iter().map(|k| k.text().to_string()).collect();
        return Err(ErrorKind::Unsupported {
            format: to.name.into(),
            action: crate::msg!("fmt-action-hold-data-from", kinds = kinds.join("/"), format = from.name).into(),
        }
        .into());
    }
    let encoding = input.describe_encoding(opts.read.encoding.as_deref());
    let encoding_text = input.encoding_message(opts.read.encoding.as_deref());
    let read = from.reader.expect("checked by reader_format");
    // Writers report their I/O errors as `<output>`; here the destination is known.
    let (counts, written) = match output {
        OutputTarget::Stdout => {
            // Held in memory while small, so a failure writes nothing (see `HeldOutput`).
            let stdout = HeldOutput::stdout();
            let streamed = to.open_writer(Box::new(stdout.writer()), &opts.write).and_then(|mut sink| {
                let mut counting = CountingSink { inner: sink.as_mut(), counts: Counts::default(), on_record, keep };
                read_with_threads(read, input, opts, &mut counting, diag).map(|()| counting.counts)
            });
            // Named in the language of the messages (`STANDARD_OUTPUT` is the English name).
            let name = crate::tr!("fmt-standard-output");
            let counts = streamed.map_err(|e| e.naming_output(Path::new(&name)))?;
            stdout.release().map_err(|e| Error::io(&name, e))?;
            (counts, None)
        }
        OutputTarget::File(path) => {
            let file = OutputFile::open(path)?;
            let streamed = file.writer().and_then(|out| {
                let mut sink = to.open_writer(Box::new(out), &opts.write)?;
                let mut counting = CountingSink { inner: sink.as_mut(), counts: Counts::default(), on_record, keep };
                read_with_threads(read, input, opts, &mut counting, diag).map(|()| counting.counts)
            });
            let counts = streamed.map_err(|e| e.naming_output(path))?;
            let written = file.commit()?;
            (counts, Some(written))
        }
    };
    if let Some(flag) = &opts.write.flag_file {
        // The flag says "the file is complete": only after the output is in place.
        std::fs::write(flag, b"").map_err(|e| Error::io(flag, e))?;
    }
    Ok(ConvertSummary { from: from.name, to: to.name, encoding, encoding_text, counts, output: written })
}
