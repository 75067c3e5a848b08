//! What an appellant sees on login (申诉首页): who they are, the contestants they answer for,
//! and for each where the results stand and whether an appeal can be filed now.

use super::appeal_rules as rules;
use super::appeals::{newest, standing};
use super::appellants;
use super::entity::{event, group, stage};
use super::{EventId, GroupId, PublicationState};
use crate::auth::appellant::{Appellant, AppellantAuth};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use utoipa::ToSchema;

/// A stage an appellant may contest.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StageChoice {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
}

/// A contestant an appellant answers for, with where their results stand.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Covered {
    /// The contestant.
    pub contestant_id: i32,
    /// 参赛证号.
    pub number: String,
    /// Name.
    pub name: String,
    /// Event.
    pub event_name: String,
    /// Group.
    pub group_name: String,
    /// The stages.
    pub stages: Vec<StageChoice>,
    /// `provisional`, `final`, or none while nothing is published.
    pub published: Option<PublicationState>,
    /// The window's close, while provisional.
    pub appeal_closes_at: Option<DateTime<Utc>>,
    /// Whether an appeal can be filed now.
    pub open: bool,
}

/// What an appellant sees on login: who they are and the contestants they answer for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppellantHome {
    /// `contestant` or `leader`.
    pub kind: String,
    /// Their name.
    pub name: String,
    /// The contestants.
    pub contestants: Vec<Covered>,
}

/// The appellant's home.
pub async fn home(
    db: &impl ConnectionTrait,
    who: &AppellantAuth,
    now: DateTime<Utc>,
) -> AppResult<AppellantHome> {
    let mut out = vec![];
    // A leader's contestants share events and groups: each is read once.
    let mut events: HashMap<i32, (String, Vec<StageChoice>)> = HashMap::new();
    let mut groups: HashMap<i32, String> = HashMap::new();
    let mut results = HashMap::new();
    for k in appellants::covered(db, who).await? {
        if let Entry::Vacant(slot) = events.entry(k.event_id) {
            let name = event::Entity::find_by_id(k.event_id)
                .one(db)
                .await?
                .map(|e| e.name)
                .unwrap_or_default();
            let stages = stage::Entity::find()
                .filter(stage::Column::EventId.eq(k.event_id))
                .order_by_asc(stage::Column::Position)
                .all(db)
                .await?
                .into_iter()
                .map(|s| StageChoice {
                    id: s.id,
                    name: s.name,
                })
                .collect();
            slot.insert((name, stages));
        }
        if let Entry::Vacant(slot) = groups.entry(k.group_id) {
            let name = group::Entity::find_by_id(k.group_id)
                .one(db)
                .await?
                .map(|g| g.name)
                .unwrap_or_default();
            slot.insert(name);
        }
        let key = (k.event_id, k.group_id);
        if let Entry::Vacant(slot) = results.entry(key) {
            slot.insert(newest(db, EventId(k.event_id), GroupId(k.group_id)).await?);
        }
        let p = results.get(&key).copied().flatten();
        let (event_name, stages) = events.get(&k.event_id).cloned().unwrap_or_default();
        out.push(Covered {
            contestant_id: k.id,
            number: k.number.clone().unwrap_or_default(),
            name: k.name.clone(),
            event_name,
            group_name: groups.get(&k.group_id).cloned().unwrap_or_default(),
            stages,
            published: p.map(|p| p.1),
            appeal_closes_at: p.and_then(|p| p.2),
            open: rules::window(standing(p).0, now).is_ok(),
        });
    }
    Ok(AppellantHome {
        kind: match who.who {
            Appellant::Contestant(_) => "contestant".into(),
            Appellant::Leader(_) => "leader".into(),
        },
        name: who.name.clone(),
        contestants: out,
    })
}
