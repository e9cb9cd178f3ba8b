//! The browser's float reader (`faultline_core::json::parse_f64`) against `str::parse::<f64>`:
//! the same nearest `f64`, ties to even, on random values written every way JSON may write
//! them, on long and tiny and huge decimals, and on the edges of the subnormal and overflow
//! ranges.

use faultline_core::json::parse_f64;
use proptest::prelude::*;

fn same(text: &str) {
    let want = text.parse::<f64>().ok().filter(|x| x.is_finite());
    let got = parse_f64(text);
    assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{text}: got {got:?}, want {want:?}");
}

#[test]
fn edges_read_as_the_standard_parser_reads_them() {
    for text in [
        "0",
        "-0",
        "0.0",
        "1",
        "-1",
        "0.1",
        "0.2",
        "0.3",
        "1.5",
        "123456789012345678901234567890",
        "9007199254740993",
        "9007199254740992.5",
        "1e22",
        "1e23",
        "1e-22",
        "1e-23",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "1e309",
        "2.2250738585072014e-308",
        "2.2250738585072011e-308",
        "4.9e-324",
        "5e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "1e-400",
        "0.30000000000000004",
        "123.456e-7",
        "100000000000000000000000",
        "0.000000000000000000000000000001",
        "1E5",
        "1e+5",
        "2.5",
        "3.5",
        "0.5e-323",
        "8.98846567431158e307",
        "4.4501477170144023e-308",
        "6.631236846766476e-316",
    ] {
        same(text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn any_double_written_shortest_or_long_reads_back(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        prop_assume!(x.is_finite());
        same(&format!("{x:e}"));
        same(&format!("{x:.20e}"));
        same(&format!("{x:.3e}"));
        same(&faultline_core::json::to_string(&x));
    }

    #[test]
    fn any_decimal_reads_as_the_standard_parser_reads_it(digits in "[0-9]{1,40}", frac in "[0-9]{0,30}", exp in -340i32..340) {
        let text = if frac.is_empty() { format!("{digits}e{exp}") } else { format!("{digits}.{frac}e{exp}") };
        same(&text);
    }
}
