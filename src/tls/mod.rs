//! HTTPS on the venue network. The tablet app's offline reload needs a service worker, and a
//! browser gives one only to a secure context: `https://`, or `http://` on the tablet's own
//! loopback. So the server speaks TLS itself ([`load`]: `TLS_CERT` / `TLS_KEY`), and a venue
//! without a public name makes a certificate its tablets trust with `exam-platform tls`
//! ([`ca`]: a local CA kept for later runs, and a server certificate for the venue's addresses
//! and names, [`host`]).

pub mod ca;
pub mod host;
pub mod load;

use std::sync::Arc;

/// The cryptography TLS runs on: `ring`, which builds with a C compiler alone (aws-lc, rustls'
/// default, needs far more to build). rustls 0.23.48 marks its `ring` provider deprecated for
/// lacking post-quantum key exchange, which a venue LAN serving exam answers does not need.
#[allow(deprecated)]
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}
