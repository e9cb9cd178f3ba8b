//! `faultline quorum pbs`: the PBS t-visibility Monte Carlo as a JSON report.

use clap::{Args, Subcommand};
use faultline_core::patterns::quorum::pbs::{self, parse_latency_model, PbsConfig, WritePropagation};

use super::{print_json, Failure};

#[derive(Subcommand)]
pub enum QuorumCommand {
    /// Probabilistically Bounded Staleness: P(a read t ms after a commit sees it), by Monte Carlo.
    Pbs(PbsArgs),
}

#[derive(Args)]
pub struct PbsArgs {
    /// Replication factor N.
    #[arg(long, allow_hyphen_values = true)]
    n: u32,
    /// Read quorum R.
    #[arg(long, allow_hyphen_values = true)]
    r: u32,
    /// Write quorum W.
    #[arg(long, allow_hyphen_values = true)]
    w: u32,
    /// lnkd-ssd, lnkd-disk, ymmr, wan, exponential:<mean_ms>, exponential:<w_mean_ms>:<ars_mean_ms>
    /// or pareto:<xm_ms>:<alpha>.
    #[arg(long, default_value = "lnkd-ssd")]
    latency: String,
    /// Read delays after the commit, in ms (comma-separated or repeated).
    #[arg(long = "t-ms", allow_hyphen_values = true, value_delimiter = ',', default_value = "0,1,2,5,10,20,50,100")]
    t_ms: Vec<f64>,
    #[arg(long, allow_hyphen_values = true, default_value_t = 100_000)]
    trials: u64,
    #[arg(long, allow_hyphen_values = true, default_value_t = 1)]
    seed: u64,
    /// Only the W acknowledging replicas ever get the write (no expanding quorum).
    #[arg(long)]
    write_quorum_only: bool,
}

pub fn run(command: QuorumCommand) -> Result<(), Failure> {
    match command {
        QuorumCommand::Pbs(args) => {
            let latency = parse_latency_model(&args.latency).map_err(|e| Failure::input(e.to_string()))?;
            let config = PbsConfig {
                n: args.n,
                r: args.r,
                w: args.w,
                latency,
                t_ms: args.t_ms,
                trials: args.trials,
                seed: args.seed,
                write_propagation: if args.write_quorum_only { WritePropagation::WriteQuorumOnly } else { WritePropagation::AllReplicas },
            };
            let report = pbs::pbs(config).map_err(|e| Failure::input(e.to_string()))?;
            print_json(&report)
        }
    }
}
