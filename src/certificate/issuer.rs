//! Who issues this server's certificates and where they are verified: the issuer name on the
//! signed key document and status list, and the public address the QR codes point to.

use crate::config::Config;

/// The issuer's published identity.
#[derive(Debug, Clone)]
pub struct Issuer {
    /// The issuer's name (`CERT_ISSUER`).
    pub name: String,
    /// The public verification address QR codes point to (`CERT_PUBLIC_URL`).
    pub public_url: String,
}

impl Issuer {
    /// The issuer named by the settings.
    pub fn from_config(config: &Config) -> Issuer {
        Issuer {
            name: config.cert_issuer.clone(),
            public_url: config.cert_public_url.clone(),
        }
    }
}
