//! The wire contract of PolicyLens: protobuf messages and the gRPC service generated from
//! `proto/`, every NATS subject, stream and consumer name, the dead-letter record, and the
//! request/reply protocol between the gateway and the aggregate.

pub mod dlq;
pub mod query;
pub mod subjects;

/// Generated from `proto/policylens/v1/*.proto`.
#[allow(clippy::all, missing_docs)]
pub mod v1 {
    tonic::include_proto!("policylens.v1");
}

/// The encoded file descriptor set of `proto/`, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/policylens_descriptor.bin"));

pub use v1::*;

impl v1::Fact {
    /// The [`FactKind`](v1::FactKind) of the fact's `kind` (unspecified when it has none).
    pub fn fact_kind(&self) -> v1::FactKind {
        use v1::fact::Kind;
        match &self.kind {
            Some(Kind::Quantity(_)) => v1::FactKind::Quantity,
            Some(Kind::Indicator(_)) => v1::FactKind::Indicator,
            Some(Kind::Actor(_)) => v1::FactKind::Actor,
            Some(Kind::Organization(_)) => v1::FactKind::Organization,
            Some(Kind::Initiative(_)) => v1::FactKind::Initiative,
            Some(Kind::Sector(_)) => v1::FactKind::Sector,
            Some(Kind::Quote(_)) => v1::FactKind::Quote,
            None => v1::FactKind::Unspecified,
        }
    }
}
