//! Lookup throughput of every placement algorithm, a crates.io consistent-hashing crate
//! (`hashring`) and a bare binary search over the same sorted tokens, side by side.
//!
//! Our algorithms are given precomputed 64-bit key hashes; `hashring` hashes each `u64` key
//! itself (SipHash-1-3 of 8 bytes), so a "ring + XXH3 of the key string" row is included too
//! for an end-to-end comparison.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use faultline_core::patterns::ring::bounded_load::BoundedLoadAssigner;
use faultline_core::patterns::ring::jump::JumpHash;
use faultline_core::patterns::ring::karger::KargerRing;
use faultline_core::patterns::ring::key::hash_text;
use faultline_core::patterns::ring::maglev::Maglev;
use faultline_core::patterns::ring::rendezvous::Rendezvous;
use faultline_core::patterns::ring::Placement;

const KEYS: usize = 1_024;
const VNODES: u32 = 100;

fn lookups(c: &mut Criterion) {
    let names: Vec<String> = (0..KEYS).map(|i| format!("key-{i}")).collect();
    let hashes: Vec<u64> = names.iter().map(|n| hash_text(n)).collect();

    for nodes in [10u32, 1_000] {
        let mut group = c.benchmark_group(format!("ring_lookup/{nodes}_nodes"));
        group.throughput(Throughput::Elements(KEYS as u64));

        let ring = KargerRing::new(nodes, VNODES).unwrap();
        let jump = JumpHash::new(nodes).unwrap();
        let rendezvous = Rendezvous::new(nodes).unwrap();
        let maglev = Maglev::new(nodes, 65_537).unwrap();
        let mut external = hashring::HashRing::new();
        for node in 0..nodes {
            for vnode in 0..VNODES {
                external.add((node, vnode));
            }
        }
        let tokens: Vec<u64> = ring.tokens().to_vec();

        let per_key: [(&str, &dyn Placement); 4] = [("ring_vnodes", &ring), ("jump", &jump), ("rendezvous", &rendezvous), ("maglev", &maglev)];
        for (name, placement) in per_key {
            group.bench_function(BenchmarkId::new(name, nodes), |b| {
                b.iter(|| {
                    let mut acc = 0u32;
                    for &h in &hashes {
                        acc ^= placement.owner(black_box(h)).0;
                    }
                    acc
                })
            });
        }
        group.bench_function(BenchmarkId::new("bounded_load_assign_c1.25", nodes), |b| {
            b.iter(|| {
                let mut assigner = BoundedLoadAssigner::new(&ring, 1.25, KEYS as u64).unwrap();
                let mut acc = 0u32;
                for &h in &hashes {
                    acc ^= assigner.assign(&ring, black_box(h)).0;
                }
                acc
            })
        });
        group.bench_function(BenchmarkId::new("ring_vnodes_with_xxh3_of_string", nodes), |b| {
            b.iter(|| {
                let mut acc = 0u32;
                for name in &names {
                    acc ^= ring.owner(hash_text(black_box(name))).0;
                }
                acc
            })
        });
        group.bench_function(BenchmarkId::new("crate_hashring_0.3_siphash_u64", nodes), |b| {
            b.iter(|| {
                let mut acc = 0u32;
                for &h in &hashes {
                    if let Some(&(node, _)) = external.get(&black_box(h)) {
                        acc ^= node;
                    }
                }
                acc
            })
        });
        group.bench_function(BenchmarkId::new("raw_binary_search_sorted_vec_u64", nodes), |b| {
            b.iter(|| {
                let mut acc = 0usize;
                for &h in &hashes {
                    let i = tokens.partition_point(|&t| t < black_box(h));
                    acc ^= if i == tokens.len() { 0 } else { i };
                }
                acc
            })
        });
        group.finish();
    }
}

criterion_group!(benches, lookups);
criterion_main!(benches);
