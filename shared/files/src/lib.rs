//! driftguard's filesystem edge: the policy file on disk and its baseline documents, read
//! relative to it, for the pure parser in the core. Used by the functions and the CLI.

use driftguard_core::policy::{Documents, Policy, PolicyError};
use std::path::{Path, PathBuf};

/// Baseline documents read from a folder (the policy file's).
#[derive(Debug, Clone)]
pub struct DirDocuments(pub PathBuf);

impl Documents for DirDocuments {
    fn document(&self, name: &str) -> Result<String, String> {
        let path = self.0.join(name);
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// Read and validate a policy file; its SCP documents are read relative to it.
pub fn load_policy(path: &Path) -> Result<Policy, PolicyError> {
    let text = std::fs::read_to_string(path).map_err(|e| PolicyError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Policy::parse(&text, &path.display().to_string(), &DirDocuments(base))
}
