//! The whole pipeline in one process, for end-to-end tests and the pipeline bench: the four
//! services (ingest, extract, aggregate, gateway) started through their real `run` entry points
//! against a real nats-server, sharing one shutdown token.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser as _;
use policylens_proto::ListSeriesRequest;
use policylens_proto::policy_lens_client::PolicyLensClient;
use policylens_proto::query::method;
use policylens_proto::subjects;
use prost::Message as _;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

/// A running pipeline; stopped (gracefully) by [`Pipeline::stop`] or cancelled on drop.
#[derive(Debug)]
pub struct Pipeline {
    pub gateway_addr: SocketAddr,
    pub data_dir: PathBuf,
    shutdown: CancellationToken,
    tasks: Vec<(&'static str, JoinHandle<anyhow::Result<()>>)>,
    _data: Option<tempfile::TempDir>,
}

impl Pipeline {
    /// Starts every service against `nats_url`, the aggregate's state in a temporary folder.
    pub async fn start(nats_url: &str) -> anyhow::Result<Pipeline> {
        let data = tempfile::tempdir().context("failed to create a state folder")?;
        let dir = data.path().to_path_buf();
        let mut pipeline = Self::start_with_data_dir(nats_url, &dir).await?;
        pipeline._data = Some(data);
        Ok(pipeline)
    }

    /// Starts every service against `nats_url`, the aggregate's state under `data_dir`.
    pub async fn start_with_data_dir(nats_url: &str, data_dir: &Path) -> anyhow::Result<Pipeline> {
        let shutdown = CancellationToken::new();
        let mut tasks = Vec::new();

        let ingest = policylens_ingest::Config::try_parse_from([
            "policylens-ingest",
            "--nats-url",
            nats_url,
        ])
        .context("failed to configure ingest")?;
        tasks.push((
            "ingest",
            tokio::spawn(policylens_ingest::run(ingest, shutdown.clone())),
        ));

        let extract = policylens_extract_service::Config::try_parse_from([
            "policylens-extract",
            "--nats-url",
            nats_url,
        ])
        .context("failed to configure extract")?;
        tasks.push((
            "extract",
            tokio::spawn(policylens_extract_service::run(extract, shutdown.clone())),
        ));

        let aggregate = policylens_aggregate::Config {
            nats: nats_args(nats_url),
            data_dir: data_dir.to_path_buf(),
            limits: policylens_runtime::streams::StreamLimits::default(),
            replica_id: "e2e".into(),
            max_batch: 256,
        };
        tasks.push((
            "aggregate",
            tokio::spawn(policylens_aggregate::run(aggregate, shutdown.clone())),
        ));

        let gateway = policylens_gateway::Config::new(nats_url);
        let listener = policylens_gateway::bind(&gateway).await?;
        let gateway_addr = listener
            .local_addr()
            .context("failed to read the gateway address")?;
        tasks.push((
            "gateway",
            tokio::spawn(policylens_gateway::run(gateway, listener, shutdown.clone())),
        ));

        let pipeline = Pipeline {
            gateway_addr,
            data_dir: data_dir.to_path_buf(),
            shutdown,
            tasks,
            _data: None,
        };
        pipeline.wait_ready(nats_url).await?;
        Ok(pipeline)
    }

    /// Waits until documents published now cannot be lost: the ingest and extract consumers
    /// exist (so the streams do), an aggregate answers queries, and the gateway reports SERVING.
    async fn wait_ready(&self, nats_url: &str) -> anyhow::Result<()> {
        let nats = async_nats::connect(nats_url)
            .await
            .context("failed to connect to NATS")?;
        let js = async_nats::jetstream::new(nats.clone());
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let ready = async {
            for (stream, consumer) in [
                (subjects::INGEST_STREAM, subjects::INGEST_CONSUMER),
                (subjects::DOCS_STREAM, subjects::EXTRACT_CONSUMER),
            ] {
                loop {
                    self.check_running()?;
                    if let Ok(s) = js.get_stream(stream).await
                        && s.consumer_info(consumer).await.is_ok()
                    {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            let probe = ListSeriesRequest {
                page_size: 1,
                ..Default::default()
            }
            .encode_to_vec();
            let subject = subjects::query_subject(method::LIST_SERIES);
            while nats
                .request(subject.clone(), probe.clone().into())
                .await
                .is_err()
            {
                self.check_running()?;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let channel =
                tonic::transport::Endpoint::from_shared(format!("http://{}", self.gateway_addr))?;
            loop {
                self.check_running()?;
                if let Ok(channel) = channel.connect().await {
                    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
                    let request = tonic_health::pb::HealthCheckRequest {
                        service: String::new(),
                    };
                    if let Ok(response) = health.check(request).await
                        && response.into_inner().status
                            == tonic_health::pb::health_check_response::ServingStatus::Serving
                                as i32
                    {
                        return anyhow::Ok(());
                    }
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout_at(deadline, ready)
            .await
            .context("the pipeline did not become ready within 30 s")?
    }

    /// A gRPC client of the gateway, connected once it accepts connections.
    pub async fn client(&self) -> anyhow::Result<PolicyLensClient<Channel>> {
        let endpoint = format!("http://{}", self.gateway_addr);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            match PolicyLensClient::connect(endpoint.clone()).await {
                Ok(client) => return Ok(client),
                Err(e) if tokio::time::Instant::now() >= deadline => {
                    return Err(e).context("failed to connect to the gateway");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    /// Fails when a service has already exited (with its error).
    pub fn check_running(&self) -> anyhow::Result<()> {
        for (name, task) in &self.tasks {
            anyhow::ensure!(!task.is_finished(), "the {name} service exited early");
        }
        Ok(())
    }

    /// Requests shutdown and waits for every service to finish; returns the first error.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        let mut first_error = None;
        for (name, task) in self.tasks.drain(..) {
            let result = tokio::time::timeout(Duration::from_secs(30), task)
                .await
                .with_context(|| format!("the {name} service did not stop within 30 s"))
                .and_then(|joined| joined.with_context(|| format!("the {name} service panicked")))
                .and_then(|result| result.with_context(|| format!("the {name} service failed")));
            if let Err(e) = result {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

fn nats_args(url: &str) -> policylens_runtime::NatsArgs {
    policylens_runtime::NatsArgs {
        nats_url: url.to_string(),
        nats_connect_timeout: Duration::from_secs(30),
    }
}

/// The BBC corpus files, sorted by path (`shared/corpus/bbc/<category>/<nnn>.txt`).
pub fn bbc_files(shared: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for category in ["business", "entertainment", "politics", "sport", "tech"] {
        if let Ok(entries) = std::fs::read_dir(shared.join("corpus/bbc").join(category)) {
            files.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
        }
    }
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    files
}

/// Waits until every document id answers GetDocument (FACTS order is not publish order).
pub async fn wait_for_documents(
    client: &PolicyLensClient<Channel>,
    ids: &[String],
    timeout: Duration,
) {
    let pending = std::sync::Arc::new(std::sync::Mutex::new(ids.to_vec()));
    policylens_testkit::wait_for("every document to be queryable", timeout, || {
        let mut client = client.clone();
        let pending = pending.clone();
        async move {
            let ids: Vec<String> = pending.lock().ok()?.clone();
            for id in ids {
                let request = policylens_proto::GetDocumentRequest {
                    doc_id: id.clone(),
                    include_body: false,
                };
                client.get_document(request).await.ok()?;
                pending.lock().ok()?.retain(|p| p != &id);
            }
            Some(())
        }
    })
    .await;
}

/// Waits until the ingest service has acknowledged everything on INGEST so far.
pub async fn wait_until_ingested(nats: &async_nats::Client, timeout: Duration) {
    let js = async_nats::jetstream::new(nats.clone());
    let mut ingest = js
        .get_stream(subjects::INGEST_STREAM)
        .await
        .expect("the INGEST stream");
    let last = ingest
        .info()
        .await
        .expect("INGEST info")
        .state
        .last_sequence;
    policylens_testkit::streams::wait_until_settled(
        &js,
        subjects::INGEST_STREAM,
        subjects::INGEST_CONSUMER,
        last,
        timeout,
    )
    .await;
}
