//! Certificates: types with their wording, fields, validity and layout; numbering; issuing
//! (automatic on releasing a session's results, or in a batch); the PDF with an embedded,
//! subset CJK font and a signed QR code; verification online (page and JSON) and offline (the
//! `cert-verify` command); signing keys with rotation and revocation; the signed status list;
//! revocation, suspension and correction by reissue.
//!
//! The pure, unit-tested parts: [`payload`] (compact payload, Base32, Ed25519), [`number`],
//! [`status`] (the signed list), [`verify`] (every check, online and offline), [`qr`],
//! [`render`] and [`page`].

pub mod entity;
pub mod font;
pub mod keys;
pub mod lookup;
pub mod number;
pub mod offline;
pub mod page;
pub mod payload;
pub mod qr;
pub mod render;
pub mod repo;
pub mod service;
pub mod status;
pub mod verify;
