//! The cache-stampede widget: clients → app servers → cache → database, the herd in flight at
//! an expiry, a per-key expiry timeline and the theory beside the run. All rules, figures and
//! teaching text live in `faultline_core::patterns::stampede`.

use crate::web::html::prelude::*;
use faultline_core::engine::{ms_from_ticks, Fault, Latency, Pattern, Tick};
use faultline_core::narrate::{count, format_time};
use faultline_core::patterns::stampede::notes::{formula_line, herd_terms, CONCURRENT_DB_QUERIES, RECOMPUTES_IN_FLIGHT};
use faultline_core::patterns::stampede::sim::{app_node, cache_node, db_node};
use faultline_core::patterns::stampede::sweep::{cell_params, StampedeSweep, SWEEP_MAX_TTL_MS, SWEEP_PROTECTIONS, SWEEP_RATES};
use faultline_core::patterns::stampede::theory::xfetch_trigger_probability;
use faultline_core::patterns::stampede::{LockScope, Popularity, Protection, ProtectionKind, StampedeCommand, StampedeParams, StampedeSim};
use faultline_core::player::Player;
use faultline_core::session::{Edit, Session};

use super::controls::{button, checkbox, param_edit, select, slider};
use crate::web::widget::WidgetView;

type Act = Callback<Edit<StampedeSim>>;

const W: f64 = 760.0;
const H: f64 = 250.0;
/// Most pool slots drawn one by one; a larger pool is drawn as a bar.
const MAX_SLOTS: u32 = 64;
/// Keys shown in the expiry timeline (the most popular first).
const TIMELINE_KEYS: u32 = 10;

/// A term with its definition, for a tooltip.
fn term((name, what): (&str, &str)) -> String {
    format!("{name}: {what}")
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// Where the system picture puts its boxes: wide (clients → apps → cache and database, left to
/// right) or tall, for a phone, the same boxes top to bottom, so nothing needs a sideways scroll.
struct Layout {
    tall: bool,
    apps: u32,
}

/// (x, y, width, height)
type Rect = (f64, f64, f64, f64);

impl Layout {
    fn size(&self) -> (f64, f64) {
        if self.tall {
            (360.0, 400.0)
        } else {
            (W, H)
        }
    }

    fn clients(&self) -> Rect {
        if self.tall {
            (125.0, 6.0, 110.0, 56.0)
        } else {
            (10.0, H / 2.0 - 28.0, 110.0, 56.0)
        }
    }

    fn app(&self, i: u32) -> Rect {
        let n = self.apps as f64;
        if self.tall {
            let w = (340.0 - 6.0 * (n - 1.0)) / n;
            (10.0 + i as f64 * (w + 6.0), 84.0, w, 44.0)
        } else {
            let h = ((H - 40.0) / n).min(52.0);
            (190.0, 20.0 + (H - 40.0 - h * n) / 2.0 + i as f64 * h, 110.0, h - 6.0)
        }
    }

    /// Whether an app box has room for its second line.
    fn app_roomy(&self) -> bool {
        let (_, _, w, h) = self.app(0);
        if self.tall {
            w >= 64.0
        } else {
            h >= 28.0
        }
    }

    fn cache(&self) -> Rect {
        if self.tall {
            (10.0, 150.0, 170.0, 68.0)
        } else {
            (360.0, H / 2.0 - 34.0, 150.0, 68.0)
        }
    }

    fn db(&self) -> Rect {
        if self.tall {
            (10.0, 238.0, 340.0, 110.0)
        } else {
            (560.0, 20.0, 190.0, H - 40.0)
        }
    }

    /// The links into and out of app server `i`: from the clients, and on to the cache.
    fn app_links(&self, i: u32) -> [(f64, f64, f64, f64); 2] {
        let (x, y, w, h) = self.app(i);
        let (cx, cy, cw, ch) = self.clients();
        let (kx, ky, kw, kh) = self.cache();
        if self.tall {
            [(cx + cw / 2.0, cy + ch, x + w / 2.0, y), (x + w / 2.0, y + h, kx + kw / 2.0, ky)]
        } else {
            [(cx + cw, cy + ch / 2.0, x, y + h / 2.0), (x + w, y + h / 2.0, kx, ky + kh / 2.0)]
        }
    }

    /// A recompute's way from its app server to the database, around the cache (the queries
    /// bypass it): start, control point and end of a quadratic curve, spread a little by the
    /// dot's index and id so that a herd reads as many dots.
    fn query_path(&self, app: u32, i: usize, id: u64) -> [(f64, f64); 3] {
        let (x, y, w, h) = self.app(app);
        let spread = (i % 7) as f64 - 3.0;
        let end = (id % 5) as f64 - 2.0;
        if self.tall {
            [(x + w / 2.0, y + h), (310.0 + spread * 5.0, 200.0), (280.0 + end * 8.0, 250.0)]
        } else {
            [(x + w, y + h / 2.0), (435.0, H - 8.0 + spread * 5.0), (560.0, H / 2.0 + 30.0 + end * 8.0)]
        }
    }

    /// The dashed line the queries follow.
    fn query_link(&self) -> String {
        if self.tall {
            "M270,128 Q310,200 280,238".to_string()
        } else {
            format!("M300,{} Q435,{} 560,{}", H / 2.0, H - 8.0, H / 2.0 + 30.0)
        }
    }

    /// The connection pool's first slot, and where the database's figures start.
    fn pool(&self) -> (f64, f64) {
        if self.tall {
            (18.0, 266.0)
        } else {
            (572.0, 58.0)
        }
    }

    /// Connection slots per row: wider rows in the tall picture keep its database short.
    fn pool_per_row(&self) -> u32 {
        if self.tall {
            12
        } else {
            8
        }
    }

    fn db_figures(&self) -> (f64, f64) {
        if self.tall {
            (172.0, 276.0)
        } else {
            (568.0, H - 76.0)
        }
    }

    /// The legend's three markers (a recompute of key 0, of another key, a background
    /// refresh): a column in the wide picture's corner, two rows under the tall one.
    fn legend(&self) -> [(f64, f64); 3] {
        if self.tall {
            [(16.0, 366.0), (160.0, 366.0), (16.0, 382.0)]
        } else {
            [(16.0, H - 8.0), (16.0, H - 22.0), (16.0, H - 36.0)]
        }
    }

    fn herd_label(&self) -> (f64, f64) {
        if self.tall {
            (250.0, 390.0)
        } else {
            (435.0, H - 2.0)
        }
    }
}

/// The system picture: who is waiting where, and the recomputes on their way to the database.
/// Drawn twice, wide and tall; the stylesheet shows the one that fits the widget's width.
fn system_view(player: &Player<StampedeSim>) -> Html {
    let apps = player.model().params().app_servers.max(1);
    html! {
        <div class="fl-sv-wrap">
            { system_svg(player, &Layout { tall: false, apps }) }
            { system_svg(player, &Layout { tall: true, apps }) }
            // The herd is counted three ways (the picture, the charts, the notes): one line each.
            <dl class="fl-sv-terms">
                { for herd_terms().iter().map(|&(name, what)| html! { <div><dt>{ name }</dt><dd>{ what }</dd></div> }) }
            </dl>
        </div>
    }
}

fn system_svg(player: &Player<StampedeSim>, layout: &Layout) -> Html {
    let sim = player.model();
    let p = sim.params();
    let now = player.now();
    let network = player.sim().network();
    let cache_up = network.is_up(cache_node(p));
    let db_up = network.is_up(db_node(p));
    let (width, height) = layout.size();
    let delta_ms = p.recompute.mean_ms().max(1.0);
    let hot = sim.entry(0).copied();
    // (state of key 0, how long until or since its expiry)
    let (cache_state, cache_time) = if !p.cache_enabled {
        ("no cache".to_string(), String::new())
    } else if !cache_up {
        ("DOWN".to_string(), "cold when it restarts".to_string())
    } else {
        match hot {
            None => ("key 0: cold".into(), String::new()),
            Some(e) if e.is_fresh(now) => ("key 0: fresh".into(), format!("{} left", format_time(e.expires_at - now))),
            Some(e) => ("key 0: EXPIRED".into(), format!("{} ago", format_time(now - e.expires_at))),
        }
    };
    let in_flight = sim.in_flight();
    let herd = in_flight.len();
    let roomy = layout.app_roomy();
    let apps: Vec<Html> = (0..layout.apps)
        .map(|i| {
            let (x, y, w, h) = layout.app(i);
            let up = network.is_up(app_node(i));
            let waiting = sim.waiting_at(i);
            let label = if up { format!("{waiting} waiting") } else { "CRASHED".to_string() };
            let links = layout.app_links(i);
            html! {
                <g class={classes!("fl-sv-app", (!up).then_some("fl-sv-down"))}>
                    { for links.iter().map(|&(x1, y1, x2, y2)| html! { <line class="fl-sv-link" x1={f(x1)} y1={f(y1)} x2={f(x2)} y2={f(y2)} /> }) }
                    <rect x={f(x)} y={f(y)} width={f(w)} height={f(h)} rx="6" />
                    <text x={f(x + 8.0)} y={f(y + 15.0)} class="fl-sv-name">{ format!("app-{i}") }</text>
                    if roomy { <text x={f(x + 8.0)} y={f(y + 29.0)} class="fl-sv-small">{ label }</text> }
                </g>
            }
        })
        .collect();
    // Recompute dots travel from their app server to the database over about δ.
    let dots: Vec<Html> = in_flight
        .iter()
        .enumerate()
        .map(|(i, &(id, key, app, background, started))| {
            let t = (ms_from_ticks(now.saturating_sub(started)) / delta_ms).min(1.0);
            let [(x0, y0), (cx, cy), (x1, y1)] = layout.query_path(app.min(layout.apps - 1), i, id);
            let x = (1.0 - t) * (1.0 - t) * x0 + 2.0 * (1.0 - t) * t * cx + t * t * x1;
            let y = (1.0 - t) * (1.0 - t) * y0 + 2.0 * (1.0 - t) * t * cy + t * t * y1;
            let class = if background { "fl-sv-dot fl-sv-dot-bg" } else if key == 0 { "fl-sv-dot fl-sv-dot-hot" } else { "fl-sv-dot" };
            if background {
                html! { <rect class={class} x={f(x - 4.0)} y={f(y - 4.0)} width="8" height="8"><title>{ format!("background revalidation of key {key}") }</title></rect> }
            } else {
                html! { <circle class={class} cx={f(x)} cy={f(y)} r="4"><title>{ format!("recompute of key {key}") }</title></circle> }
            }
        })
        .collect();
    let slots = p.db.concurrency;
    let active = sim.db_active();
    let (px, py) = layout.pool();
    let pool: Html = if slots <= MAX_SLOTS {
        let per_row = layout.pool_per_row();
        (0..slots)
            .map(|s| {
                let (sx, sy) = (px + (s % per_row) as f64 * 12.0, py + (s / per_row) as f64 * 12.0);
                html! { <rect class={classes!("fl-sv-slot", (s < active).then_some("fl-sv-slot-busy"))} x={f(sx)} y={f(sy)} width="9" height="9" /> }
            })
            .collect()
    } else {
        let w = 96.0 * active as f64 / slots as f64;
        html! { <><rect class="fl-sv-slot" x={f(px)} y={f(py + 2.0)} width="96" height="14" /><rect class="fl-sv-slot fl-sv-slot-busy" x={f(px)} y={f(py + 2.0)} width={f(w)} height="14" /></> }
    };
    let queue = sim.db_queue();
    let queue_w = (queue as f64 / p.db.queue_limit.max(1) as f64 * 150.0).min(150.0);
    let (clx, cly, clw, clh) = layout.clients();
    let (kx, ky, kw, kh) = layout.cache();
    let (dx, dy, dw, dh) = layout.db();
    let (fx, fy) = layout.db_figures();
    let [hot_at, other_at, refresh_at] = layout.legend();
    let (hx, hy) = layout.herd_label();
    html! {
        <svg class={classes!("fl-sv", if layout.tall { "fl-sv-tall" } else { "fl-sv-wide" })} viewBox={format!("0 0 {width} {height}")} role="img"
            aria-label={format!("{} clients' requests, {} recomputes in flight, database {} of {} busy with {} queued", sim.rate(), herd, active, slots, queue)}>
            <g class="fl-sv-box">
                <rect x={f(clx)} y={f(cly)} width={f(clw)} height={f(clh)} rx="6" />
                <text x={f(clx + 8.0)} y={f(cly + 19.0)} class="fl-sv-name">{"clients"}</text>
                <text x={f(clx + 8.0)} y={f(cly + 35.0)} class="fl-sv-small">{ format!("{:.0} req/s", sim.rate()) }</text>
                <text x={f(clx + 8.0)} y={f(cly + 49.0)} class="fl-sv-small">{ format!("{} key{}", p.keys, if p.keys == 1 { "" } else { "s" }) }</text>
            </g>
            { for apps }
            <path class="fl-sv-link fl-sv-db-link" d={layout.query_link()} />
            <g class={classes!("fl-sv-box", "fl-sv-cache", (!cache_up || !p.cache_enabled).then_some("fl-sv-down"),
                    hot.is_some_and(|e| !e.is_fresh(now)).then_some("fl-sv-expired"))}>
                <rect x={f(kx)} y={f(ky)} width={f(kw)} height={f(kh)} rx="6" />
                <text x={f(kx + 8.0)} y={f(ky + 18.0)} class="fl-sv-name">{"cache"}</text>
                <text x={f(kx + 8.0)} y={f(ky + 33.0)} class="fl-sv-small">{ cache_state }</text>
                <text x={f(kx + 8.0)} y={f(ky + 47.0)} class="fl-sv-small">{ cache_time }</text>
                <text x={f(kx + 8.0)} y={f(ky + 61.0)} class="fl-sv-small">{ format!("TTL {}{}", format_time((p.ttl_ms * 1_000.0) as Tick),
                    if p.ttl_jitter > 0.0 { format!(" −{:.0}% jitter", p.ttl_jitter * 100.0) } else { String::new() }) }</text>
            </g>
            <g class={classes!("fl-sv-box", "fl-sv-db", (!db_up).then_some("fl-sv-down"))}>
                <rect x={f(dx)} y={f(dy)} width={f(dw)} height={f(dh)} rx="6" />
                <text x={f(dx + 8.0)} y={f(dy + 20.0)} class="fl-sv-name">{ if db_up { "database".to_string() } else { "database DOWN".to_string() } }</text>
                { pool }
                <text x={f(fx)} y={f(fy)} class="fl-sv-small">{ format!("{active} {}", CONCURRENT_DB_QUERIES.0) }<title>{ term(CONCURRENT_DB_QUERIES) }</title></text>
                <text x={f(fx)} y={f(fy + 14.0)} class="fl-sv-small">{ format!("({slots} connections)") }<title>{ term(CONCURRENT_DB_QUERIES) }</title></text>
                <rect class="fl-sv-queue-bg" x={f(fx)} y={f(fy + 24.0)} width="150" height="10" />
                <rect class="fl-sv-queue" x={f(fx)} y={f(fy + 24.0)} width={f(queue_w)} height="10" />
                <text x={f(fx)} y={f(fy + 48.0)} class="fl-sv-small">{ format!("queue {queue} / {}", p.db.queue_limit) }</text>
            </g>
            { for dots }
            <g class="fl-sv-legend" aria-hidden="true">
                <circle class="fl-sv-dot fl-sv-dot-hot" cx={f(hot_at.0)} cy={f(hot_at.1)} r="4" />
                <text x={f(hot_at.0 + 8.0)} y={f(hot_at.1 + 4.0)} class="fl-sv-small">{"recompute of key 0"}</text>
                <circle class="fl-sv-dot" cx={f(other_at.0)} cy={f(other_at.1)} r="4" />
                <text x={f(other_at.0 + 8.0)} y={f(other_at.1 + 4.0)} class="fl-sv-small">{"of another key"}</text>
                <rect class="fl-sv-dot fl-sv-dot-bg" x={f(refresh_at.0 - 4.0)} y={f(refresh_at.1 - 4.0)} width="8" height="8" />
                <text x={f(refresh_at.0 + 8.0)} y={f(refresh_at.1 + 4.0)} class="fl-sv-small">{"background refresh"}</text>
            </g>
            <text x={f(hx)} y={f(hy)} class="fl-sv-herd" text-anchor="middle">
                { if herd > 0 { format!("{herd} {}", if herd == 1 { "recompute in flight" } else { RECOMPUTES_IN_FLIGHT.0 }) } else { String::new() } }
                <title>{ term(RECOMPUTES_IN_FLIGHT) }</title>
            </text>
        </svg>
    }
}

/// One row per popular key: its fresh lifetime, the expiry, and (for SWR / XFetch) the
/// windows the protection acts in.
fn timeline_view(player: &Player<StampedeSim>) -> Html {
    let sim = player.model();
    let p = sim.params();
    let now = player.now();
    let ttl = (p.ttl_ms * 1_000.0) as Tick;
    let span = ttl + ttl / 4;
    let start = now.saturating_sub(ttl / 4);
    let (x0, x1) = (70.0, W - 10.0);
    let x = |t: Tick| x0 + (x1 - x0) * (t.saturating_sub(start).min(span) as f64 / span as f64);
    let rows = p.keys.min(TIMELINE_KEYS);
    let row_h = 16.0;
    let h = 22.0 + rows as f64 * row_h;
    let keys: Vec<Html> = (0..rows)
        .map(|k| {
            let y = 14.0 + k as f64 * row_h;
            let entry = sim.entry(k).copied();
            let herd = sim.recomputing(k);
            let bars = match entry {
                None => html! { <text x={f(x0 + 4.0)} y={f(y + 10.0)} class="fl-sv-small">{"cold"}</text> },
                Some(e) => {
                    let window = match &p.protection {
                        Protection::Swr { swr_ms, .. } => {
                            let end = e.expires_at + (*swr_ms * 1_000.0) as Tick;
                            html! { <rect class="fl-tl-swr" x={f(x(e.expires_at))} y={f(y)} width={f((x(end) - x(e.expires_at)).max(0.0))} height="11"><title>{"stale-while-revalidate window"}</title></rect> }
                        }
                        // Where XFetch's trigger probability exceeds 5 %: T < δβ·ln 20.
                        Protection::Xfetch { beta, .. } => {
                            let zone = (e.delta as f64 * beta * 3.0) as Tick;
                            let from = e.expires_at.saturating_sub(zone);
                            html! { <rect class="fl-tl-xfetch" x={f(x(from))} y={f(y)} width={f((x(e.expires_at) - x(from)).max(0.0))} height="11"><title>{"XFetch: P(recompute) > 5 % from here"}</title></rect> }
                        }
                        _ => Html::default(),
                    };
                    let fresh = e.is_fresh(now);
                    html! {
                        <>
                            <rect class={if fresh { "fl-tl-fresh" } else { "fl-tl-stale" }} x={f(x(e.stored_at))} y={f(y)}
                                width={f((x(e.expires_at) - x(e.stored_at)).max(1.0))} height="11" />
                            { window }
                            <line class="fl-tl-expiry" x1={f(x(e.expires_at))} x2={f(x(e.expires_at))} y1={f(y - 2.0)} y2={f(y + 13.0)} />
                        </>
                    }
                }
            };
            html! {
                <g>
                    <text x="4" y={f(y + 10.0)} class="fl-sv-small">{ format!("key {k}") }</text>
                    { bars }
                    if herd > 0 {
                        <text x={f(x(now) + 6.0)} y={f(y + 10.0)} class="fl-tl-herd">{ format!("{herd} recomputing") }</text>
                    }
                </g>
            }
        })
        .collect();
    html! {
        <figure class="fl-expiry-timeline">
            <figcaption>{ format!("Expiry timeline: {} (│ = expiry, bar = fresh lifetime{})", if p.keys > rows { format!("the {rows} most requested of {} keys", p.keys) } else { "every key".to_string() },
                match p.protection { Protection::Swr { .. } => ", orange = stale-while-revalidate", Protection::Xfetch { .. } => ", blue = XFetch's likely-trigger zone", _ => "" }) }</figcaption>
            <svg viewBox={format!("0 0 {W} {h}")} role="img" aria-label="Per-key expiry timeline">
                { for keys }
                <line class="fl-tl-now" x1={f(x(now))} x2={f(x(now))} y1="4" y2={f(h - 4.0)} />
                <text x={f(x(now))} y={f(h)} class="fl-sv-small" text-anchor="middle">{"now"}</text>
            </svg>
        </figure>
    }
}

/// The closed forms beside what the run measured.
fn formula_panel(player: &Player<StampedeSim>) -> Html {
    let sim = player.model();
    let now = player.now();
    let m = sim.metrics(now);
    let t = &m.theory;
    let xfetch = match &sim.params().protection {
        Protection::Xfetch { beta, .. } => sim.entry(0).filter(|e| e.is_fresh(now)).map(|e| {
            let remaining = ms_from_ticks(e.expires_at - now) / 1_000.0;
            let delta = ms_from_ticks(e.delta) / 1_000.0;
            let pr = xfetch_trigger_probability(remaining, delta, *beta);
            format!("XFetch now: T = {} left, P(this request recomputes) = exp(−T/(δβ)) = {:.4}", format_time(e.expires_at - now), pr)
        }),
        _ => None,
    };
    html! {
        <section class="fl-formula" aria-label="Theory beside the run">
            <p class="fl-formula-main">{ formula_line(sim, now) }</p>
            <ul>
                <li>{ format!("Hot key: λ = {:.0} requests/s, δ = {:.0} ms (recompute + network); without protection 1 + λδ = {:.1}.", t.hot_key_rate, t.delta_ms, t.unprotected_herd) }</li>
                if let Some(lead) = t.xfetch_expected_lead_ms {
                    <li>{ format!("XFetch expected lead before expiry: {lead:.0} ms; this run: {}.", m.hot_key_mean_lead_ms.map_or("–".to_string(), |l| format!("{l:.0} ms"))) }</li>
                }
                if let Some(line) = xfetch { <li>{ line }</li> }
                // A herd is counted when its key is stored again and a request when it is
                // answered: mid-herd, both lag the picture, so the line says what is open now.
                <li>{ format!("Largest herd so far: {} (counted once its key is stored again{}) · DB peak {} concurrent, {:.0} queries/s (without protection: {} concurrent, {:.0}/s).",
                    m.largest_herd, match sim.recomputes_in_flight() { 0 => String::new(), n => format!("; {} now", count(n as u64, "recompute in flight", "recomputes in flight")) },
                    m.db_peak_concurrency, m.db_peak_qps, m.ghost_db_peak_concurrency, m.ghost_db_peak_qps) }</li>
                <li>{ format!("Requests answered: {} · hits {} · misses {} · shared {} · stale {} · errors {}{} · client latency p50 {:.0} ms, p99 {:.0} ms.",
                    m.counts.requests, m.counts.hits, m.counts.misses, m.counts.shared, m.counts.stale, m.counts.errors,
                    match sim.waiting_requests() { 0 => String::new(), n => format!(" · {n} waiting") },
                    m.latency_p50_ms, m.latency_p99_ms) }</li>
            </ul>
            <p class="fl-db-peak" data-db-peak={m.db_peak_concurrency.to_string()} data-ghost-peak={m.ghost_db_peak_concurrency.to_string()} hidden=true />
        </section>
    }
}

fn fault_buttons(player: &Player<StampedeSim>, act: &Act) -> Html {
    let p = player.model().params();
    let network = player.sim().network();
    let toggle = |label_down: &'static str, label_up: &'static str, node: u32| {
        let act = act.clone();
        let up = network.is_up(node);
        let fault = if up { Fault::Crash { node } } else { Fault::Restart { node } };
        button(if up { label_down } else { label_up }, "fl-fault-button", Callback::from(move |_| act.emit(Edit::Fault(fault.clone()))))
    };
    let command = |label: &'static str, c: StampedeCommand| {
        let act = act.clone();
        button(label, "fl-op", Callback::from(move |_| act.emit(Edit::Command(c.clone()))))
    };
    let rate = player.model().rate();
    html! {
        <div class="fl-stampede-actions">
            { command("Flush the cache", StampedeCommand::Flush) }
            { toggle("Crash the cache node", "Restart the cache node", cache_node(p)) }
            { command("Traffic spike (×3 for 2 s)", StampedeCommand::Spike { requests_per_second: (rate * 3.0).min(2_000.0), duration_ms: 2_000.0 }) }
            { toggle("DB outage", "End the DB outage", db_node(p)) }
            { toggle("Crash app-0", "Restart app-0", app_node(0)) }
        </div>
    }
}

fn protection_controls(params: &StampedeParams, act: &Act) -> Html {
    let with = |f: fn(&mut Protection, f64)| {
        let (params, act) = (params.clone(), act.clone());
        Callback::from(move |v: f64| {
            let mut p = params.clone();
            f(&mut p.protection, v);
            act.emit(Edit::Params(p));
        })
    };
    let flag = |f: fn(&mut Protection, bool)| {
        let (params, act) = (params.clone(), act.clone());
        Callback::from(move |v: bool| {
            let mut p = params.clone();
            f(&mut p.protection, v);
            act.emit(Edit::Params(p));
        })
    };
    match &params.protection {
        Protection::None | Protection::Singleflight => Html::default(),
        Protection::Lock { scope, lease_ms, retry_ms, serve_stale } => {
            let scope_cb = {
                let (params, act) = (params.clone(), act.clone());
                Callback::from(move |v: String| {
                    let mut p = params.clone();
                    if let (Ok(s), Protection::Lock { scope, .. }) = (v.parse::<LockScope>(), &mut p.protection) {
                        *scope = s;
                    }
                    act.emit(Edit::Params(p));
                })
            };
            let scopes: Vec<(&str, &str)> = LockScope::ALL.iter().map(|s| (s.name(), s.name())).collect();
            html! {
                <>
                    { select("Lock scope", &scopes, scope.name(), scope_cb) }
                    { slider("Lock lease", "ms", 100.0, 10_000.0, 100.0, *lease_ms, with(|p, v| if let Protection::Lock { lease_ms, .. } = p { *lease_ms = v })) }
                    { slider("Waiters poll every", "ms", 1.0, 500.0, 1.0, *retry_ms, with(|p, v| if let Protection::Lock { retry_ms, .. } = p { *retry_ms = v })) }
                    { checkbox("Waiters take the stale value (lock + stale)", *serve_stale, flag(|p, v| if let Protection::Lock { serve_stale, .. } = p { *serve_stale = v })) }
                </>
            }
        }
        Protection::Lease { interval_ms, retry_ms, serve_stale } => html! {
            <>
                { slider("A token per key at most every", "ms", 100.0, 10_000.0, 100.0, *interval_ms, with(|p, v| if let Protection::Lease { interval_ms, .. } = p { *interval_ms = v })) }
                { slider("Hot misses retry after", "ms", 1.0, 500.0, 1.0, *retry_ms, with(|p, v| if let Protection::Lease { retry_ms, .. } = p { *retry_ms = v })) }
                { checkbox("Hot misses take the stale value", *serve_stale, flag(|p, v| if let Protection::Lease { serve_stale, .. } = p { *serve_stale = v })) }
            </>
        },
        Protection::Xfetch { beta, singleflight } => html! {
            <>
                { slider("β", "", 0.1, 10.0, 0.1, *beta, with(|p, v| if let Protection::Xfetch { beta, .. } = p { *beta = v })) }
                { checkbox("Through singleflight (XFetch + singleflight)", *singleflight, flag(|p, v| if let Protection::Xfetch { singleflight, .. } = p { *singleflight = v })) }
            </>
        },
        Protection::RefreshAhead { ahead_ms } => html! {
            { slider("Refresh when less than this is left", "ms", 10.0, 10_000.0, 10.0, *ahead_ms, with(|p, v| if let Protection::RefreshAhead { ahead_ms } = p { *ahead_ms = v })) }
        },
        Protection::Swr { swr_ms, sie_ms } => html! {
            <>
                { slider("stale-while-revalidate", "ms", 0.0, 30_000.0, 100.0, *swr_ms, with(|p, v| if let Protection::Swr { swr_ms, .. } = p { *swr_ms = v })) }
                { slider("stale-if-error", "ms", 0.0, 60_000.0, 500.0, *sie_ms, with(|p, v| if let Protection::Swr { sie_ms, .. } = p { *sie_ms = v })) }
            </>
        },
    }
}

/// DB peak at a shared expiry over protection × request rate, as a heat map; a cell opens its
/// run.
fn sweep_panel(sweep: &StampedeSweep, params: &StampedeParams, act: &Act) -> Html {
    let done = sweep.cells().len();
    let total = sweep.total();
    let max = sweep.cells().iter().map(|c| c.db_peak_concurrency).max().unwrap_or(1).max(1) as f64;
    let rows: Vec<Html> = SWEEP_PROTECTIONS
        .iter()
        .map(|&kind| {
            let cells: Vec<Html> = SWEEP_RATES
                .iter()
                .map(|&rate| match sweep.cell(kind, rate) {
                    None => html! { <td class="fl-sweep-pending">{"…"}</td> },
                    Some(c) => {
                        let heat = (c.db_peak_concurrency as f64 / max * 100.0).round();
                        let open = {
                            let (act, params) = (act.clone(), params.clone());
                            Callback::from(move |_: MouseEvent| act.emit(Edit::Params(cell_params(&params, kind, rate))))
                        };
                        let current = params.protection.kind() == kind && params.requests_per_second == rate;
                        html! {
                            <td>
                                <button type="button" class={classes!("fl-sweep-cell", current.then_some("fl-sweep-current"))}
                                    style={format!("--heat: {heat}%")} onclick={open}
                                    title={format!("{}, {rate:.0} req/s: DB peak {} concurrent, {:.0} queries/s, largest herd {}. Click to open this run.",
                                        kind.title(), c.db_peak_concurrency, c.db_peak_qps, c.largest_herd)}>
                                    { c.db_peak_concurrency }
                                </button>
                            </td>
                        }
                    }
                })
                .collect();
            html! { <tr><th scope="row">{ kind.title() }</th>{ for cells }</tr> }
        })
        .collect();
    html! {
        <section class="fl-sweep" aria-label="Sweep: DB peak over protection and request rate">
            <h3>{"Sweep: the database's peak at a shared expiry"}</h3>
            <p class="fl-sweep-note">{ format!("Peak concurrent DB queries when a warm cache expires at once, each cell a full run of the current settings (TTL capped at {:.0} s). Click a cell to open that run.{}",
                SWEEP_MAX_TTL_MS / 1_000.0, if done < total { format!(" Computing: {done} of {total} runs…") } else { String::new() }) }</p>
            <div class="fl-sweep-scroll">
                <table class="fl-sweep-table">
                    <thead><tr><th scope="col">{"protection / request rate"}</th>{ for SWEEP_RATES.iter().map(|r| html! { <th scope="col">{ format!("{r:.0}/s") }</th> }) }</tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}

impl WidgetView for StampedeSim {
    fn extra(session: &Session<StampedeSim>, act: &Act) -> Html {
        sweep_panel(session.derived(), session.params(), act)
    }

    fn visual(session: &Session<StampedeSim>, _act: &Act) -> Html {
        system_view(session.player())
    }

    fn details(session: &Session<StampedeSim>, act: &Act) -> Html {
        let player = session.player();
        html! {
            <>
                { fault_buttons(player, act) }
                { formula_panel(player) }
                { timeline_view(player) }
            </>
        }
    }

    fn controls(session: &Session<StampedeSim>, act: &Act) -> Html {
        let params = session.params();
        let set = |f: fn(&mut StampedeParams, f64)| param_edit(params, act, f);
        let toggle = |f: fn(&mut StampedeParams, bool)| param_edit(params, act, f);
        let protection = {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |v: String| {
                if let Ok(kind) = v.parse::<ProtectionKind>() {
                    act.emit(Edit::Params(StampedeParams { protection: kind.default_protection(), ..params.clone() }));
                }
            })
        };
        let kinds: Vec<(&str, &str)> = ProtectionKind::ALL.iter().map(|k| (k.name(), k.title())).collect();
        let popularity = {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |v: String| {
                let popularity = if v == "zipf" { Popularity::Zipf { exponent: 1.0 } } else { Popularity::Uniform };
                act.emit(Edit::Params(StampedeParams { popularity, ..params.clone() }));
            })
        };
        let zipf = match params.popularity {
            Popularity::Zipf { exponent } => Some(exponent),
            Popularity::Uniform => None,
        };
        let delta = params.recompute.mean_ms();
        html! {
            <div class="fl-control-groups">
                <fieldset>
                    <legend>{"Protection"}</legend>
                    { select("Protection", &kinds, params.protection.kind().name(), protection) }
                    { protection_controls(params, act) }
                    { slider("TTL jitter", "%", 0.0, 90.0, 5.0, (params.ttl_jitter * 100.0).round(), set(|p, v| p.ttl_jitter = v / 100.0)) }
                </fieldset>
                <fieldset>
                    <legend>{"Load and keys"}</legend>
                    { slider("Request rate", "req/s", 10.0, 2_000.0, 10.0, params.requests_per_second, set(|p, v| p.requests_per_second = v)) }
                    { slider("Keys", "", 1.0, 1_000.0, 1.0, params.keys as f64, set(|p, v| p.keys = v as u32)) }
                    { select("Popularity", &[("uniform", "uniform"), ("zipf", "Zipf (key 0 hottest)")], if zipf.is_some() { "zipf" } else { "uniform" }, popularity) }
                    if let Some(exponent) = zipf {
                        { slider("Zipf exponent", "", 0.0, 3.0, 0.1, exponent, set(|p, v| p.popularity = Popularity::Zipf { exponent: v })) }
                    }
                    { slider("App servers", "", 1.0, 8.0, 1.0, params.app_servers as f64, set(|p, v| p.app_servers = v as u32)) }
                </fieldset>
                <fieldset>
                    <legend>{"Cache and database"}</legend>
                    { slider("TTL", "ms", 100.0, 30_000.0, 100.0, params.ttl_ms, set(|p, v| p.ttl_ms = v)) }
                    { slider(if matches!(params.recompute, Latency::Constant { .. }) { "Recompute time δ" } else { "Recompute time δ (mean; dragging makes it constant)" },
                        "ms", 1.0, 2_000.0, 1.0, delta.round(), set(|p, v| p.recompute = Latency::Constant { ms: v })) }
                    { slider("DB concurrency", "queries", 1.0, 256.0, 1.0, params.db.concurrency as f64, set(|p, v| p.db.concurrency = v as u32)) }
                    { slider("DB timeout", "ms", 50.0, 10_000.0, 50.0, params.db.timeout_ms, set(|p, v| p.db.timeout_ms = v)) }
                    { slider("Cache capacity (0 = every key)", "values", 0.0, 1_000.0, 1.0, params.cache_capacity as f64, set(|p, v| p.cache_capacity = v as u32)) }
                    { checkbox("Cache in front of the database", params.cache_enabled, toggle(|p, v| p.cache_enabled = v)) }
                    { checkbox("Start warm (every key written at 0 s)", params.warm_start, toggle(|p, v| p.warm_start = v)) }
                </fieldset>
            </div>
        }
    }
}
