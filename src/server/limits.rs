//! What a client may cost the service: a rate per client, and a bounded number of
//! searches computed at once.
//!
//! The rate limiter keeps one entry per client address; the maintenance timer forgets
//! those of clients that have been quiet long enough for their allowance to be whole
//! again, so that addresses are not kept longer than the limit needs them (see
//! `docs/security.md`). Searches are CPU work: at most as many run at once as there are
//! search slots (the machine's cores by default); a request that finds none free within
//! a short wait is answered 503 with `Retry-After` rather than queued behind the others.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use governor::middleware::NoOpMiddleware;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_governor::GovernorLayer;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::{KeyExtractor, PeerIpKeyExtractor, SmartIpKeyExtractor};

use super::Settings;

/// The highest rate a client may be allowed, per second.
pub const MAX_RATE_LIMIT: u32 = 1_000_000;

/// How long a search waits for a free slot before it is answered 503.
const SLOT_WAIT: Duration = Duration::from_millis(250);

/// The rate limit per client, by its address or, behind a proxy, by the forwarded one.
#[derive(Clone)]
pub enum RateLimit {
    Off,
    ByPeer(Arc<GovernorConfig<PeerIpKeyExtractor, NoOpMiddleware>>),
    ByForwarded(Arc<GovernorConfig<SmartIpKeyExtractor, NoOpMiddleware>>),
}

impl RateLimit {
    /// `settings.rate_limit` requests per second per client (at most [`MAX_RATE_LIMIT`]),
    /// with bursts of twice that; 0 turns it off.
    pub fn new(settings: &Settings) -> RateLimit {
        let rate = settings.rate_limit.min(MAX_RATE_LIMIT);
        if rate == 0 {
            return RateLimit::Off;
        }
        let period = Duration::from_secs(1) / rate;
        let burst = rate.saturating_mul(2);
        if settings.behind_proxy {
            RateLimit::ByForwarded(config(SmartIpKeyExtractor, period, burst))
        } else {
            RateLimit::ByPeer(config(PeerIpKeyExtractor, period, burst))
        }
    }

    /// `router` behind the limit: over it, a 429 with `Retry-After`.
    pub fn around(&self, router: Router) -> Router {
        match self {
            RateLimit::Off => router,
            RateLimit::ByPeer(config) => router.layer(GovernorLayer::new(config.clone())),
            RateLimit::ByForwarded(config) => router.layer(GovernorLayer::new(config.clone())),
        }
    }

    /// Forgets the clients whose allowance is whole again.
    pub fn forget_quiet_clients(&self) {
        match self {
            RateLimit::Off => {}
            RateLimit::ByPeer(config) => forget(config.limiter()),
            RateLimit::ByForwarded(config) => forget(config.limiter()),
        }
    }

    /// How many clients the limiter keeps an entry for.
    #[cfg(test)]
    pub fn clients(&self) -> usize {
        match self {
            RateLimit::Off => 0,
            RateLimit::ByPeer(config) => config.limiter().len(),
            RateLimit::ByForwarded(config) => config.limiter().len(),
        }
    }
}

fn config<K>(key: K, period: Duration, burst: u32) -> Arc<GovernorConfig<K, NoOpMiddleware>>
where
    K: KeyExtractor<Key = IpAddr>,
{
    let config = GovernorConfigBuilder::default()
        .period(period)
        .burst_size(burst)
        .key_extractor(key)
        .finish()
        .expect("a rate of at most a million a second has a period and a burst");
    Arc::new(config)
}

fn forget(limiter: &tower_governor::governor::SharedRateLimiter<IpAddr, NoOpMiddleware>) {
    limiter.retain_recent();
    limiter.shrink_to_fit();
}

/// Slots for searches computed at once.
#[derive(Clone)]
pub struct SearchSlots(Arc<Semaphore>);

impl SearchSlots {
    pub fn new(slots: usize) -> SearchSlots {
        SearchSlots(Arc::new(Semaphore::new(slots.max(1))))
    }

    /// A slot, held until dropped; `None` if none was free within a short wait.
    pub async fn take(&self) -> Option<OwnedSemaphorePermit> {
        let slot = self.0.clone().acquire_owned();
        tokio::time::timeout(SLOT_WAIT, slot).await.ok()?.ok()
    }
}

/// The machine's cores: as many searches as can run at once without waiting on each other.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}
