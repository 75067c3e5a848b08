use crate::http::loopback_base;
use crate::plan::{BlurSlot, Plan, Shared, Step};
use crate::setup::id_number;
use crate::sse::{Sse, SseEvent};
use crate::watch::WatchState;
use reqwest::Client;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[test]
fn only_loopback_bases_are_accepted() {
    assert_eq!(
        loopback_base("http://127.0.0.1:8080/").unwrap(),
        "http://127.0.0.1:8080"
    );
    assert!(loopback_base("http://127.1.2.3:1").is_ok());
    assert!(loopback_base("http://localhost:8080").is_ok());
    assert!(loopback_base("http://[::1]:8080").is_ok());
    assert!(loopback_base("http://10.0.0.1:8080").is_err());
    assert!(loopback_base("http://example.com").is_err());
    assert!(loopback_base("https://127.0.0.1").is_err());
    assert!(loopback_base("http://127.0.0.1:8080/api").is_err());
}

#[test]
fn generated_id_numbers_are_valid_and_distinct() {
    let mut seen = std::collections::HashSet::new();
    for i in 0..30_000 {
        let id = id_number(i).unwrap();
        assert!(
            exam_platform::exam::identity::IdNumber::parse(&id).is_ok(),
            "{i}"
        );
        assert!(seen.insert(id));
    }
}

fn test_plan(t0: Instant, steps: Vec<Step>, secs: u64) -> Plan {
    Plan {
        client: Client::new(),
        bases: vec![String::new()],
        t0,
        ramp: Duration::ZERO,
        steps,
        end: t0 + Duration::from_secs(secs),
        n: 1,
        submit: false,
        seed: 0,
        saves_hint: 0,
        heartbeat: None,
        focus: None,
        shared: Arc::new(shared(&[], 1)),
        errors: Mutex::new(Vec::new()),
    }
}

fn shared(tickets: &[&str], bases: usize) -> Shared {
    Shared {
        tickets: tickets
            .iter()
            .enumerate()
            .map(|(i, t)| ((*t).into(), i as u32))
            .collect(),
        blurs: tickets.iter().map(|_| BlurSlot::default()).collect(),
        epoch: Instant::now(),
        bases,
    }
}

#[test]
fn events_tick_on_their_grid_until_the_end() {
    let t0 = Instant::now();
    let plan = test_plan(t0, vec![], 10);
    let every = Some(Duration::from_secs(3));
    let mut at = t0;
    let mut times = Vec::new();
    while let Some(next) = plan.next_tick(every, 0.5, at) {
        times.push((next - t0).as_millis());
        at = next;
    }
    assert_eq!(times, vec![1500, 4500, 7500]);
    assert_eq!(plan.next_tick(None, 0.5, t0), None);
}

#[test]
fn the_event_stream_parser_splits_events_across_chunks() {
    let stream = b"event: snapshot\ndata: {\"a\":1}\n\n: ping\n\nevent: tiles\r\ndata: [1,\ndata: 2]\n\nevent: x\ndata: y\n\n";
    for size in [1, 2, 7, stream.len()] {
        let mut sse = Sse::default();
        let mut got = Vec::new();
        for chunk in stream.chunks(size) {
            sse.push(chunk, |kind, data| got.push((kind, data.to_vec())));
        }
        assert_eq!(
            got,
            vec![
                (SseEvent::Snapshot, b"{\"a\":1}".to_vec()),
                (SseEvent::Tiles, b"[1,\n2]".to_vec()),
                (SseEvent::Other, b"y".to_vec()),
            ],
            "chunks of {size}"
        );
        assert_eq!(sse.comments, 1);
        assert_eq!(sse.bytes, stream.len() as u64);
        assert!(sse.buf.is_empty());
    }
}

#[test]
fn a_watcher_times_each_blur_from_its_send_to_the_tile_that_counts_it() {
    let shared = shared(&["K1", "K2"], 2);
    let mut st = WatchState::new(0, 2, Duration::from_secs(5));
    let frame = |t1: i64, t2: i64| {
        format!(
            r#"{{"server_time_ms":1000,"full":false,"tiles":[{{"candidate_id":1,"attempt_id":7,"ticket":"K1","name":"压测","focus_losses":{t1},"state":"in_progress"}},{{"attempt_id":null,"ticket":"K2","focus_losses":{t2}}},{{"ticket":"other","focus_losses":9}}],"totals":{{"in_progress":1}},"published_at_ms":900}}"#
        )
    };
    // The first frame: K1 had 3 focus losses before the run, K2 no attempt yet.
    st.frame(
        SseEvent::Snapshot,
        frame(3, 0).as_bytes(),
        Instant::now(),
        0,
        &shared,
    );
    assert!(st.have_baseline);
    assert_eq!(st.baseline, vec![3, 0]);
    st.timed_from = Some(Instant::now());
    // K1 sends its first blur; a frame counts it 40 ms later.
    let sent = Instant::now();
    shared.blurs[0].sent_ns[1].store(shared.ns(sent), Ordering::Relaxed);
    shared.blurs[0].count.store(1, Ordering::Release);
    let seen = sent + Duration::from_millis(40);
    st.frame(SseEvent::Tiles, frame(4, 0).as_bytes(), seen, 1100, &shared);
    assert_eq!(st.same.len(), 1);
    assert!((39_000..=41_000).contains(&st.same[0]), "{}", st.same[0]);
    assert_eq!(st.build_ms, vec![100]);
    assert_eq!(st.transit_ms, vec![100]);
    // The same count again is no new delivery; a rise nobody sent is unexpected.
    st.frame(SseEvent::Tiles, frame(4, 1).as_bytes(), seen, 1100, &shared);
    assert_eq!(st.same.len(), 1);
    assert_eq!(st.cross.len(), 0);
    assert_eq!(st.unexpected, 1);
    // K2 (on the other server) is seen 6 s after it sent: delivered, but late.
    shared.blurs[1].sent_ns[2].store(shared.ns(sent), Ordering::Relaxed);
    shared.blurs[1].count.store(2, Ordering::Release);
    st.frame(
        SseEvent::Tiles,
        frame(4, 2).as_bytes(),
        sent + Duration::from_secs(6),
        0,
        &shared,
    );
    assert_eq!(st.cross.len(), 1);
    assert_eq!(st.late, 1);
    assert_eq!(st.frames, 4);
    assert_eq!(st.tiles, 12);
    assert_eq!(st.bad_frames, 0);
    st.frame(SseEvent::Tiles, b"{not json", seen, 0, &shared);
    assert_eq!(st.bad_frames, 1);
}

#[test]
fn saves_follow_the_grid_and_stop_at_the_end() {
    let t0 = Instant::now();
    let step = |k: u32, ms: u64| Step {
        interval: Duration::from_millis(ms),
        target_rate: 1.0,
        start: t0 + Duration::from_secs(10) * k,
        end: t0 + Duration::from_secs(10) * (k + 1),
    };
    let plan = test_plan(t0, vec![step(0, 4000), step(1, 1000)], 20);
    let mut at = t0;
    let mut times = Vec::new();
    while let Some(next) = plan.next_save(at, 0.5) {
        assert!(next > at);
        times.push((next - t0).as_millis());
        at = next;
    }
    assert_eq!(
        times,
        vec![
            2000, 6000, 10500, 11500, 12500, 13500, 14500, 15500, 16500, 17500, 18500, 19500
        ]
    );
}
