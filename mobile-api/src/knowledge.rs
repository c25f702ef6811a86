//! The knowledge base: articles, their versions, ratings and links to the tickets they solved,
//! search results and suggestions, and what the portal shows a customer.

use crate::ids::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

wire_enum!(
    /// What an article is.
    ArticleKind {
        QuestionAnswer => "question_answer",
        HowTo => "how_to",
        Troubleshooting => "troubleshooting",
    }
);

wire_enum!(
    /// Who reads an article: the staff only, or the customers too (in the portal).
    ArticleAudience {
        Staff => "staff",
        Customers => "customers",
    }
);

wire_enum!(
    /// Where an article is in its editing flow.
    ArticleStatus {
        Draft => "draft",
        Review => "review",
        Published => "published",
        Retired => "retired",
    }
);

/// An article as the staff read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Article {
    pub id: ArticleId,
    pub kind: ArticleKind,
    pub title: String,
    pub body: String,
    pub audience: ArticleAudience,
    /// The service regions it holds in; empty: everywhere.
    pub regions: Vec<RegionId>,
    /// Their names, in the same order.
    pub region_names: Vec<String>,
    pub tags: Vec<String>,
    /// Related product models.
    pub models: Vec<String>,
    pub status: ArticleStatus,
    pub version: i32,
    pub author_id: UserId,
    pub author_name: String,
    pub edited_by: UserId,
    pub edited_by_name: String,
    pub reviewed_by_name: Option<String>,
    pub review_note: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Mean accuracy and readability of the ratings (1-5); None before the first.
    pub accuracy: Option<f64>,
    pub readability: Option<f64>,
    pub ratings: i64,
    /// Tickets this article solved.
    pub linked_tickets: i64,
}

/// An article as written or replaced (`POST /knowledge/articles`, `PUT /knowledge/articles/{id}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    pub kind: ArticleKind,
    pub title: String,
    pub body: String,
    pub audience: ArticleAudience,
    /// Empty or absent: everywhere.
    #[serde(default)]
    pub regions: Vec<RegionId>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub models: Vec<String>,
    /// What this edit changed, for the version history.
    #[serde(default)]
    pub note: Option<String>,
}

/// A reviewer's decision on an article in review.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ArticleReview {
    /// true publishes the article; false sends it back to draft.
    pub approve: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// One version of an article's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleVersion {
    pub version: i32,
    pub title: String,
    pub body: String,
    pub note: Option<String>,
    pub edited_by: UserId,
    pub edited_by_name: String,
    pub edited_at: DateTime<Utc>,
}

/// A reader's rating: accuracy and readability, 1 to 5, and a remark.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ArticleRatingInput {
    pub accuracy: i32,
    pub readability: i32,
    #[serde(default)]
    pub feedback: Option<String>,
}

/// A rating as the editors read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleRating {
    pub user_name: String,
    pub accuracy: i32,
    pub readability: i32,
    pub feedback: Option<String>,
    pub rated_at: DateTime<Utc>,
}

/// A search hit: the article and its relevance (higher is better; comparable within one answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleHit {
    pub id: ArticleId,
    pub kind: ArticleKind,
    pub title: String,
    /// The start of the body.
    pub excerpt: String,
    pub audience: ArticleAudience,
    pub status: ArticleStatus,
    pub score: f64,
    pub linked_tickets: i64,
}

/// The text a suggestion is asked for (a ticket's description as it is typed).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SuggestionRequest {
    pub text: String,
}

/// A ticket linked to an article it solved.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ArticleTicketLink {
    pub ticket_id: TicketId,
}

/// A customer-facing article as the portal shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalArticle {
    pub id: ArticleId,
    pub kind: ArticleKind,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub models: Vec<String>,
    pub updated_at: DateTime<Utc>,
}
