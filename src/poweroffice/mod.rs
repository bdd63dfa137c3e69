//! PowerOffice Go v2: the wire model, the API contract, the client the sync uses, and the fake
//! server the checklist runs against.

pub mod client;
pub mod contract;
pub mod fake;
pub mod model;

pub use client::{PowerOfficeClient, PowerOfficeSettings};
pub use fake::{FakePowerOffice, PowerOfficeCredentials};
