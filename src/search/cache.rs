//! Recent responses, for the queries many people ask.
//!
//! On a guide's site, a few dozen queries (`plainte`, `consent`, `trousse`) make most of the
//! searches. Answering them again from memory takes microseconds instead of a millisecond
//! of CPU: that is what lets two cores serve thousands of searches a second. Each response
//! is also kept as the API's JSON, so that a repeated search is a copy of bytes.
//!
//! Keeping responses is keeping what people searched for, so the cache keeps little, and
//! not for long: in memory only (never logged nor written), each response at most [`TTL`],
//! at most `capacity` of them, dropped with the index generation they came from, none at
//! all with a capacity of 0. Entries leave in the order they came, which makes the time
//! bound cheap to keep: the oldest entry is always first in line.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use super::engine::milliseconds_since;
use super::{SearchRequest, SearchResponse};

/// How long a response is kept.
pub const TTL: Duration = Duration::from_secs(5 * 60);

/// A response as computed, and as JSON.
pub struct Kept {
    response: SearchResponse,
    /// The JSON form up to its last field, `took_ms`, which is the time of each answer.
    json_head: Vec<u8>,
}

/// How every response's JSON ends, `took_ms` being its last field.
const TOOK_MS: &[u8] = b",\"took_ms\":";

impl Kept {
    fn new(response: &SearchResponse) -> Kept {
        let response = SearchResponse {
            took_ms: 0.0,
            ..response.clone()
        };
        let mut json_head = serde_json::to_vec(&response).expect("responses serialise");
        // `took_ms` is the struct's last field, so its key is the JSON's last.
        let last_key = json_head.windows(TOOK_MS.len()).rposition(|w| w == TOOK_MS);
        json_head.truncate(last_key.unwrap_or(json_head.len() - 1));
        Kept {
            response,
            json_head,
        }
    }

    /// The response, found in the time since `started`.
    pub fn response(&self, started: Instant) -> SearchResponse {
        SearchResponse {
            took_ms: milliseconds_since(started),
            ..self.response.clone()
        }
    }

    /// The response as the API's JSON, found in the time since `started`.
    pub fn json(&self, started: Instant) -> Vec<u8> {
        let mut json = Vec::with_capacity(self.json_head.len() + 32);
        json.extend_from_slice(&self.json_head);
        let took_ms = serde_json::to_string(&milliseconds_since(started)).expect("a number");
        json.extend_from_slice(TOOK_MS);
        json.extend_from_slice(took_ms.as_bytes());
        json.push(b'}');
        json
    }
}

/// Recent responses, kept in memory a few minutes at most, to answer repeated searches at
/// once.
pub struct ResponseCache {
    capacity: usize,
    ttl: Duration,
    /// Read by every search, written by those that miss: a lock readers share.
    entries: RwLock<Entries>,
}

#[derive(Default)]
struct Entries {
    responses: HashMap<SearchRequest, (Instant, Arc<Kept>)>,
    /// The same requests, oldest first, with when they came.
    arrivals: VecDeque<(Instant, SearchRequest)>,
}

impl ResponseCache {
    /// A cache of at most `capacity` responses, each kept five minutes at most; 0 keeps
    /// none.
    pub fn new(capacity: usize) -> ResponseCache {
        Self::with_ttl(capacity, TTL)
    }

    fn with_ttl(capacity: usize, ttl: Duration) -> ResponseCache {
        ResponseCache {
            capacity,
            ttl,
            entries: RwLock::default(),
        }
    }

    /// The response kept for `request`, unless it has had its time.
    pub fn get(&self, request: &SearchRequest) -> Option<Arc<Kept>> {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        let (came, response) = entries.responses.get(request)?;
        (came.elapsed() < self.ttl).then(|| response.clone())
    }

    /// Keeps `response` to `request`, pushing out the oldest response when full.
    pub fn insert(&self, request: &SearchRequest, response: &SearchResponse) {
        if self.capacity == 0 {
            return;
        }
        let kept = Arc::new(Kept::new(response));
        let mut entries = self.lock();
        entries.expire(self.ttl);
        if entries.responses.contains_key(request) {
            return;
        }
        if entries.arrivals.len() == self.capacity
            && let Some((_, oldest)) = entries.arrivals.pop_front()
        {
            entries.responses.remove(&oldest);
        }
        let now = Instant::now();
        entries.responses.insert(request.clone(), (now, kept));
        entries.arrivals.push_back((now, request.clone()));
    }

    /// Drops the responses older than five minutes (`TTL`); called now and then, so that none outstays
    /// it when no search comes to push it out.
    pub fn expire(&self) {
        self.lock().expire(self.ttl);
    }

    /// How many responses are kept.
    pub fn len(&self) -> usize {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        entries.responses.len()
    }

    /// Whether no response is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::RwLockWriteGuard<'_, Entries> {
        // A panic elsewhere cannot leave the two collections out of step: every change
        // above is made of infallible steps.
        self.entries.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Entries {
    fn expire(&mut self, ttl: Duration) {
        while let Some((came, _)) = self.arrivals.front()
            && came.elapsed() >= ttl
        {
            let (_, request) = self.arrivals.pop_front().expect("a front entry");
            self.responses.remove(&request);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Facets, LanguageReport};

    fn response(query: &str) -> SearchResponse {
        SearchResponse {
            query: query.into(),
            language: LanguageReport {
                detected: None,
                confidence: 0.0,
                searched: Vec::new(),
            },
            total: 0,
            hits: Vec::new(),
            facets: Facets::default(),
            did_you_mean: None,
            relaxed: None,
            starting_points: Vec::new(),
            took_ms: 0.0,
        }
    }

    fn request(query: &str) -> SearchRequest {
        SearchRequest::new(query)
    }

    #[test]
    fn keeps_the_latest_responses_up_to_its_capacity() {
        let cache = ResponseCache::new(2);
        for query in ["a", "b", "c"] {
            cache.insert(&request(query), &response(query));
        }
        assert!(cache.get(&request("a")).is_none(), "the oldest left first");
        assert_eq!(cache.get(&request("c")).unwrap().response.query, "c");
        assert_eq!(cache.len(), 2);
        let other_page = SearchRequest {
            offset: 10,
            ..request("c")
        };
        assert!(
            cache.get(&other_page).is_none(),
            "the whole request is the key"
        );
    }

    #[test]
    fn kept_json_is_the_responses_with_the_time_of_the_answer() {
        let response = SearchResponse {
            did_you_mean: Some("\"trousse\" <é>".into()),
            ..response("trouse")
        };
        let kept = Kept::new(&response);
        let json: serde_json::Value = serde_json::from_slice(&kept.json(Instant::now())).unwrap();
        let took_ms = json["took_ms"].as_f64().unwrap();
        assert!(took_ms >= 0.0);
        let expected = serde_json::to_value(SearchResponse {
            took_ms,
            ..response
        })
        .unwrap();
        assert_eq!(json, expected);
    }

    #[test]
    fn keeps_nothing_past_its_time_or_with_no_room() {
        let cache = ResponseCache::with_ttl(10, Duration::ZERO);
        cache.insert(&request("a"), &response("a"));
        cache.expire();
        assert!(cache.is_empty());
        let none = ResponseCache::new(0);
        none.insert(&request("a"), &response("a"));
        assert!(none.is_empty());
    }
}
