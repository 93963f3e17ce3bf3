//! The request/reply protocol between the gateway and the aggregate: a reply with the
//! [`HEADER_ERROR`](crate::subjects::HEADER_ERROR) header is an error whose body is the message;
//! any other reply is the prost-encoded response.

use std::str::FromStr;

/// The error classes a query can fail with; the gateway maps each to one gRPC status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidArgument,
    NotFound,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "invalid_argument",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Internal => "internal",
        }
    }
}

impl FromStr for ErrorCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "invalid_argument" => Ok(ErrorCode::InvalidArgument),
            "not_found" => Ok(ErrorCode::NotFound),
            "internal" => Ok(ErrorCode::Internal),
            other => Err(format!("unknown query error code {other:?}")),
        }
    }
}

/// Method names, used in `policy.query.<Method>`.
pub mod method {
    pub const GET_DOCUMENT: &str = "GetDocument";
    pub const LIST_FACTS: &str = "ListFacts";
    pub const LIST_SERIES: &str = "ListSeries";
    pub const GET_SERIES: &str = "GetSeries";
    pub const LIST_ENTITIES: &str = "ListEntities";
    pub const GET_ATTENTION: &str = "GetAttention";
}
