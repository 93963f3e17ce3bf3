//! `policylens facts | series | entities | watch`: calls to the gateway, printed as aligned
//! tables or, with `--json`, one JSON object per line.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use policylens_proto::v1::policy_lens_client::PolicyLensClient;
use policylens_proto::v1::{
    EntityKind, Fact, FactKind, FactOrder, GetSeriesRequest, ListEntitiesRequest, ListFactsRequest,
    ListSeriesRequest, Qualifier, Series, Status, WatchFactsRequest, WatchSeriesRequest, fact,
};
use tonic::transport::Channel;

use crate::proto_json::to_json;
use crate::table::{Table, clip};

/// Where the gateway is and how to print.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// The gateway's gRPC URL.
    #[arg(
        long,
        env = "POLICYLENS_GATEWAY",
        default_value = "http://127.0.0.1:50051"
    )]
    gateway: String,
    /// Print one JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
    /// How long a call may take (watches are not limited).
    #[arg(long, default_value = "10s", value_parser = policylens_runtime::humantime_duration)]
    timeout: Duration,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    Quantity,
    Indicator,
    Actor,
    Organization,
    Initiative,
    Sector,
    Quote,
}

impl From<KindArg> for FactKind {
    fn from(kind: KindArg) -> FactKind {
        match kind {
            KindArg::Quantity => FactKind::Quantity,
            KindArg::Indicator => FactKind::Indicator,
            KindArg::Actor => FactKind::Actor,
            KindArg::Organization => FactKind::Organization,
            KindArg::Initiative => FactKind::Initiative,
            KindArg::Sector => FactKind::Sector,
            KindArg::Quote => FactKind::Quote,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EntityKindArg {
    Actor,
    Organization,
    Initiative,
    Sector,
}

impl From<EntityKindArg> for EntityKind {
    fn from(kind: EntityKindArg) -> EntityKind {
        match kind {
            EntityKindArg::Actor => EntityKind::Actor,
            EntityKindArg::Organization => EntityKind::Organization,
            EntityKindArg::Initiative => EntityKind::Initiative,
            EntityKindArg::Sector => EntityKind::Sector,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OrderArg {
    Document,
    Newest,
    Period,
}

impl From<OrderArg> for FactOrder {
    fn from(order: OrderArg) -> FactOrder {
        match order {
            OrderArg::Document => FactOrder::Document,
            OrderArg::Newest => FactOrder::Newest,
            OrderArg::Period => FactOrder::Period,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct FactsArgs {
    #[command(flatten)]
    common: Common,
    /// Only facts of this kind.
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// Only facts of this document.
    #[arg(long)]
    doc: Option<String>,
    /// Entity name, alias or indicator metric (case-insensitive).
    #[arg(long)]
    entity: Option<String>,
    /// Earliest period ("2014", "2004-Q4").
    #[arg(long)]
    from: Option<String>,
    /// Latest period.
    #[arg(long)]
    to: Option<String>,
    /// Substring of the fact's sentence.
    #[arg(long)]
    text: Option<String>,
    #[arg(long, value_enum)]
    order: Option<OrderArg>,
    /// Most facts to print (0: all).
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

#[derive(Debug, clap::Args)]
pub struct SeriesArgs {
    #[command(flatten)]
    common: Common,
    /// A series id: print that series with its points instead of the list.
    id: Option<String>,
    /// Substring of the metric or of a merged phrasing.
    #[arg(long)]
    metric: Option<String>,
    #[arg(long)]
    jurisdiction: Option<String>,
    #[arg(long)]
    unit: Option<String>,
    /// Only series whose sources disagree somewhere.
    #[arg(long)]
    conflicts: bool,
    /// With an id: keep printing the series each time a document changes it.
    #[arg(long, requires = "id")]
    watch: bool,
    /// Most series to print (0: all).
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

#[derive(Debug, clap::Args)]
pub struct EntitiesArgs {
    #[command(flatten)]
    common: Common,
    #[arg(long, value_enum)]
    kind: Option<EntityKindArg>,
    /// Case-insensitive prefix of the name or an alias.
    #[arg(long)]
    prefix: Option<String>,
    /// Most entities to print (0: all).
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    #[command(flatten)]
    common: Common,
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// Entity name, alias or indicator metric (case-insensitive).
    #[arg(long)]
    entity: Option<String>,
    #[arg(long)]
    doc: Option<String>,
}

async fn connect(
    common: &Common,
    timeout: Option<Duration>,
) -> anyhow::Result<PolicyLensClient<Channel>> {
    let mut endpoint = Channel::from_shared(common.gateway.clone())
        .map_err(|_| anyhow::anyhow!("invalid gateway URL {:?}", common.gateway))?
        .connect_timeout(Duration::from_secs(5));
    if let Some(timeout) = timeout {
        endpoint = endpoint.timeout(timeout);
    }
    let channel = endpoint.connect().await.map_err(|e| {
        anyhow::anyhow!(
            "cannot reach the gateway at {}: {}",
            common.gateway,
            root_cause(&e)
        )
    })?;
    Ok(PolicyLensClient::new(channel).max_decoding_message_size(64 * 1024 * 1024))
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// A failed call as one line.
fn call_failed(status: tonic::Status) -> anyhow::Error {
    anyhow::anyhow!(
        "gateway: {}: {}",
        code_name(status.code()),
        status.message()
    )
}

fn code_name(code: tonic::Code) -> &'static str {
    match code {
        tonic::Code::InvalidArgument => "invalid argument",
        tonic::Code::NotFound => "not found",
        tonic::Code::Unavailable => "unavailable",
        tonic::Code::DeadlineExceeded => "deadline exceeded",
        tonic::Code::ResourceExhausted => "resource exhausted",
        tonic::Code::Internal => "internal error",
        tonic::Code::Aborted => "aborted",
        _ => "error",
    }
}

fn non_empty(value: Option<String>) -> String {
    value.unwrap_or_default()
}

/// How many more items to ask for: all that fit in a page, or what is left of the limit.
fn next_page_size(limit: usize, got: usize) -> i32 {
    if limit == 0 {
        return 1000;
    }
    limit.saturating_sub(got).clamp(1, 1000) as i32
}

/// One page of a List call: its items, the next page's token, the server's total.
struct Page<T> {
    items: Vec<T>,
    next_page_token: String,
    total_size: i32,
}

/// Follows pages, each fetched with a page size and token, until none is left or `limit` items
/// (0: no limit) are gathered; returns at most `limit` items and the server's total.
async fn collect_pages<T, F, Fut>(limit: usize, mut fetch: F) -> anyhow::Result<(Vec<T>, i32)>
where
    F: FnMut(i32, String) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, tonic::Status>>,
{
    let mut items = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = fetch(next_page_size(limit, items.len()), page_token)
            .await
            .map_err(call_failed)?;
        items.extend(page.items);
        page_token = page.next_page_token;
        if page_token.is_empty() || (limit > 0 && items.len() >= limit) {
            if limit > 0 {
                items.truncate(limit);
            }
            return Ok((items, page.total_size));
        }
    }
}

pub async fn facts(args: FactsArgs) -> anyhow::Result<ExitCode> {
    let client = connect(&args.common, Some(args.common.timeout)).await?;
    let (facts, total) = collect_pages(args.limit, |page_size, page_token| {
        let mut client = client.clone();
        let request = ListFactsRequest {
            kind: args.kind.map_or(FactKind::Unspecified, FactKind::from) as i32,
            doc_id: non_empty(args.doc.clone()),
            entity: non_empty(args.entity.clone()),
            period_from: non_empty(args.from.clone()),
            period_to: non_empty(args.to.clone()),
            text: non_empty(args.text.clone()),
            page_size,
            page_token,
            order: args.order.map_or(FactOrder::Unspecified, FactOrder::from) as i32,
        };
        async move {
            let page = client.list_facts(request).await?.into_inner();
            Ok(Page {
                items: page.facts,
                next_page_token: page.next_page_token,
                total_size: page.total_size,
            })
        }
    })
    .await?;
    let mut out = std::io::stdout().lock();
    if args.common.json {
        for fact in &facts {
            writeln!(out, "{}", to_json(fact, "policylens.v1.Fact")?)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new(&["ID", "KIND", "FACT"]);
    for fact in &facts {
        table.row(vec![
            fact.id.clone(),
            kind_name(fact).to_string(),
            clip(&describe(fact), 110),
        ]);
    }
    table.write(&mut out)?;
    writeln!(out, "{} of {} facts", facts.len(), total)?;
    Ok(ExitCode::SUCCESS)
}

pub async fn series(args: SeriesArgs) -> anyhow::Result<ExitCode> {
    if let (true, Some(id)) = (args.watch, &args.id) {
        return watch_series(&args.common, id).await;
    }
    let mut client = connect(&args.common, Some(args.common.timeout)).await?;
    if let Some(id) = &args.id {
        let series = client
            .get_series(GetSeriesRequest { id: id.clone() })
            .await
            .map_err(call_failed)?
            .into_inner();
        let mut out = std::io::stdout().lock();
        if args.common.json {
            writeln!(out, "{}", to_json(&series, "policylens.v1.Series")?)?;
        } else {
            print_series(&mut out, &series)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (all, total) = collect_pages(args.limit, |page_size, page_token| {
        let mut client = client.clone();
        let request = ListSeriesRequest {
            metric: non_empty(args.metric.clone()),
            jurisdiction: non_empty(args.jurisdiction.clone()),
            unit: non_empty(args.unit.clone()),
            has_conflicts: args.conflicts,
            page_size,
            page_token,
        };
        async move {
            let page = client.list_series(request).await?.into_inner();
            Ok(Page {
                items: page.series,
                next_page_token: page.next_page_token,
                total_size: page.total_size,
            })
        }
    })
    .await?;
    let mut out = std::io::stdout().lock();
    if args.common.json {
        for series in &all {
            writeln!(out, "{}", to_json(series, "policylens.v1.Series")?)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new(&[
        "ID",
        "METRIC",
        "JURISDICTION",
        "UNIT",
        "POINTS",
        "SOURCES",
        "CONFLICTS",
    ]);
    for s in &all {
        table.row(vec![
            s.id.clone(),
            clip(&s.metric, 60),
            s.jurisdiction.clone(),
            s.unit.clone(),
            s.point_count.to_string(),
            s.source_count.to_string(),
            if s.has_conflicts { "yes" } else { "" }.to_string(),
        ]);
    }
    table.write(&mut out)?;
    writeln!(out, "{} of {} series", all.len(), total)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the series' current state (once it exists) and each new state until ctrl-c.
async fn watch_series(common: &Common, id: &str) -> anyhow::Result<ExitCode> {
    let mut client = connect(common, None).await?;
    let mut stream = client
        .watch_series(WatchSeriesRequest { id: id.to_string() })
        .await
        .map_err(call_failed)?
        .into_inner();
    if !common.json {
        eprintln!("watching series {id} (ctrl-c to stop)");
    }
    loop {
        let next = tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            next = stream.message() => next,
        };
        let Some(series) = next.map_err(call_failed)? else {
            break;
        };
        let mut out = std::io::stdout().lock();
        if common.json {
            writeln!(out, "{}", to_json(&series, "policylens.v1.Series")?)?;
        } else {
            print_series(&mut out, &series)?;
            writeln!(out)?;
        }
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_series(out: &mut impl std::io::Write, series: &Series) -> anyhow::Result<()> {
    writeln!(out, "series        {}", series.id)?;
    writeln!(out, "metric        {}", series.metric)?;
    writeln!(out, "jurisdiction  {}", series.jurisdiction)?;
    writeln!(out, "unit          {}", series.unit)?;
    writeln!(out, "phrasings     {}", series.surface_forms.join("; "))?;
    writeln!(
        out,
        "points        {} from {} sources{}",
        series.point_count,
        series.source_count,
        if series.has_conflicts {
            ", sources disagree"
        } else {
            ""
        }
    )?;
    writeln!(out)?;
    let mut table = Table::new(&["PERIOD", "STATUS", "VALUE", "CONFLICT", "SOURCES"]);
    for point in &series.points {
        let claims: Vec<String> = point
            .claims
            .iter()
            .map(|c| {
                let docs: Vec<&str> = c.sources.iter().map(|s| s.doc_id.as_str()).collect();
                format!(
                    "{} [{}]",
                    value_text(c.qualifier, c.value, ""),
                    docs.join(", ")
                )
            })
            .collect();
        table.row(vec![
            point.period.clone(),
            status_name(point.status).to_string(),
            value_text(point.qualifier, point.value, &series.unit),
            if point.conflict { "yes" } else { "" }.to_string(),
            clip(&claims.join("; "), 100),
        ]);
    }
    table.write(out)?;
    Ok(())
}

pub async fn entities(args: EntitiesArgs) -> anyhow::Result<ExitCode> {
    let client = connect(&args.common, Some(args.common.timeout)).await?;
    let (all, total) = collect_pages(args.limit, |page_size, page_token| {
        let mut client = client.clone();
        let request = ListEntitiesRequest {
            kind: args.kind.map_or(EntityKind::Unspecified, EntityKind::from) as i32,
            name_prefix: non_empty(args.prefix.clone()),
            page_size,
            page_token,
        };
        async move {
            let page = client.list_entities(request).await?.into_inner();
            Ok(Page {
                items: page.entities,
                next_page_token: page.next_page_token,
                total_size: page.total_size,
            })
        }
    })
    .await?;
    let mut out = std::io::stdout().lock();
    if args.common.json {
        for entity in &all {
            writeln!(out, "{}", to_json(entity, "policylens.v1.Entity")?)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new(&["ID", "KIND", "NAME", "DOCS", "MENTIONS", "ROLES / ALIASES"]);
    for e in &all {
        let extra = if e.roles.is_empty() {
            e.aliases.join(", ")
        } else {
            e.roles.join(", ")
        };
        table.row(vec![
            e.id.clone(),
            entity_kind_name(e.kind).to_string(),
            e.name.clone(),
            e.document_count.to_string(),
            e.mention_count.to_string(),
            clip(&extra, 60),
        ]);
    }
    table.write(&mut out)?;
    writeln!(out, "{} of {} entities", all.len(), total)?;
    Ok(ExitCode::SUCCESS)
}

pub async fn watch(args: WatchArgs) -> anyhow::Result<ExitCode> {
    let mut client = connect(&args.common, None).await?;
    let request = WatchFactsRequest {
        kind: args.kind.map_or(FactKind::Unspecified, FactKind::from) as i32,
        entity: non_empty(args.entity),
        doc_id: non_empty(args.doc),
    };
    let mut stream = client
        .watch_facts(request)
        .await
        .map_err(call_failed)?
        .into_inner();
    if !args.common.json {
        eprintln!("watching facts (ctrl-c to stop)");
        writeln!(
            std::io::stdout().lock(),
            "{:<14} {:<40} FACT",
            "KIND",
            "DOCUMENT"
        )?;
    }
    loop {
        let next = tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            next = stream.message() => next,
        };
        let Some(item) = next.map_err(call_failed)? else {
            break;
        };
        let mut out = std::io::stdout().lock();
        if args.common.json {
            writeln!(
                out,
                "{}",
                to_json(&item, "policylens.v1.WatchFactsResponse")?
            )?;
        } else if let Some(fact) = &item.fact {
            let doc = item.document.as_ref().map_or_else(String::new, |d| {
                if d.title.is_empty() {
                    d.doc_id.clone()
                } else {
                    d.title.clone()
                }
            });
            writeln!(
                out,
                "{:<14} {:<40} {}",
                kind_name(fact),
                clip(&doc, 40),
                clip(&describe(fact), 100)
            )?;
        }
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

fn kind_name(fact: &Fact) -> &'static str {
    match &fact.kind {
        Some(fact::Kind::Quantity(_)) => "quantity",
        Some(fact::Kind::Indicator(_)) => "indicator",
        Some(fact::Kind::Actor(_)) => "actor",
        Some(fact::Kind::Organization(_)) => "organization",
        Some(fact::Kind::Initiative(_)) => "initiative",
        Some(fact::Kind::Sector(_)) => "sector",
        Some(fact::Kind::Quote(_)) => "quote",
        None => "?",
    }
}

fn entity_kind_name(kind: i32) -> &'static str {
    match EntityKind::try_from(kind) {
        Ok(EntityKind::Actor) => "actor",
        Ok(EntityKind::Organization) => "organization",
        Ok(EntityKind::Initiative) => "initiative",
        Ok(EntityKind::Sector) => "sector",
        _ => "?",
    }
}

fn status_name(status: i32) -> &'static str {
    match Status::try_from(status) {
        Ok(Status::Observed) => "observed",
        Ok(Status::Projected) => "projected",
        Ok(Status::Target) => "target",
        _ => "",
    }
}

/// "over 13 percent", "7.6 percent".
fn value_text(qualifier: i32, value: f64, unit: &str) -> String {
    let qualifier = match Qualifier::try_from(qualifier) {
        Ok(Qualifier::Over) => "over ",
        Ok(Qualifier::AtLeast) => "at least ",
        Ok(Qualifier::Under) => "under ",
        Ok(Qualifier::AtMost) => "at most ",
        Ok(Qualifier::Nearly) => "nearly ",
        Ok(Qualifier::About) => "about ",
        _ => "",
    };
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    format!("{qualifier}{value}{unit}")
}

/// A one-line human description of a fact.
fn describe(fact: &Fact) -> String {
    match &fact.kind {
        Some(fact::Kind::Quantity(q)) => {
            let mut text = value_text(q.qualifier, q.value, "");
            if let Some(high) = q.high {
                text.push_str(&format!("–{high}"));
            }
            if !q.unit.is_empty() {
                text.push(' ');
                text.push_str(&q.unit);
            }
            text
        }
        Some(fact::Kind::Indicator(i)) => {
            let place = if i.jurisdiction.is_empty() {
                String::new()
            } else {
                format!(" ({})", i.jurisdiction)
            };
            let status = status_name(i.status);
            format!(
                "{}{place}: {}, {} {status}",
                i.metric,
                value_text(i.qualifier, i.value, &i.unit),
                i.period
            )
            .trim_end()
            .to_string()
        }
        Some(fact::Kind::Actor(a)) => {
            let mut text = a.name.clone();
            let about: Vec<&str> = [a.role.as_str(), a.org.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            if !about.is_empty() {
                text.push_str(&format!(" ({})", about.join(", ")));
            }
            text
        }
        Some(fact::Kind::Organization(o)) => o.name.clone(),
        Some(fact::Kind::Initiative(i)) => i.name.clone(),
        Some(fact::Kind::Sector(s)) => s.name.clone(),
        Some(fact::Kind::Quote(q)) => format!("{}: “{}”", q.speaker, q.text),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use policylens_proto::v1::{Actor, Indicator};

    #[test]
    fn describes_facts_on_one_line() {
        let indicator = Fact {
            kind: Some(fact::Kind::Indicator(Indicator {
                metric: "GDP share of strategic emerging industries".into(),
                jurisdiction: "China".into(),
                value: 13.0,
                unit: "percent".into(),
                qualifier: Qualifier::Over as i32,
                period: "2022".into(),
                status: Status::Observed as i32,
            })),
            ..Default::default()
        };
        assert_eq!(
            describe(&indicator),
            "GDP share of strategic emerging industries (China): over 13 percent, 2022 observed"
        );
        let actor = Fact {
            kind: Some(fact::Kind::Actor(Actor {
                name: "Li Qiang".into(),
                role: "Premier".into(),
                org: String::new(),
            })),
            ..Default::default()
        };
        assert_eq!(describe(&actor), "Li Qiang (Premier)");
    }

    #[test]
    fn pages_ask_for_what_is_left() {
        assert_eq!(next_page_size(50, 0), 50);
        assert_eq!(next_page_size(50, 40), 10);
        assert_eq!(next_page_size(0, 4000), 1000);
        assert_eq!(next_page_size(5000, 0), 1000);
    }
}
