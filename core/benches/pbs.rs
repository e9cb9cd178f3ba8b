//! WARS Monte Carlo throughput: N = 3, R = W = 1 under LNKD-DISK, the paper's headline case.
//! Each iteration runs 100,000 trials; criterion reports trials per second ("elem/s").

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use faultline_core::patterns::quorum::pbs::{parse_latency_model, PbsConfig, PbsRun, WritePropagation};

const TRIALS_PER_ITERATION: u64 = 100_000;

fn wars_trials(c: &mut Criterion) {
    let config = PbsConfig {
        n: 3,
        r: 1,
        w: 1,
        latency: parse_latency_model("lnkd-disk").expect("preset"),
        t_ms: (0..=100).map(f64::from).collect(),
        trials: TRIALS_PER_ITERATION,
        seed: 1,
        write_propagation: WritePropagation::AllReplicas,
    };
    let mut group = c.benchmark_group("pbs");
    group.throughput(Throughput::Elements(TRIALS_PER_ITERATION));
    group.bench_function("wars_n3_r1_w1_lnkd_disk", |b| {
        b.iter(|| {
            let mut run = PbsRun::new(config.clone()).expect("valid config");
            run.run_trials(TRIALS_PER_ITERATION);
            black_box(run.report())
        })
    });
    group.finish();
}

criterion_group!(benches, wars_trials);
criterion_main!(benches);
