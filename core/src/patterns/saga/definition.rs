//! A saga definition is data: ordered steps, each a forward action at one service with an
//! optional compensation, a kind (compensable, pivot, retryable: Azure Architecture Center's
//! and Richardson's terms), an optional condition, a timeout and a retry policy.

use crate::small_map::SmallMap;

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// Most steps a definition may have, and most services.
pub const MAX_STEPS: usize = 12;
pub const MAX_SERVICES: usize = 8;

/// Where a step stands relative to the saga's point of no return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Can be undone by its compensation.
    Compensable,
    /// The go/no-go step: once it succeeds the saga must run to completion.
    Pivot,
    /// Comes after the pivot and is guaranteed to succeed when retried.
    Retryable,
}

impl StepKind {
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Compensable => "compensable",
            StepKind::Pivot => "pivot",
            StepKind::Retryable => "retryable",
        }
    }
}

/// What an action does to its service's local state: numeric cells change by a delta
/// (balances, stock), status rows are set (an order's status).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct Effect {
    #[serde(skip_serializing_if = "SmallMap::is_empty")]
    pub adjust: SmallMap<String, i64>,
    #[serde(skip_serializing_if = "SmallMap::is_empty")]
    pub set: SmallMap<String, String>,
}

/// One action (forward or compensating): its name and effect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub name: String,
    #[serde(default)]
    pub effect: Effect,
}

/// Temporal's retry policy (`RetryOptions`): the wait before retry n (n ≥ 1) is
/// `initial_interval × backoff_coefficient^(n-1)`, capped at `maximum_interval`.
/// Temporal's defaults: 1 s, 2.0, 100 × the initial interval, unlimited attempts (0).
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    pub initial_interval_ms: f64,
    pub backoff_coefficient: f64,
    /// `None`: 100 × `initial_interval_ms`, as Temporal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_interval_ms: Option<f64>,
    /// Attempts in all, the first included; 0 = unlimited (here: up to [`ATTEMPT_CAP`]).
    pub maximum_attempts: u32,
}

/// "Unlimited" attempts end here, so that every accepted input finishes.
pub const ATTEMPT_CAP: u32 = 25;

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { initial_interval_ms: 1_000.0, backoff_coefficient: 2.0, maximum_interval_ms: None, maximum_attempts: 0 }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 = the second attempt), in ms.
    pub fn delay_ms(&self, retry: u32) -> f64 {
        let max = self.maximum_interval_ms.unwrap_or(100.0 * self.initial_interval_ms);
        let raw = self.initial_interval_ms * libm::pow(self.backoff_coefficient, retry.saturating_sub(1) as f64);
        raw.min(max)
    }

    /// Whether attempt number `attempt` (from 1) may be followed by another.
    pub fn allows_another(&self, attempt: u32) -> bool {
        let limit = if self.maximum_attempts == 0 { ATTEMPT_CAP } else { self.maximum_attempts.min(ATTEMPT_CAP) };
        attempt < limit
    }

    pub fn validate(&self) -> Result<(), FieldError> {
        if !(self.initial_interval_ms.is_finite() && self.initial_interval_ms > 0.0 && self.initial_interval_ms <= 600_000.0) {
            return Err(FieldError::new("initial_interval_ms", format!("must be in (0, 600000], got {}", self.initial_interval_ms)));
        }
        if !(self.backoff_coefficient.is_finite() && (1.0..=10.0).contains(&self.backoff_coefficient)) {
            return Err(FieldError::new(
                "backoff_coefficient",
                format!("must be in [1, 10] (Temporal requires ≥ 1), got {}", self.backoff_coefficient),
            ));
        }
        if let Some(max) = self.maximum_interval_ms {
            if !(max.is_finite() && max >= self.initial_interval_ms && max <= 3_600_000.0) {
                return Err(FieldError::new("maximum_interval_ms", format!("must be in [initial_interval_ms, 3600000], got {max}")));
            }
        }
        if self.maximum_attempts > ATTEMPT_CAP {
            return Err(FieldError::new(
                "maximum_attempts",
                format!("must be 0 (unlimited, capped at {ATTEMPT_CAP}) to {ATTEMPT_CAP}, got {}", self.maximum_attempts),
            ));
        }
        Ok(())
    }
}

/// One step of a saga.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The service that runs it (one of the definition's services).
    pub service: String,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compensation: Option<Action>,
    pub kind: StepKind,
    /// The step runs only when this saga input is true (otherwise it is skipped, and so is its
    /// compensation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// How long the orchestrator waits for a reply (Temporal's start-to-close timeout).
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: f64,
    /// This step's own retry policy; `None` uses the saga's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryPolicy>,
}

fn default_timeout_ms() -> f64 {
    2_000.0
}

/// A service's local state at the start: numeric cells and status rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceSpec {
    pub name: String,
    pub cells: SmallMap<String, i64>,
    pub rows: SmallMap<String, String>,
}

/// A whole saga.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub name: String,
    pub title: String,
    pub services: Vec<ServiceSpec>,
    pub steps: Vec<Step>,
    /// Saga inputs that conditions read.
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub inputs: SmallMap<String, bool>,
    /// Groups of `service.cell` whose sum must be the same whenever the saga is at rest
    /// (money, stock).
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub conserved: SmallMap<String, Vec<String>>,
}

impl Default for Definition {
    fn default() -> Self {
        create_order()
    }
}

impl Definition {
    /// Index of the service a step runs at.
    pub fn service_index(&self, name: &str) -> Option<usize> {
        self.services.iter().position(|s| s.name == name)
    }

    /// The pivot's index, if the saga has one.
    pub fn pivot(&self) -> Option<usize> {
        self.steps.iter().position(|s| s.kind == StepKind::Pivot)
    }

    /// Whether step `i` runs with these inputs.
    pub fn runs(&self, i: usize) -> bool {
        match self.steps.get(i).and_then(|s| s.condition.as_ref()) {
            Some(flag) => self.inputs.get(flag).copied().unwrap_or(false),
            None => true,
        }
    }

    pub fn validate(&self) -> Result<(), FieldError> {
        if self.steps.is_empty() || self.steps.len() > MAX_STEPS {
            return Err(FieldError::new("steps", format!("a saga has 1 to {MAX_STEPS} steps, got {}", self.steps.len())));
        }
        if self.services.is_empty() || self.services.len() > MAX_SERVICES {
            return Err(FieldError::new("services", format!("a saga has 1 to {MAX_SERVICES} services, got {}", self.services.len())));
        }
        for (i, s) in self.services.iter().enumerate() {
            if s.name.is_empty() || s.name == "orchestrator" || self.services[..i].iter().any(|o| o.name == s.name) {
                return Err(FieldError::new(format!("services[{i}].name"), "must be a non-empty unique name other than \"orchestrator\""));
            }
        }
        let mut pivots = 0;
        for (i, step) in self.steps.iter().enumerate() {
            let at = |field: &str| format!("steps[{i}].{field}");
            let Some(service) = self.service_index(&step.service) else {
                return Err(FieldError::new(at("service"), format!("no service {:?} in services", step.service)));
            };
            for (label, action) in std::iter::once(("action", &step.action)).chain(step.compensation.iter().map(|c| ("compensation", c))) {
                for cell in action.effect.adjust.keys() {
                    if !self.services[service].cells.contains_key(cell) {
                        return Err(FieldError::new(at(&format!("{label}.effect.adjust.{cell}")), format!("{} has no cell {cell:?}", step.service)));
                    }
                }
            }
            if !(step.timeout_ms.is_finite() && step.timeout_ms > 0.0 && step.timeout_ms <= 600_000.0) {
                return Err(FieldError::new(at("timeout_ms"), format!("must be in (0, 600000], got {}", step.timeout_ms)));
            }
            if let Some(retry) = &step.retry {
                retry.validate().map_err(|e| e.within(&at("retry")))?;
            }
            if let Some(flag) = &step.condition {
                if !self.inputs.contains_key(flag) {
                    return Err(FieldError::new(at("condition"), format!("no saga input {flag:?} in inputs")));
                }
            }
            match step.kind {
                StepKind::Pivot => {
                    pivots += 1;
                    if pivots > 1 {
                        return Err(FieldError::new(at("kind"), "a saga has at most one pivot"));
                    }
                }
                StepKind::Retryable if self.steps[..i].iter().all(|s| s.kind != StepKind::Pivot) => {
                    return Err(FieldError::new(at("kind"), "retryable steps come after the pivot"));
                }
                StepKind::Compensable if self.steps[..i].iter().any(|s| s.kind == StepKind::Pivot) => {
                    return Err(FieldError::new(at("kind"), "steps after the pivot are retryable, not compensable"));
                }
                _ => {}
            }
        }
        for (group, cells) in &self.conserved {
            for (j, cell) in cells.iter().enumerate() {
                let found = cell.split_once('.').and_then(|(svc, c)| self.service_index(svc).map(|s| self.services[s].cells.contains_key(c)));
                if found != Some(true) {
                    return Err(FieldError::new(format!("conserved.{group}[{j}]"), format!("{cell:?} is not a service.cell of this saga")));
                }
            }
        }
        Ok(())
    }

    /// The built-in definitions, by name.
    pub fn builtin(name: &str) -> Option<Definition> {
        match name {
            "create_order" => Some(create_order()),
            "trip_booking" => Some(trip_booking()),
            "money_transfer" => Some(money_transfer()),
            _ => None,
        }
    }

    pub const BUILTIN: [(&'static str, &'static str); 3] =
        [("create_order", "Create Order (Richardson)"), ("trip_booking", "Trip booking"), ("money_transfer", "Money transfer (Temporal sample)")];
}

fn cells(pairs: &[(&str, i64)]) -> SmallMap<String, i64> {
    crate::order::map_of(pairs.iter().map(|(k, v)| (k.to_string(), *v)))
}

fn rows(pairs: &[(&str, &str)]) -> SmallMap<String, String> {
    crate::order::map_of(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

fn action(name: &str, adjust: &[(&str, i64)], set: &[(&str, &str)]) -> Action {
    Action { name: name.into(), effect: Effect { adjust: cells(adjust), set: rows(set) } }
}

fn step(service: &str, forward: Action, compensation: Option<Action>, kind: StepKind) -> Step {
    Step { service: service.into(), action: forward, compensation, kind, condition: None, timeout_ms: default_timeout_ms(), retry: None }
}

fn service(name: &str, c: &[(&str, i64)], r: &[(&str, &str)]) -> ServiceSpec {
    ServiceSpec { name: name.into(), cells: cells(c), rows: rows(r) }
}

/// Richardson, *Microservices Patterns* §4.2: the Create Order saga. Authorize card is the
/// pivot; approve ticket and approve order are retryable.
pub fn create_order() -> Definition {
    Definition {
        name: "create_order".into(),
        title: "Create Order (Richardson, Microservices Patterns)".into(),
        services: vec![
            service("Order", &[], &[]),
            service("Consumer", &[], &[]),
            service("Kitchen", &[], &[]),
            service("Accounting", &[("consumer", 100), ("authorized", 0)], &[]),
        ],
        steps: vec![
            step(
                "Order",
                action("create order", &[], &[("order-1", "APPROVAL_PENDING")]),
                Some(action("reject order", &[], &[("order-1", "REJECTED")])),
                StepKind::Compensable,
            ),
            step("Consumer", action("verify consumer", &[], &[("consumer", "VERIFIED")]), None, StepKind::Compensable),
            step(
                "Kitchen",
                action("create ticket", &[], &[("ticket-1", "CREATE_PENDING")]),
                Some(action("reject ticket", &[], &[("ticket-1", "REJECTED")])),
                StepKind::Compensable,
            ),
            step("Accounting", action("authorize card", &[("consumer", -35), ("authorized", 35)], &[]), None, StepKind::Pivot),
            step("Kitchen", action("approve ticket", &[], &[("ticket-1", "AWAITING_ACCEPTANCE")]), None, StepKind::Retryable),
            step("Order", action("approve order", &[], &[("order-1", "APPROVED")]), None, StepKind::Retryable),
        ],
        inputs: SmallMap::new(),
        conserved: crate::order::map_of([("money".to_string(), vec!["Accounting.consumer".to_string(), "Accounting.authorized".to_string()])]),
    }
}

/// A trip: flight, hotel and (if wanted) a car are booked, then the card is charged (the pivot).
pub fn trip_booking() -> Definition {
    let mut car = step(
        "Car",
        action("reserve car", &[("cars", -1)], &[("trip-1", "RESERVED")]),
        Some(action("cancel car", &[("cars", 1)], &[("trip-1", "CANCELLED")])),
        StepKind::Compensable,
    );
    car.condition = Some("needs_car".into());
    Definition {
        name: "trip_booking".into(),
        title: "Trip booking (flight, hotel, car, payment)".into(),
        services: vec![
            service("Flight", &[("seats", 3)], &[]),
            service("Hotel", &[("rooms", 2)], &[]),
            service("Car", &[("cars", 1)], &[]),
            service("Payment", &[("traveller", 900), ("merchant", 0)], &[]),
        ],
        steps: vec![
            step(
                "Flight",
                action("book flight", &[("seats", -1)], &[("trip-1", "BOOKED")]),
                Some(action("cancel flight", &[("seats", 1)], &[("trip-1", "CANCELLED")])),
                StepKind::Compensable,
            ),
            step(
                "Hotel",
                action("book hotel", &[("rooms", -1)], &[("trip-1", "BOOKED")]),
                Some(action("cancel hotel", &[("rooms", 1)], &[("trip-1", "CANCELLED")])),
                StepKind::Compensable,
            ),
            car,
            step("Payment", action("charge card", &[("traveller", -600), ("merchant", 600)], &[("trip-1", "PAID")]), None, StepKind::Pivot),
        ],
        inputs: crate::order::map_of([("needs_car".to_string(), true)]),
        conserved: crate::order::map_of([("money".to_string(), vec!["Payment.traveller".to_string(), "Payment.merchant".to_string()])]),
    }
}

/// Temporal's money-transfer sample: withdraw from one bank, deposit at another; if the deposit
/// fails, the withdrawal is refunded.
pub fn money_transfer() -> Definition {
    Definition {
        name: "money_transfer".into(),
        title: "Money transfer (Temporal's sample)".into(),
        services: vec![service("BankA", &[("alice", 100)], &[]), service("BankB", &[("bob", 20)], &[])],
        steps: vec![
            step("BankA", action("withdraw", &[("alice", -30)], &[]), Some(action("refund", &[("alice", 30)], &[])), StepKind::Compensable),
            step("BankB", action("deposit", &[("bob", 30)], &[]), None, StepKind::Pivot),
        ],
        inputs: SmallMap::new(),
        conserved: crate::order::map_of([("money".to_string(), vec!["BankA.alice".to_string(), "BankB.bob".to_string()])]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_valid() {
        for (name, _) in Definition::BUILTIN {
            Definition::builtin(name).unwrap().validate().unwrap();
        }
    }

    #[test]
    fn temporal_default_retry_schedule() {
        // Temporal: 1 s, then ×2 each retry, capped at 100 × 1 s.
        let p = RetryPolicy::default();
        let waits: Vec<f64> = (1..=9).map(|n| p.delay_ms(n)).collect();
        assert_eq!(waits, vec![1_000.0, 2_000.0, 4_000.0, 8_000.0, 16_000.0, 32_000.0, 64_000.0, 100_000.0, 100_000.0]);
        assert!(p.allows_another(ATTEMPT_CAP - 1) && !p.allows_another(ATTEMPT_CAP));
        let three = RetryPolicy { maximum_attempts: 3, ..p };
        assert!(three.allows_another(2) && !three.allows_another(3));
    }

    #[test]
    fn validation_names_the_field() {
        let mut d = create_order();
        d.steps[4].kind = StepKind::Compensable;
        assert_eq!(d.validate().unwrap_err().field, "steps[4].kind");
        let mut d = money_transfer();
        d.steps[0].action.effect.adjust.insert("carol".into(), 1);
        assert_eq!(d.validate().unwrap_err().field, "steps[0].action.effect.adjust.carol");
    }
}
