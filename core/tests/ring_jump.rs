//! Jump consistent hash against published outputs.

use faultline_core::patterns::ring::jump::{jump_consistent_hash, JumpHash};
use faultline_core::patterns::ring::{Key, Placement};

/// Vectors from dgryski/go-jump `jump_test.go` ("Generated from the reference C++ code" of
/// Lamping & Veach): `jump(key, i + 1)` for i = 0, 1, 2, ...
/// https://github.com/dgryski/go-jump/blob/master/jump_test.go
#[test]
fn matches_the_reference_cpp_outputs_via_go_jump() {
    let cases: [(u64, &[u32]); 4] = [
        (0, &[0; 20]),
        (1, &[0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17]),
        (0xdead_beef, &[0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16]),
        (0x0ddc_0ffe_ebad_f00d, &[0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15]),
    ];
    for (key, buckets) in cases {
        for (i, &expected) in buckets.iter().enumerate() {
            assert_eq!(jump_consistent_hash(key, i as u32 + 1), expected, "key {key:#x}, {} buckets", i + 1);
        }
    }
}

/// Guava's cross-language "golden" values, `HashingTest.
/// testConsistentHash_linearCongruentialGeneratorCompatibility`:
/// https://github.com/google/guava/blob/master/guava-tests/test/com/google/common/hash/HashingTest.java
#[test]
fn matches_guava_golden_values() {
    let golden100 = [0, 55, 62, 8, 45, 59, 86, 97, 82, 59, 73, 37, 17, 56, 86, 21, 90, 37, 38, 83];
    for (key, &expected) in golden100.iter().enumerate() {
        assert_eq!(jump_consistent_hash(key as u64, 100), expected, "key {key}");
    }
    assert_eq!(jump_consistent_hash(10_863_919_174_838_991, 11), 6);
    assert_eq!(jump_consistent_hash(2_016_238_256_797_177_309, 11), 3);
    assert_eq!(jump_consistent_hash(1_673_758_223_894_951_030, 11), 5);
    assert_eq!(jump_consistent_hash(2, 100_001), 80_343);
    assert_eq!(jump_consistent_hash(2201, 100_001), 22_152);
    assert_eq!(jump_consistent_hash(2202, 100_001), 15_018);
}

#[test]
fn raw_integer_keys_reach_jump_unhashed() {
    let jump = JumpHash::new(11).unwrap();
    let owner = jump.owner(Key::parse("10863919174838991").hash());
    assert_eq!(jump.nodes().name(owner), "node-6");
    // go-jump: jump(0xdeadbeef, 11) = 5.
    assert_eq!(jump.bucket(Key::parse("0xdeadbeef").hash()), 5);
}

#[test]
fn only_the_last_bucket_can_be_removed() {
    let mut jump = JumpHash::new(5).unwrap();
    let middle = jump.nodes().find("node-2").unwrap();
    let error = jump.remove_node(middle).unwrap_err();
    assert_eq!(error.field, "node");
    assert!(error.message.contains("node-4"), "{error}");
    let last = jump.nodes().find("node-4").unwrap();
    jump.remove_node(last).unwrap();
    assert_eq!(jump.nodes().len(), 4);
    assert_eq!(jump.set_weight(middle, 2).unwrap_err().field, "weight");
}
