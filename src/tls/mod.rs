//! HTTPS on the venue network. The tablet app's offline reload needs a service worker, and a
//! browser gives one only to a secure context: `https://`, or `http://` on the tablet's own
//! loopback. So the server speaks TLS itself ([`load`]: `TLS_CERT` / `TLS_KEY`), and a venue
//! without a public name makes a certificate its tablets trust with `exam-platform tls`
//! ([`ca`]: a local CA kept for later runs, and a server certificate for the venue's addresses
//! and names, [`host`]).

pub mod ca;
pub mod host;
pub mod load;
