//! A route of the drop-folder configuration: inbox, folders, targets, uploads, flag files.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::Pattern;
use crate::error::{Error, Result};
use crate::formats::Format;
use crate::i18n::Message;
use crate::msg;
use crate::options::{ReadOptions, WriteOptions};
use crate::upload::Target as UploadTarget;

#[derive(Debug, Clone)]
pub struct Route {
    pub name: String,
    pub inbox: PathBuf,
    pub processing: PathBuf,
    pub outbox: PathBuf,
    pub done: PathBuf,
    pub error: PathBuf,
    pub patterns: Vec<Pattern>,
    /// The input format; detected per file when `None`.
    pub from: Option<String>,
    pub flag_file: Option<FlagFile>,
    pub read: ReadOptions,
    pub targets: Vec<Target>,
    /// `upload = …`: where the published outputs go after the conversion.
    pub uploads: Vec<RouteUpload>,
}

/// One `upload = …` of a route: the service, and the target whose output it sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteUpload {
    pub service: UploadTarget,
    /// `kassatka`, `bifit-csv` or `bifit-api` (the journal's name for it).
    pub name: &'static str,
    /// Index into the route's `targets`.
    pub target: usize,
}

impl RouteUpload {
    /// The output formats each service can send, in order of preference.
    pub fn formats(service: UploadTarget) -> &'static [&'static str] {
        match service {
            UploadTarget::Kassatka => &["kassatka-xml"],
            UploadTarget::BifitCsv => &["bifit-csv"],
            UploadTarget::BifitApi => &["bifit-json", "bifit-csv"],
        }
    }

    pub fn name_of(service: UploadTarget) -> &'static str {
        match service {
            UploadTarget::Kassatka => "kassatka",
            UploadTarget::BifitCsv => "bifit-csv",
            UploadTarget::BifitApi => "bifit-api",
        }
    }
}

impl Route {
    /// The package a file of this route may belong to, judged by its name: the format's package
    /// hook and the key its parts share (`None`: the file is converted alone).
    pub fn package_of(&self, name: &str) -> Option<(&'static crate::formats::Package, String)> {
        let named = self.from.as_deref().and_then(|f| crate::formats::find(f).ok());
        let candidates: Vec<&'static Format> = match named {
            Some(format) => vec![format],
            None => crate::formats::FORMATS.iter().collect(),
        };
        candidates.into_iter().find_map(|f| {
            let package = f.package?;
            (package.key)(name).map(|key| (package, format!("{}:{key}", f.name)))
        })
    }
}

#[derive(Clone)]
pub struct Target {
    pub format: &'static Format,
    pub outbox: PathBuf,
    /// The output's name: `{stem}`, `{name}`, `{ext}` and `{format}` are replaced.
    pub output: String,
    /// `flag_file`, if set, is absolute (relative names are taken in the outbox).
    pub write: WriteOptions,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("format", &self.format.name)
            .field("outbox", &self.outbox)
            .field("output", &self.output)
            .field("write", &self.write)
            .finish()
    }
}

impl Target {
    /// The output's file name for an input named `input_name`.
    pub fn output_name(&self, input_name: &str) -> String {
        let stem = Path::new(input_name).file_stem().and_then(OsStr::to_str).unwrap_or(input_name);
        self.render(&[("{stem}", stem), ("{name}", input_name)])
    }

    /// The output's file name with `{ext}` and `{format}` and the given placeholders replaced.
    pub fn render(&self, values: &[(&str, &str)]) -> String {
        let ext = self.format.extensions.first().copied().unwrap_or("out");
        let mut name = self.output.replace("{ext}", ext).replace("{format}", self.format.name);
        for (placeholder, value) in values {
            name = name.replace(placeholder, value);
        }
        name
    }
}

/// When a data file is complete: its flag file exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagFile {
    template: String,
}

impl FlagFile {
    pub fn new(template: &str) -> Self {
        FlagFile { template: template.to_string() }
    }

    /// The flag's name for a data file.
    pub fn for_file(&self, name: &str) -> String {
        let stem = Path::new(name).file_stem().and_then(OsStr::to_str).unwrap_or(name);
        self.template.replace("{name}", name).replace("{stem}", stem)
    }

    /// True when one fixed flag releases every file.
    pub fn is_fixed(&self) -> bool {
        !self.template.contains("{name}") && !self.template.contains("{stem}")
    }

    /// Matches every name that is a flag file (never taken as data).
    pub fn matcher(&self) -> Pattern {
        Pattern::new(&self.template.replace("{name}", "*").replace("{stem}", "*"))
    }
}

/// Route names unique; inboxes and processing folders not shared; a route never writes into its
/// own inbox (outputs would be taken as inputs). One route's outbox may be another's inbox.
pub(super) fn check_folders(name: &str, routes: &[Route]) -> Result<()> {
    let err = |m: Message| Err(Error::usage(msg!("watch-config-error", file = name, message = m)));
    let mut names = HashSet::new();
    let mut owned: Vec<(&Path, &str, &str)> = Vec::new();
    for r in routes {
        if !names.insert(r.name.as_str()) {
            return err(msg!("watch-config-route-twice", route = format!("{:?}", r.name)));
        }
        for (folder, role) in [(&r.inbox, "inbox"), (&r.processing, "processing")] {
            if let Some((_, other, other_role)) = owned.iter().find(|(p, _, _)| *p == folder.as_path()) {
                return err(msg!(
                    "watch-config-folder-shared",
                    route = format!("{:?}", r.name),
                    folder = folder.display().to_string(),
                    role = role,
                    other = format!("{other:?}"),
                    other_role = *other_role
                ));
            }
            owned.push((folder, &r.name, role));
        }
        let mut outs: Vec<(&Path, &str)> = vec![(&r.outbox, "outbox"), (&r.done, "done"), (&r.error, "error")];
        outs.extend(r.targets.iter().map(|t| (t.outbox.as_path(), "target outbox")));
        for (folder, role) in outs {
            if folder == r.inbox || folder == r.processing {
                return err(msg!(
                    "watch-config-writes-own-inbox",
                    route = format!("{:?}", r.name),
                    role = role,
                    folder = folder.display().to_string()
                ));
            }
        }
    }
    Ok(())
}
