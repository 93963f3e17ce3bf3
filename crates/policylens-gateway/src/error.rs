//! The gateway's errors and their one mapping to `tonic::Status`: a client mistake is
//! INVALID_ARGUMENT or NOT_FOUND, a missing or slow backend is UNAVAILABLE or DEADLINE_EXCEEDED,
//! a full stream is RESOURCE_EXHAUSTED, and only a real fault is INTERNAL.

use policylens_proto::query::ErrorCode;
use tonic::{Code, Status};

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed; checked locally before anything crosses NATS.
    #[error("{0}")]
    InvalidRequest(String),
    /// The aggregate answered with an error.
    #[error("{message}")]
    Query { code: ErrorCode, message: String },
    /// Nobody listens on the query subject.
    #[error("no aggregate is running")]
    NoAggregate,
    /// The aggregate did not answer within the request timeout.
    #[error("the aggregate did not answer within {0:?}")]
    TimedOut(std::time::Duration),
    /// The aggregate's answer does not decode.
    #[error("undecodable reply from the aggregate: {0}")]
    BadReply(String),
    /// The ingest stream refused the document because it is full.
    #[error("the ingest stream is full: {0}")]
    StreamFull(String),
    /// The document is larger than the ingest stream or the NATS server accepts.
    #[error("the document is too large: {0}")]
    TooLarge(String),
    /// No stream captures `policy.ingest`.
    #[error("no stream captures policy.ingest")]
    NoIngestStream,
    /// NATS is unreachable or the connection broke.
    #[error("nats is unavailable: {0}")]
    Unavailable(String),
    /// A watch fell behind the event stream and missed events.
    #[error("the watch fell behind by {0} events; subscribe again")]
    Lagged(u64),
}

impl ApiError {
    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError::InvalidRequest(message.into())
    }

    /// The gRPC status code of this error.
    pub fn code(&self) -> Code {
        match self {
            ApiError::InvalidRequest(_) | ApiError::TooLarge(_) => Code::InvalidArgument,
            ApiError::Query { code, .. } => match code {
                ErrorCode::InvalidArgument => Code::InvalidArgument,
                ErrorCode::NotFound => Code::NotFound,
                ErrorCode::Internal => Code::Internal,
            },
            ApiError::NoAggregate | ApiError::NoIngestStream | ApiError::Unavailable(_) => {
                Code::Unavailable
            }
            ApiError::TimedOut(_) => Code::DeadlineExceeded,
            ApiError::BadReply(_) => Code::Internal,
            ApiError::StreamFull(_) => Code::ResourceExhausted,
            ApiError::Lagged(_) => Code::Aborted,
        }
    }
}

impl From<ApiError> for Status {
    fn from(error: ApiError) -> Status {
        Status::new(error.code(), error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_mistakes_are_never_internal() {
        let cases = [
            (
                ApiError::invalid("doc_id is required"),
                Code::InvalidArgument,
            ),
            (
                ApiError::Query {
                    code: ErrorCode::InvalidArgument,
                    message: "bad page token".into(),
                },
                Code::InvalidArgument,
            ),
            (
                ApiError::Query {
                    code: ErrorCode::NotFound,
                    message: "no such series".into(),
                },
                Code::NotFound,
            ),
            (
                ApiError::Query {
                    code: ErrorCode::Internal,
                    message: "store failed".into(),
                },
                Code::Internal,
            ),
            (ApiError::NoAggregate, Code::Unavailable),
            (
                ApiError::TimedOut(std::time::Duration::from_secs(1)),
                Code::DeadlineExceeded,
            ),
            (ApiError::StreamFull("full".into()), Code::ResourceExhausted),
            (ApiError::TooLarge("big".into()), Code::InvalidArgument),
        ];
        for (error, code) in cases {
            let message = error.to_string();
            let status = Status::from(error);
            assert_eq!(status.code(), code, "{message}");
            assert_eq!(status.message(), message);
        }
    }

    #[test]
    fn no_aggregate_says_so() {
        assert_eq!(
            Status::from(ApiError::NoAggregate).message(),
            "no aggregate is running"
        );
    }
}
