//! The public gRPC gateway: serves `policylens.v1.PolicyLens` (queries forwarded to the aggregate
//! over NATS request/reply, submissions JetStream-published onto `policy.ingest`, watches fed by
//! `policy.events.applied`), the standard `grpc.health.v1.Health` (SERVING while NATS is
//! connected) and server reflection (v1 and v1alpha), until the shutdown token is cancelled.

pub mod error;
pub mod events;
pub mod query;
pub mod service;
pub mod submit;
pub mod watch;

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use policylens_proto::v1::policy_lens_server::PolicyLensServer;
use policylens_runtime::NatsArgs;
use policylens_runtime::streams::StreamLimits;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use crate::events::EventHub;
use crate::query::QueryClient;
use crate::service::Gateway;

/// How long in-flight calls may take to finish after shutdown is requested.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How often the NATS connection state is checked for the health service.
const HEALTH_POLL: Duration = Duration::from_millis(250);

/// The gateway's configuration, from flags or environment.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address the gRPC server listens on.
    #[arg(long, env = "GRPC_ADDR", default_value = "0.0.0.0:50051")]
    pub grpc_addr: SocketAddr,
    #[command(flatten)]
    pub nats: NatsArgs,
    /// How long a query may wait for the aggregate.
    #[arg(long, env = "REQUEST_TIMEOUT", default_value = "10s", value_parser = policylens_runtime::humantime_duration)]
    pub request_timeout: Duration,
    /// Largest gRPC message decoded or encoded, in bytes.
    #[arg(long, env = "MAX_MESSAGE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_message_bytes: usize,
    /// Largest document SubmitDocument accepts, in bytes of its JSON envelope.
    #[arg(long, env = "MAX_DOC_BYTES", default_value_t = policylens_runtime::streams::DEFAULT_MAX_DOC_BYTES)]
    pub max_doc_bytes: usize,
    #[command(flatten)]
    pub streams: StreamLimits,
}

impl Config {
    /// A configuration for `nats_url` with every other setting at its default.
    pub fn new(nats_url: impl Into<String>) -> Self {
        Self {
            grpc_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            nats: NatsArgs {
                nats_url: nats_url.into(),
                nats_connect_timeout: Duration::from_secs(30),
            },
            request_timeout: Duration::from_secs(10),
            max_message_bytes: 16 * 1024 * 1024,
            max_doc_bytes: policylens_runtime::streams::DEFAULT_MAX_DOC_BYTES,
            streams: StreamLimits::default(),
        }
    }
}

/// Binds the configured gRPC address.
pub async fn bind(config: &Config) -> anyhow::Result<TcpListener> {
    TcpListener::bind(config.grpc_addr)
        .await
        .with_context(|| format!("failed to listen on {}", config.grpc_addr))
}

/// Connects to NATS, ensures the streams, and serves gRPC on `listener` until `shutdown`; then
/// lets in-flight calls finish (bounded) and drains the NATS connection.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let local_addr = listener
        .local_addr()
        .context("failed to read the listener's address")?;
    let nats = policylens_runtime::connect(&config.nats, "policylens-gateway").await?;
    let js = async_nats::jetstream::new(nats.clone());
    policylens_runtime::streams::ensure_streams(&js, &config.streams).await?;
    let (hub, hub_task) = EventHub::start(&nats, shutdown.clone())
        .await
        .context("failed to subscribe to the applied events")?;

    let (health, health_service) = tonic_health::server::health_reporter();
    let health_task = tokio::spawn(report_health(
        health.clone(),
        nats.clone(),
        shutdown.clone(),
    ));

    let gateway = Gateway::new(
        QueryClient::new(nats.clone(), config.request_timeout),
        js,
        hub,
        config.max_doc_bytes,
        shutdown.clone(),
    );
    let api = PolicyLensServer::new(gateway)
        .max_decoding_message_size(config.max_message_bytes)
        .max_encoding_message_size(config.max_message_bytes);
    let reflection_v1 = reflection()
        .build_v1()
        .context("failed to build the reflection service")?;
    let reflection_v1alpha = reflection()
        .build_v1alpha()
        .context("failed to build the reflection service")?;

    let router = tonic::transport::Server::builder()
        // a backstop behind the NATS request timeout; streams are not cut by it
        .timeout(config.request_timeout + Duration::from_secs(1))
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(api);
    tracing::info!(addr = %local_addr, nats = %config.nats.nats_url, "gateway serving");
    let mut server = tokio::spawn(router.serve_with_incoming_shutdown(
        TcpIncoming::from(listener).with_nodelay(Some(true)),
        shutdown.clone().cancelled_owned(),
    ));

    let served = tokio::select! {
        served = &mut server => Some(served),
        _ = shutdown.cancelled() => None,
    };
    let served = match served {
        Some(served) => served,
        None => {
            tracing::info!("shutting down: finishing in-flight calls");
            match tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await {
                Ok(served) => served,
                Err(_) => {
                    tracing::warn!(grace = ?SHUTDOWN_GRACE, "in-flight calls did not finish in time");
                    server.abort();
                    Ok(Ok(()))
                }
            }
        }
    };
    shutdown.cancel();
    let _ = hub_task.await;
    let _ = health_task.await;
    match tokio::time::timeout(SHUTDOWN_GRACE, nats.drain()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "failed to drain the NATS connection"),
        Err(_) => tracing::warn!("the NATS connection did not drain in time"),
    }
    served
        .context("the gRPC server task failed")?
        .context("the gRPC server failed")?;
    tracing::info!("gateway stopped");
    Ok(())
}

/// Reflection over our API and the health service, so grpcurl needs no proto files.
fn reflection() -> tonic_reflection::server::Builder<'static> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(policylens_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
}

/// Keeps the health service in step with the NATS connection until shutdown.
async fn report_health(
    health: HealthReporter,
    nats: async_nats::Client,
    shutdown: CancellationToken,
) {
    let api = <PolicyLensServer<Gateway> as tonic::server::NamedService>::NAME;
    let mut last = None;
    loop {
        let connected = nats.connection_state() == async_nats::connection::State::Connected;
        let status = if connected {
            ServingStatus::Serving
        } else {
            ServingStatus::NotServing
        };
        if last != Some(status) {
            if last.is_some() {
                tracing::warn!(connected, "nats connection state changed");
            }
            health.set_service_status("", status).await;
            health.set_service_status(api, status).await;
            last = Some(status);
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tokio::time::sleep(HEALTH_POLL) => {}
        }
    }
    health
        .set_service_status("", ServingStatus::NotServing)
        .await;
    health
        .set_service_status(api, ServingStatus::NotServing)
        .await;
}
