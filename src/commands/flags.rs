//! Flag values that several commands take and parse alike.

use crate::exit::UsageError;
use crate::platform::{Platform, PlatformError};

/// The `--platform` values; a malformed one is a usage error.
pub fn platforms<'a>(
    flags: impl IntoIterator<Item = &'a String>,
) -> Result<Vec<Platform>, UsageError> {
    flags
        .into_iter()
        .map(|flag| {
            flag.parse()
                .map_err(|e: PlatformError| UsageError(e.to_string()))
        })
        .collect()
}
