//! The session fixture: an exam, a session open around now and candidates seated with tickets,
//! made over HTTP as staff would, then tablets logged in. Most tests of sitting an exam start
//! here; they differ only in the exam, the session's name, rooms and times, and who is seated.
//! It talks to any server (a spawned app or the real binary), given a client, a base URL and a
//! staff token.

use super::{TestApp, id_number};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

/// A seated candidate: what their tablet logs in with.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub ticket: String,
    pub id_number: String,
}

impl Candidate {
    /// The body of a candidate login.
    pub fn credentials(&self) -> Value {
        json!({"ticket": self.ticket, "id_number": self.id_number})
    }
}

/// A session made by [`SessionFixture::create`].
pub struct Session {
    pub id: i64,
    /// In the order they were seated.
    pub candidates: Vec<Candidate>,
}

/// The exam a session is for: written by the fixture, or saved before by the test.
enum Exam {
    Define(Value),
    Saved(Value),
}

/// What to make; see the setters for the defaults.
pub struct SessionFixture {
    exam: Exam,
    session: Value,
    opens_in_s: i64,
    closes_in_s: i64,
    /// (name, ID number)
    candidates: Vec<(String, String)>,
    room: Option<String>,
}

impl SessionFixture {
    /// A session for a new exam of this definition.
    pub fn new(definition: Value) -> Self {
        Self::with(Exam::Define(definition))
    }

    /// A session for an exam the test saved itself (e.g. to check its feasibility first).
    pub fn of_exam(exam_id: Value) -> Self {
        Self::with(Exam::Saved(exam_id))
    }

    fn with(exam: Exam) -> Self {
        SessionFixture {
            exam,
            session: json!({"name": "安防从业人员继续教育培训", "number": "第七十四期", "venue": "广州站",
                "rooms": [{"name": "第一考场", "seats": 50}]}),
            opens_in_s: -3600,
            closes_in_s: 7200,
            candidates: vec![],
            room: None,
        }
    }

    /// The session's own fields (name, rooms, …) instead of the default ones: a continuing-
    /// education session in one room of 50 seats.
    pub fn session(mut self, fields: Value) -> Self {
        self.session = fields;
        self
    }

    /// When the session opens and closes, in seconds from now (default: opened an hour ago,
    /// closes in two).
    pub fn open(mut self, opens_in_s: i64, closes_in_s: i64) -> Self {
        self.opens_in_s = opens_in_s;
        self.closes_in_s = closes_in_s;
        self
    }

    /// `n` candidates named 考生0, 考生1, … with valid ID numbers of people born on `born`
    /// (YYYYMMDD), sequence numbers from `first_seq`.
    pub fn candidates(mut self, n: u32, born: &str, first_seq: u32) -> Self {
        self.candidates
            .extend((0..n).map(|i| (format!("考生{i}"), id_number(born, first_seq + i))));
        self
    }

    /// Candidates with these names, otherwise as [`Self::candidates`].
    pub fn candidates_named(mut self, names: &[&str], born: &str, first_seq: u32) -> Self {
        self.candidates.extend(
            (first_seq..)
                .zip(names)
                .map(|(seq, name)| (name.to_string(), id_number(born, seq))),
        );
        self
    }

    /// Seats every candidate in this room (by default the server chooses).
    pub fn in_room(mut self, room: &str) -> Self {
        self.room = Some(room.to_string());
        self
    }

    /// Makes the exam, the session and the candidates as `staff` on the server at `base`.
    pub async fn create(self, client: &Client, base: &str, staff: &str) -> Session {
        let post = |path: &str, body: Value, what: &'static str| {
            let request = client
                .post(format!("{base}{path}"))
                .bearer_auth(staff)
                .json(&body);
            async move {
                let r = request.send().await.expect("request");
                assert_eq!(r.status(), StatusCode::CREATED, "{what}");
                r.json::<Value>().await.expect("json")
            }
        };
        let exam_id = match self.exam {
            Exam::Define(definition) => post("/api/exams", definition, "exam").await["id"].clone(),
            Exam::Saved(id) => id,
        };
        let now = chrono::Utc::now();
        let mut body = self.session;
        body["exam_id"] = exam_id;
        body["starts_at"] = json!(now + chrono::Duration::seconds(self.opens_in_s));
        body["ends_at"] = json!(now + chrono::Duration::seconds(self.closes_in_s));
        let id = post("/api/sessions", body, "session").await["id"]
            .as_i64()
            .expect("session id");
        let mut candidates = vec![];
        for (name, id_number) in self.candidates {
            let mut body = json!({"name": name, "id_number": id_number});
            if let Some(room) = &self.room {
                body["room"] = json!(room);
            }
            let seated = post(&format!("/api/sessions/{id}/candidates"), body, "candidate").await;
            let ticket = seated["ticket"].as_str().expect("ticket").to_string();
            candidates.push(Candidate { ticket, id_number });
        }
        Session { id, candidates }
    }

    /// Makes it all on `app` as the admin, ready to sit.
    pub async fn sit(self, app: TestApp) -> Sitting {
        let admin = app.admin().await;
        self.sit_as(app, admin).await
    }

    /// The same, with the admin's token the test already has.
    pub async fn sit_as(self, app: TestApp, admin: String) -> Sitting {
        let session = self.create(&app.client, &app.base, &admin).await;
        Sitting {
            app,
            admin,
            session_id: session.id,
            candidates: session.candidates,
        }
    }
}

/// An app with a session ready to sit, and the admin's token.
pub struct Sitting {
    pub app: TestApp,
    pub admin: String,
    pub session_id: i64,
    pub candidates: Vec<Candidate>,
}

impl Sitting {
    /// Sends candidate `i`'s login and returns the response, whatever it is.
    pub async fn try_login(&self, i: usize) -> Response {
        candidate_login(&self.app.client, &self.app.base, &self.candidates[i]).await
    }

    /// Logs candidate `i` in: (token, attempt id, login response).
    pub async fn login(&self, i: usize) -> (String, i64, Value) {
        log_tablet_in(&self.app.client, &self.app.base, &self.candidates[i]).await
    }

    /// The paper of an attempt.
    pub async fn paper(&self, token: &str, attempt: i64) -> Value {
        self.app
            .get_json(token, &format!("/api/attempts/{attempt}/paper"))
            .await
    }
}

/// Sends a candidate's login to the server at `base`; returns the response, whatever it is.
pub async fn candidate_login(client: &Client, base: &str, c: &Candidate) -> Response {
    client
        .post(format!("{base}/api/candidate/login"))
        .json(&c.credentials())
        .send()
        .await
        .expect("request")
}

/// Logs a candidate's tablet in: (token, attempt id, login response); panics unless it is let in.
pub async fn log_tablet_in(client: &Client, base: &str, c: &Candidate) -> (String, i64, Value) {
    let r = candidate_login(client, base, c).await;
    assert_eq!(r.status(), StatusCode::OK, "candidate login");
    let v: Value = r.json().await.expect("json");
    (
        v["token"].as_str().expect("token").to_string(),
        v["attempt_id"].as_i64().expect("attempt id"),
        v,
    )
}
