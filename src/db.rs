//! Opening the database: SQLite in WAL mode by default, PostgreSQL when the URL says so.

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::Connection as _;
use sea_orm::sqlx::sqlite::{SqliteConnection, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    RuntimeErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

/// How long a writer waits for SQLite's single write lock by default before the request is
/// answered 503 `server_busy` (`DB_BUSY_TIMEOUT_MS`).
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects, creating the SQLite file and its folder if needed, and applies migrations.
pub async fn connect(url: &str, pool: u32) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, pool, SQLITE_BUSY_TIMEOUT).await
}

/// [`connect`] with the time a SQLite writer waits for the write lock.
pub async fn connect_with(
    url: &str,
    pool: u32,
    busy_timeout: Duration,
) -> Result<DatabaseConnection, DbErr> {
    let db = open(url, pool, busy_timeout).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

/// Opens the pool without applying migrations (the `migrate` command decides itself).
pub async fn open(
    url: &str,
    pool: u32,
    busy_timeout: Duration,
) -> Result<DatabaseConnection, DbErr> {
    let url = if url.starts_with("sqlite:") && !url.contains("mode=") {
        if let Some(path) = sqlite_path(url)
            && let Some(dir) = std::path::Path::new(path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
        }
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}mode=rwc")
    } else {
        url.to_string()
    };
    let mut opts = ConnectOptions::new(url.clone());
    opts.max_connections(pool)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // WAL lets readers run beside the writer; NORMAL sync keeps every committed
        // transaction through a process crash (only power loss could cost the last ones).
        .map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(busy_timeout)
                .foreign_keys(true)
        })
        // A connection goes back to the pool only outside any transaction; see `released_clean`.
        .map_sqlx_sqlite_pool_opts(|o| {
            o.after_release(|conn, _| Box::pin(async move { sqlite_released_clean(conn).await }))
        })
        .map_sqlx_postgres_pool_opts(|o| {
            o.after_release(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
        });
    let db = Database::connect(opts).await?;
    if let Some(file) = sqlite_file(&db) {
        gate(file, busy_timeout);
    }
    Ok(db)
}

/// This process's queue for one SQLite file's write lock, and how long a writer may wait in it.
struct Gate {
    turn: Arc<tokio::sync::Mutex<()>>,
    wait: Duration,
}

/// One gate per SQLite file (tests run many databases in one process).
static GATES: LazyLock<Mutex<HashMap<PathBuf, Gate>>> = LazyLock::new(Default::default);

/// The gate of a file, made with `wait` on first use.
fn gate(file: PathBuf, wait: Duration) -> (Arc<tokio::sync::Mutex<()>>, Duration) {
    let mut gates = GATES.lock().unwrap_or_else(|p| p.into_inner());
    let g = gates.entry(file).or_insert_with(|| Gate {
        turn: Arc::new(tokio::sync::Mutex::new(())),
        wait,
    });
    (g.turn.clone(), g.wait)
}

/// The file behind a SQLite pool.
fn sqlite_file(db: &DatabaseConnection) -> Option<PathBuf> {
    (db.get_database_backend() == DbBackend::Sqlite).then(|| {
        db.get_sqlite_connection_pool()
            .connect_options()
            .get_filename()
            .to_path_buf()
    })
}

/// Whether a SQLite connection handed back to the pool is outside any transaction, both as
/// SQLite sees it and as sqlx counts it; if not, the pool closes it (closing rolls back).
///
/// This is the mechanism that keeps an acknowledged save durable after a write error. When a
/// statement or COMMIT fails with SQLITE_FULL, SQLITE_IOERR or SQLITE_BUSY, SQLite may roll the
/// transaction back by itself; the ROLLBACK that the dropped transaction then sends fails ("no
/// transaction is active"), so sqlx keeps counting the connection as inside a transaction. Its
/// next `begin` would then open a SAVEPOINT instead of a transaction, and the opposite case (SQLite
/// still inside a transaction) turns every later "commit" on that connection into a savepoint
/// release that never reaches the disk, while its open write lock answers everyone else
/// "database is locked". A fresh connection has neither problem.
async fn sqlite_released_clean(conn: &mut SqliteConnection) -> Result<bool, sea_orm::sqlx::Error> {
    let autocommit = {
        // Waits until the worker has run what was queued before (the dropped transaction's
        // rollback), so the state read below is the one the next user would get.
        let mut handle = conn.lock_handle().await?;
        // SAFETY: the locked handle guarantees no other thread uses the database handle while it
        // lives; sqlite3_get_autocommit only reads a flag of that handle.
        unsafe { libsqlite3_sys::sqlite3_get_autocommit(handle.as_raw_handle().as_ptr()) != 0 }
    };
    Ok(autocommit && !conn.is_in_transaction())
}

/// Opens a transaction that is going to write.
///
/// On SQLite the writers of this process first queue for their turn, first come first served,
/// then the transaction begins with `BEGIN IMMEDIATE`, taking the single write lock at once
/// (waiting for other processes up to the busy timeout). A plain (deferred) transaction that reads
/// first and writes later cannot wait for the lock when another writer committed meanwhile:
/// SQLite answers "database is locked" at once, which is what concurrent staff edits got. And
/// SQLite's own waiting is polling with growing sleeps, so a writer that commits and begins again
/// at once (an import's next chunk) can starve one that is sleeping (the candidates' saves): the
/// queue keeps the turns fair. PostgreSQL takes row locks as it goes; an ordinary transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    match sqlite_file(db) {
        Some(file) => {
            let (turn, wait) = gate(file, SQLITE_BUSY_TIMEOUT);
            let turn = tokio::time::timeout(wait, turn.lock_owned())
                .await
                .map_err(|_| DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout))?;
            let txn = db
                .begin_with_options(TransactionOptions {
                    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                    ..Default::default()
                })
                .await?;
            Ok(WriteTxn {
                txn,
                _turn: Some(turn),
            })
        }
        None => Ok(WriteTxn {
            txn: db.begin().await?,
            _turn: None,
        }),
    }
}

/// A transaction opened by [`begin_write`]: on SQLite it holds this process's turn at the write
/// lock until it is committed, rolled back or dropped (dropping rolls back).
pub struct WriteTxn {
    // Declared first, so it is dropped (and its rollback queued) before the turn is passed on.
    txn: DatabaseTransaction,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTxn {
    /// Commits; an error means nothing was committed.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
    /// Rolls back.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
    /// A savepoint inside this transaction: what it writes is undone alone by its rollback.
    pub async fn savepoint(&self) -> Result<DatabaseTransaction, DbErr> {
        sea_orm::TransactionTrait::begin(&self.txn).await
    }
}

#[async_trait::async_trait]
impl sea_orm::ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }
    async fn execute_raw(&self, stmt: sea_orm::Statement) -> Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }
    async fn query_one_raw(
        &self,
        stmt: sea_orm::Statement,
    ) -> Result<Option<sea_orm::QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }
    async fn query_all_raw(
        &self,
        stmt: sea_orm::Statement,
    ) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}

/// Locks one row for the rest of the transaction on PostgreSQL, so two transactions that derive
/// new values from it (the next ticket or seat of a session) run one after the other instead of
/// colliding on a unique index. On SQLite `begin_write` already holds the database's write lock.
pub async fn lock_row(txn: &WriteTxn, table: &'static str, id: i32) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(stmt(
            txn,
            &format!("SELECT id FROM {table} WHERE id = ? FOR UPDATE"),
            [id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Why a database error is worth retrying: the storage (not the request) failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// Another writer holds the lock, no connection was free in time, or PostgreSQL asked for a
    /// retry (serialization failure, deadlock).
    Busy,
    /// The disk is full or failing, or the connection to the database broke.
    Storage,
}

/// Tells a transient storage failure (disk full, I/O error, lock timeout, lost connection) from
/// everything else, so it is answered 503 and retried instead of 500.
pub fn unavailable(e: &DbErr) -> Option<Unavailable> {
    use sea_orm::sqlx::Error as E;
    let runtime = match e {
        DbErr::ConnectionAcquire(_) => return Some(Unavailable::Busy),
        DbErr::Conn(r) | DbErr::Exec(r) | DbErr::Query(r) => r,
        _ => return None,
    };
    let sqlx = match runtime {
        RuntimeErr::SqlxError(s) => s,
        RuntimeErr::Internal(m) => return unavailable_message(m),
        #[allow(unreachable_patterns)]
        _ => return None,
    };
    match &**sqlx {
        E::PoolTimedOut => Some(Unavailable::Busy),
        E::Io(_) | E::PoolClosed | E::WorkerCrashed | E::Tls(_) | E::Protocol(_) => {
            Some(Unavailable::Storage)
        }
        E::Database(d) => {
            let code = d.code()?;
            if let Ok(n) = code.parse::<i32>() {
                // SQLite: the primary result code is the low byte of the extended one.
                return match n & 0xff {
                    5 | 6 => Some(Unavailable::Busy), // BUSY, LOCKED
                    // NOMEM, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL
                    7 | 8 | 10 | 13 | 14 | 15 => Some(Unavailable::Storage),
                    _ => None,
                };
            }
            // PostgreSQL SQLSTATE: serialization failure and deadlock are retried; connection
            // exceptions (08), insufficient resources such as a full disk (53), operator
            // intervention such as a shutdown (57P) and system errors (58) mean the storage.
            match code.as_ref() {
                "40001" | "40P01" | "55P03" => Some(Unavailable::Busy),
                c if c.starts_with("08") || c.starts_with("53") || c.starts_with("58") => {
                    Some(Unavailable::Storage)
                }
                c if c.starts_with("57P") => Some(Unavailable::Storage),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The same, for errors that reach us only as text.
fn unavailable_message(m: &str) -> Option<Unavailable> {
    let m = m.to_ascii_lowercase();
    if m.contains("database is locked") || m.contains("pool timed out") {
        Some(Unavailable::Busy)
    } else if m.contains("disk is full")
        || m.contains("disk i/o error")
        || m.contains("connection closed")
    {
        Some(Unavailable::Storage)
    } else {
        None
    }
}

/// The file path of a `sqlite://path?…` URL, if it names a file.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Rewrites `?` placeholders as `$1, $2, …` when the backend is PostgreSQL, so raw SQL is
/// written once for both backends.
pub fn sql(db: &impl sea_orm::ConnectionTrait, text: &str) -> String {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut n = 0;
    for c in text.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// `n` comma-separated `?` placeholders, for an `IN (…)` list or a row of values.
pub fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// A raw statement with `?` placeholders, for either backend.
pub fn stmt(
    db: &impl sea_orm::ConnectionTrait,
    text: &str,
    values: impl IntoIterator<Item = sea_orm::Value>,
) -> sea_orm::Statement {
    sea_orm::Statement::from_sql_and_values(db.get_database_backend(), sql(db, text), values)
}

/// Runs `text`, whose `{ids}` stands for an `IN (…)` list, over `ids` in chunks small enough for
/// either backend's parameter limit, and returns every chunk's rows in order.
pub async fn query_in(
    db: &impl sea_orm::ConnectionTrait,
    text: &str,
    ids: &[i32],
) -> Result<Vec<sea_orm::QueryResult>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let sql = text.replace("{ids}", &placeholders(chunk.len()));
        let values = chunk.iter().map(|&i| sea_orm::Value::from(i));
        out.extend(db.query_all_raw(stmt(db, &sql, values)).await?);
    }
    Ok(out)
}
