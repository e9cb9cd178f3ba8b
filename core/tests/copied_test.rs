//! Tests exactly as the widget's "Copy as test" gives them, checked in (see `exports.rs`,
//! which checks that they are still what it gives): each must compile and pass.

include!("copied/breaker_outage.rs.txt");
include!("copied/quorum_read_repair.rs.txt");
