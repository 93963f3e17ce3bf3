//! `policylens health`: probes for container healthchecks — a JetStream consumer exists, an
//! aggregate answers queries, the gateway reports SERVING.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use policylens_proto::query::method;
use policylens_proto::subjects;
use prost::Message as _;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    probe: Probe,
    #[command(flatten)]
    nats: policylens_runtime::NatsArgs,
    /// How long a probe may take.
    #[arg(long, default_value = "5s", value_parser = policylens_runtime::humantime_duration, global = true)]
    timeout: Duration,
}

#[derive(Debug, clap::Subcommand)]
enum Probe {
    /// NATS is reachable and the durable consumer CONSUMER exists on STREAM.
    Consumer { stream: String, consumer: String },
    /// An aggregate replica answers a query over NATS.
    Aggregate,
    /// The gateway's grpc.health.v1 service reports SERVING.
    Grpc {
        #[arg(
            long,
            env = "POLICYLENS_GATEWAY",
            default_value = "http://127.0.0.1:50051"
        )]
        gateway: String,
    },
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let probe = async {
        match &args.probe {
            Probe::Consumer { stream, consumer } => {
                let nats = quick_nats(&args).await?;
                let js = async_nats::jetstream::new(nats);
                let stream = js
                    .get_stream(stream)
                    .await
                    .map_err(|e| anyhow::anyhow!(e))
                    .with_context(|| format!("stream {stream} not found"))?;
                stream
                    .consumer_info(consumer)
                    .await
                    .map_err(|e| anyhow::anyhow!(e))
                    .with_context(|| format!("consumer {consumer} not found"))?;
                Ok(())
            }
            Probe::Aggregate => {
                let nats = quick_nats(&args).await?;
                let request = policylens_proto::ListSeriesRequest {
                    page_size: 1,
                    ..Default::default()
                };
                let reply = nats
                    .request(
                        subjects::query_subject(method::LIST_SERIES),
                        request.encode_to_vec().into(),
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!(e))
                    .context("no aggregate answered")?;
                if let Some(code) = reply
                    .headers
                    .as_ref()
                    .and_then(|h| h.get(subjects::HEADER_ERROR))
                {
                    anyhow::bail!("aggregate answered with an error: {code}");
                }
                Ok(())
            }
            Probe::Grpc { gateway } => {
                let channel = tonic::transport::Endpoint::from_shared(gateway.clone())
                    .context("invalid gateway URL")?
                    .connect()
                    .await
                    .with_context(|| format!("failed to connect to the gateway at {gateway}"))?;
                let mut client = tonic_health::pb::health_client::HealthClient::new(channel);
                let status = client
                    .check(tonic_health::pb::HealthCheckRequest {
                        service: String::new(),
                    })
                    .await
                    .context("health check failed")?
                    .into_inner()
                    .status;
                anyhow::ensure!(
                    status
                        == tonic_health::pb::health_check_response::ServingStatus::Serving as i32,
                    "gateway is not serving (status {status})"
                );
                Ok(())
            }
        }
    };
    match tokio::time::timeout(args.timeout, probe).await {
        Ok(Ok(())) => Ok(ExitCode::SUCCESS),
        Ok(Err(e)) => {
            eprintln!("unhealthy: {e:#}");
            Ok(ExitCode::from(1))
        }
        Err(_) => {
            eprintln!("unhealthy: probe timed out after {:?}", args.timeout);
            Ok(ExitCode::from(1))
        }
    }
}

async fn quick_nats(args: &Args) -> anyhow::Result<async_nats::Client> {
    async_nats::ConnectOptions::new()
        .name("policylens-health")
        .connection_timeout(args.timeout)
        .connect(&args.nats.nats_url)
        .await
        .map_err(|e| anyhow::anyhow!(e))
        .with_context(|| format!("failed to connect to NATS at {}", args.nats.nats_url))
}
