//! Typed identifiers. Every id is an `i64` on the wire and in the database.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                Self(v)
            }
        }
    )*};
}

id_type!(
    UserId,
    CustomerId,
    ContactId,
    RegionId,
    SiteId,
    AssetId,
    AuditEventId,
    TicketId,
    TicketEventId,
    OnsiteRequestId,
    SlaPolicyId,
    HolidayId,
    NotificationId,
    VisitId,
    OutboxMessageId,
    MajorFaultId,
    FaultReportId,
    RevisitFileId,
    RevisitId,
    SurveyId,
    InspectionPlanId,
    InspectionId,
    InspectionFindingId,
    VisitPhotoId,
    WarrantyTermId,
    QuoteId,
    InboundMessageId,
    TicketAttachmentId,
    TeamId,
    ChaseId,
    ReviewId,
    CriterionId,
    TrainingEntryId,
    ArticleId,
    ShiftId,
    RosterEntryId,
    SwapId,
    HandoverId,
    EquipmentCheckId,
    DayPlanId,
);
