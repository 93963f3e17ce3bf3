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
