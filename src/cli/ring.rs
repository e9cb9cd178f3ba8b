//! `faultline ring locate|stats`: where a key lives and how evenly keys spread, as JSON.
//!
//! Every value is taken as text and checked here, so bad input exits 2 with one line that
//! names the field (`nodes: ...`), never with clap's multi-line usage text.

use clap::{Args, Subcommand};
use faultline_core::patterns::ring::workload::{WorkloadKind, ZIPF_DEFAULT_EXPONENT, ZIPF_DEFAULT_REQUESTS};
use faultline_core::patterns::ring::{locate, stats, Algorithm, Key, RingOperation, RingParams, Workload};

use super::{print_json, Failure};

#[derive(Subcommand)]
pub enum RingCommand {
    /// Where one key lives: owner and replicas, with the hash and token to check by hand.
    Locate {
        #[command(flatten)]
        common: Common,
        /// A string (hashed with XXH3-64, seed 0), or a 64-bit integer in decimal or 0x-hex
        /// (used as its own hash).
        #[arg(long, allow_hyphen_values = true)]
        key: String,
    },
    /// Balance of a workload over the nodes, and what one change would move.
    Stats {
        #[command(flatten)]
        common: Common,
        /// Size of the key set (`key-0 ..`).
        #[arg(long, allow_hyphen_values = true)]
        keys: Option<String>,
        /// uniform (key-0 ..), uniform-random (random 64-bit keys) or zipf (hot keys).
        #[arg(long, allow_hyphen_values = true)]
        workload: Option<String>,
        /// Zipf exponent s (zipf only; default 1.1, as the widget).
        #[arg(long, allow_hyphen_values = true)]
        zipf_exponent: Option<String>,
        /// Zipf requests (zipf only; default 100 000, as the widget).
        #[arg(long, allow_hyphen_values = true)]
        requests: Option<String>,
        /// Seed of random keys and Zipf requests.
        #[arg(long, allow_hyphen_values = true)]
        seed: Option<String>,
        /// Add one node (with --weight, else the default weight) and report the movement.
        #[arg(long)]
        add_node: bool,
        /// Weight of the added node (vnodes on a ring).
        #[arg(long, allow_hyphen_values = true)]
        weight: Option<String>,
        /// Remove this node (`3` or `node-3`) and report the movement.
        #[arg(long, allow_hyphen_values = true)]
        remove_node: Option<String>,
    },
}

/// Options both subcommands share.
#[derive(Args)]
pub struct Common {
    /// ring, jump, rendezvous, maglev or bounded_load.
    #[arg(long, allow_hyphen_values = true)]
    algorithm: Option<String>,
    /// Number of nodes (for jump: the bucket count).
    #[arg(long, allow_hyphen_values = true)]
    nodes: Option<String>,
    /// Virtual nodes per node (ring and bounded_load).
    #[arg(long, allow_hyphen_values = true)]
    vnodes: Option<String>,
    /// Replicas per key (distinct nodes, owner first).
    #[arg(long, allow_hyphen_values = true)]
    rf: Option<String>,
    /// Load factor c of bounded loads.
    #[arg(long, allow_hyphen_values = true)]
    c: Option<String>,
    /// Maglev table size (a prime).
    #[arg(long, allow_hyphen_values = true)]
    table_size: Option<String>,
}

fn number<T: std::str::FromStr>(field: &str, value: Option<&String>) -> Result<Option<T>, Failure> {
    value.map(|v| v.trim().parse::<T>().map_err(|_| Failure::input(format!("{field}: not a valid number: {v:?}")))).transpose()
}

impl Common {
    fn params(&self) -> Result<RingParams, Failure> {
        let mut p = RingParams::default();
        if let Some(a) = &self.algorithm {
            p.algorithm = a.parse::<Algorithm>().map_err(input_error)?;
        }
        if let Some(n) = number("nodes", self.nodes.as_ref())? {
            p.nodes = n;
        }
        if let Some(v) = number("vnodes", self.vnodes.as_ref())? {
            p.vnodes = v;
        }
        // An explicit --rf is checked as given; the default follows the node count.
        match number("rf", self.rf.as_ref())? {
            Some(rf) => p.replication_factor = rf,
            None => p = p.normalised(),
        }
        if let Some(c) = number("c", self.c.as_ref())? {
            p.load_factor_c = c;
        }
        if let Some(m) = number("table_size", self.table_size.as_ref())? {
            p.maglev_table_size = m;
        }
        Ok(p)
    }
}

/// Core errors name the params field; the CLI names its own option where they differ.
fn input_error(e: faultline_core::FieldError) -> Failure {
    let field = match e.field.as_str() {
        "replication_factor" => "rf".to_string(),
        "load_factor_c" => "c".to_string(),
        "maglev_table_size" => "table_size".to_string(),
        "operation.node" => "remove_node".to_string(),
        other => other.to_string(),
    };
    Failure::input(format!("{field}: {}", e.message))
}

pub fn run(command: RingCommand) -> Result<(), Failure> {
    match command {
        RingCommand::Locate { common, key } => {
            let params = common.params()?;
            let report = locate(&params, &Key::parse(&key)).map_err(input_error)?;
            print_json(&report)
        }
        RingCommand::Stats { common, keys, workload, zipf_exponent, requests, seed, add_node, weight, remove_node } => {
            let mut params = common.params()?;
            if let Some(k) = number("keys", keys.as_ref())? {
                params.keys = k;
            }
            if let Some(s) = number("seed", seed.as_ref())? {
                params.seed = s;
            }
            let exponent: Option<f64> = number("zipf_exponent", zipf_exponent.as_ref())?;
            let requests: Option<u64> = number("requests", requests.as_ref())?;
            let kind = workload.as_deref().map(str::parse::<WorkloadKind>).transpose().map_err(input_error)?;
            params.workload = match kind.unwrap_or(WorkloadKind::UniformNames) {
                WorkloadKind::Zipf => {
                    Workload::Zipf { exponent: exponent.unwrap_or(ZIPF_DEFAULT_EXPONENT), requests: requests.unwrap_or(ZIPF_DEFAULT_REQUESTS) }
                }
                other => other.default_workload(),
            };
            if !matches!(params.workload, Workload::Zipf { .. }) && (exponent.is_some() || requests.is_some()) {
                return Err(Failure::input("workload: --zipf-exponent and --requests need --workload zipf"));
            }
            let weight: Option<u32> = number("weight", weight.as_ref())?;
            let operation = match (add_node, remove_node) {
                (true, Some(_)) => return Err(Failure::input("remove_node: give either --add-node or --remove-node, not both")),
                (true, None) => Some(RingOperation::AddNode { weight }),
                (false, Some(node)) => {
                    if weight.is_some() {
                        return Err(Failure::input("weight: --weight goes with --add-node"));
                    }
                    let node = node.trim();
                    let id = node.strip_prefix("node-").unwrap_or(node);
                    let id: u32 =
                        id.parse().map_err(|_| Failure::input(format!("remove_node: expected a node id like 3 or node-3, got {node:?}")))?;
                    Some(RingOperation::RemoveNode { node: format!("node-{id}") })
                }
                (false, None) => {
                    if weight.is_some() {
                        return Err(Failure::input("weight: --weight goes with --add-node"));
                    }
                    None
                }
            };
            let report = stats(&params, operation).map_err(input_error)?;
            print_json(&report)
        }
    }
}
