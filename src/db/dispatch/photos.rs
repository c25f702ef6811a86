//! The photos of visits: stored with their bytes, listed without them.

use crate::db::schema::visit_photos;
use crate::db::{ts, utc, DbConn};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{PhotoKind, UserId, VisitId, VisitPhoto, VisitPhotoId};

/// A photo as listed: everything but its bytes.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = visit_photos)]
struct PhotoRow {
    id: i64,
    visit_id: i64,
    kind: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    uploaded_by: i64,
    created_at: NaiveDateTime,
}

impl PhotoRow {
    fn to_wire(&self) -> AppResult<VisitPhoto> {
        Ok(VisitPhoto {
            id: VisitPhotoId(self.id),
            visit_id: VisitId(self.visit_id),
            kind: PhotoKind::parse(&self.kind)
                .ok_or_else(|| AppError::internal(format!("photo {} has unknown kind", self.id)))?,
            content_type: self.content_type.clone(),
            size_bytes: self.size_bytes,
            sha256: self.sha256.clone(),
            uploaded_by: UserId(self.uploaded_by),
            created_at: utc(self.created_at),
        })
    }
}

/// A photo to store.
pub struct NewPhoto<'a> {
    pub visit_id: i64,
    pub kind: PhotoKind,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub bytes: &'a [u8],
    pub uploaded_by: i64,
    pub at: DateTime<Utc>,
}

pub fn insert(c: &mut DbConn, p: &NewPhoto) -> AppResult<VisitPhoto> {
    let row: PhotoRow = diesel::insert_into(visit_photos::table)
        .values((
            visit_photos::visit_id.eq(p.visit_id),
            visit_photos::kind.eq(p.kind.as_str()),
            visit_photos::content_type.eq(p.content_type),
            visit_photos::size_bytes.eq(p.bytes.len() as i64),
            visit_photos::sha256.eq(p.sha256),
            visit_photos::bytes.eq(p.bytes),
            visit_photos::uploaded_by.eq(p.uploaded_by),
            visit_photos::created_at.eq(ts(p.at)),
        ))
        .returning((
            visit_photos::id,
            visit_photos::visit_id,
            visit_photos::kind,
            visit_photos::content_type,
            visit_photos::size_bytes,
            visit_photos::sha256,
            visit_photos::uploaded_by,
            visit_photos::created_at,
        ))
        .get_result(c)?;
    row.to_wire()
}

/// How many photos the visit has.
pub fn count(c: &mut DbConn, visit: i64) -> AppResult<i64> {
    Ok(visit_photos::table
        .filter(visit_photos::visit_id.eq(visit))
        .count()
        .get_result(c)?)
}

/// The visit's photos, oldest first, without their bytes.
pub fn list(c: &mut DbConn, visit: i64) -> AppResult<Vec<VisitPhoto>> {
    let rows: Vec<PhotoRow> = visit_photos::table
        .filter(visit_photos::visit_id.eq(visit))
        .order(visit_photos::id)
        .select(PhotoRow::as_select())
        .load(c)?;
    rows.iter().map(PhotoRow::to_wire).collect()
}

/// A photo of the visit: its content type and bytes.
pub fn bytes(c: &mut DbConn, visit: i64, photo: i64) -> AppResult<(String, Vec<u8>)> {
    visit_photos::table
        .filter(visit_photos::id.eq(photo))
        .filter(visit_photos::visit_id.eq(visit))
        .select((visit_photos::content_type, visit_photos::bytes))
        .get_result(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("photo of this visit", photo))
}
