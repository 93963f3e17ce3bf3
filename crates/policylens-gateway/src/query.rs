//! Forwarding a query to the aggregate over NATS request/reply: the prost-encoded request goes to
//! `policy.query.<Method>`, the reply is the prost-encoded response or an error header.

use std::time::Duration;

use async_nats::client::RequestErrorKind;
use policylens_proto::query::ErrorCode;
use policylens_proto::subjects;
use prost::Message;

use crate::error::ApiError;

/// Sends queries to whichever aggregate replica of the queue group answers first.
#[derive(Debug, Clone)]
pub struct QueryClient {
    nats: async_nats::Client,
    timeout: Duration,
}

impl QueryClient {
    pub fn new(nats: async_nats::Client, timeout: Duration) -> Self {
        Self { nats, timeout }
    }

    /// Sends `request` to `policy.query.<method>` and decodes the answer.
    pub async fn call<Req, Resp>(&self, method: &str, request: &Req) -> Result<Resp, ApiError>
    where
        Req: Message,
        Resp: Message + Default,
    {
        let nats_request = async_nats::Request::new()
            .payload(request.encode_to_vec().into())
            .timeout(Some(self.timeout));
        let reply = self
            .nats
            .send_request(subjects::query_subject(method), nats_request)
            .await
            .map_err(|e| match e.kind() {
                RequestErrorKind::NoResponders => ApiError::NoAggregate,
                RequestErrorKind::TimedOut => ApiError::TimedOut(self.timeout),
                _ => ApiError::Unavailable(e.to_string()),
            })?;
        decode_reply(&reply)
    }
}

/// Decodes a reply: an error when it carries the error header, else the response.
pub fn decode_reply<Resp: Message + Default>(
    reply: &async_nats::Message,
) -> Result<Resp, ApiError> {
    if let Some(code) = reply
        .headers
        .as_ref()
        .and_then(|h| h.get(subjects::HEADER_ERROR))
    {
        let message = String::from_utf8_lossy(&reply.payload).into_owned();
        let code = code
            .to_string()
            .parse::<ErrorCode>()
            .map_err(ApiError::BadReply)?;
        return Err(ApiError::Query { code, message });
    }
    Resp::decode(reply.payload.as_ref()).map_err(|e| ApiError::BadReply(e.to_string()))
}
