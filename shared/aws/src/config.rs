//! The one place that builds AWS SDK configuration (clippy.toml bans the other entry points):
//! every client in driftguard derives from [`load_sdk_config`], so endpoints, credentials
//! and retries are uniform.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;

/// Optional overrides for the SDK configuration (tests and the demo point it at a local
/// emulator; in Lambda none are set).
#[derive(Debug, Clone, Default)]
pub struct SdkOverrides {
    pub endpoint_url: Option<String>,
    pub region: Option<String>,
    /// Explicit credentials instead of the default chain (tests and the demo use dummy
    /// credentials so nothing can fall back to a real account).
    pub credentials: Option<Credentials>,
}

/// Build the SDK configuration. Every AWS client in driftguard derives from this: the standard
/// credential chain, region and retry settings, and `AWS_ENDPOINT_URL` (or an explicit
/// override) for endpoints.
#[allow(clippy::disallowed_methods)] // this is the one place allowed to call aws_config::defaults
pub async fn load_sdk_config(overrides: &SdkOverrides) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(url) = &overrides.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(region) = &overrides.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(creds) = &overrides.credentials {
        loader = loader.credentials_provider(creds.clone());
    }
    loader.load().await
}

/// The same configuration in another region.
pub fn in_region(config: &SdkConfig, region: &str) -> SdkConfig {
    config
        .to_builder()
        .region(Region::new(region.to_string()))
        .build()
}
