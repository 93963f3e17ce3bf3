//! Protobuf messages as JSON (the canonical proto3 mapping, with the proto field names), through
//! reflection over the compiled descriptor set, so every field is printed without hand-written
//! serialisers.

use std::sync::OnceLock;

use anyhow::Context as _;
use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, SerializeOptions};

fn pool() -> anyhow::Result<&'static DescriptorPool> {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    if let Some(pool) = POOL.get() {
        return Ok(pool);
    }
    let pool = DescriptorPool::decode(policylens_proto::FILE_DESCRIPTOR_SET)
        .context("failed to load the protobuf descriptors")?;
    Ok(POOL.get_or_init(|| pool))
}

/// `message` (of the protobuf type `full_name`, e.g. `policylens.v1.Fact`) as one JSON line.
pub fn to_json<M: Message>(message: &M, full_name: &str) -> anyhow::Result<String> {
    let descriptor = pool()?
        .get_message_by_name(full_name)
        .with_context(|| format!("unknown message type {full_name}"))?;
    let dynamic = DynamicMessage::decode(descriptor, message.encode_to_vec().as_slice())
        .with_context(|| format!("failed to re-decode a {full_name}"))?;
    let options = SerializeOptions::new().use_proto_field_name(true);
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::new(&mut out);
    dynamic
        .serialize_with_options(&mut serializer, &options)
        .with_context(|| format!("failed to encode a {full_name} as JSON"))?;
    String::from_utf8(out).context("JSON output is not UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use policylens_proto::v1::{Actor, Fact, fact};

    #[test]
    fn prints_proto_field_names_and_enum_names() {
        let fact = Fact {
            id: "d/0".into(),
            provenance: None,
            kind: Some(fact::Kind::Actor(Actor {
                name: "Li Qiang".into(),
                role: "Premier".into(),
                org: String::new(),
            })),
        };
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&fact, "policylens.v1.Fact").unwrap()).unwrap();
        assert_eq!(json["id"], "d/0");
        assert_eq!(json["actor"]["name"], "Li Qiang");
        let series = policylens_proto::v1::SeriesPoint {
            period: "2014".into(),
            status: policylens_proto::v1::Status::Observed as i32,
            ..Default::default()
        };
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&series, "policylens.v1.SeriesPoint").unwrap()).unwrap();
        assert_eq!(json["status"], "STATUS_OBSERVED");
    }
}
