//! Certificates: types with their wording, fields, validity and layout; numbering; issuing
//! (automatic on releasing a session's results, or in a batch); the PDF with an embedded,
//! subset CJK font and a signed QR code; verification online (page and JSON) and offline (the
//! `cert-verify` command); signing keys with rotation and revocation; the signed status list;
//! revocation, suspension and correction by reissue.
//!
//! The pure, unit-tested parts: [`payload`] (compact payload, Base32, Ed25519), [`number`],
//! [`status`] (the signed list), [`verify`] (every check, online and offline), [`qr`],
//! [`render`] and [`page`].

pub mod download;
pub mod entity;
pub mod issue;
pub mod issuer;
pub mod keys;
pub mod lifecycle;
pub mod lookup;
pub mod number;
pub mod offline;
pub mod online;
pub mod page;
pub mod payload;
pub mod qr;
pub mod record;
pub mod reissue;
pub mod render;
pub mod repo;
pub mod result_lookup;
pub mod standalone;
pub mod status;
pub mod types;
pub mod verify;
