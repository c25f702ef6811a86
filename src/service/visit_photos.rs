//! The photos of a visit: the technician holding it attaches them from the phone (before and
//! after the work, the fault, the signed form), and whoever may read the visit lists and
//! downloads them (the technician holding it, the office). They are held in the database, so
//! every node serves them.
//!
//! A photo is a JPEG or PNG (its declared type and its first bytes must agree), at most
//! `Settings::photo_max_bytes` (413 beyond), and a visit holds at most
//! `Settings::photos_per_visit` (409 beyond). An upload is idempotent like every POST from the
//! phone: sent again with the same `Idempotency-Key` it answers the same photo and stores
//! nothing.

use super::phone::{idempotency_key, once, Answer};
use super::visits::visit_event;
use super::Who;
use crate::config::Settings;
use crate::db::audit::{self, snapshot};
use crate::db::dispatch::photos::{self as store, NewPhoto};
use crate::db::dispatch::visits as visit_store;
use crate::db::DbConn;
use crate::domain::visit::{self as rules, Image, PhotoRefused};
use crate::error::{AppError, AppResult};
use crate::policy::dispatch::{self as policy, Act};
use fieldline_mobile_api::{PhotoKind, VisitPhoto};
use sha2::{Digest, Sha256};

/// A photo as the phone sent it.
pub struct PhotoPost {
    pub visit: i64,
    /// The `Idempotency-Key` header.
    pub key: Option<String>,
    /// The hash of the request (a resend has the same).
    pub hash: String,
    pub kind: PhotoKind,
    /// The `Content-Type` header.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Why the photo is refused, as the API says it.
fn refused(r: PhotoRefused) -> AppError {
    match r {
        PhotoRefused::Type => {
            AppError::UnsupportedMediaType("send a photo as `Content-Type: image/jpeg` or `image/png`".into())
        }
        PhotoRefused::Content(Image::Jpeg) => AppError::UnsupportedMediaType("the body is not a JPEG image".into()),
        PhotoRefused::Content(Image::Png) => AppError::UnsupportedMediaType("the body is not a PNG image".into()),
        PhotoRefused::Empty => AppError::validation("body", "the photo is empty"),
    }
}

/// Attaches a photo to the technician's visit, once per idempotency key.
pub fn attach(c: &mut DbConn, who: &Who, p: PhotoPost, settings: &Settings) -> AppResult<Answer> {
    policy::require_phone(&who.caller, Act::AttachPhoto)?;
    let key = idempotency_key(p.key.as_deref())?;
    if p.bytes.len() > settings.photo_max_bytes {
        return Err(AppError::PayloadTooLarge(settings.photo_max_bytes));
    }
    let image = rules::photo(&p.content_type, &p.bytes).map_err(refused)?;
    let actor = who.actor();
    let (visit, most) = (p.visit, settings.photos_per_visit);
    once(c, who, &key, &p.hash, |c| {
        // One writer at a time counts the visit's photos.
        crate::db::lock_visit(c, visit)?;
        let v = visit_store::get_visit(c, visit)?;
        policy::require_phone_visit(&who.caller, Act::AttachPhoto, visit, v.technician_id)?;
        let status = v.status()?;
        if !rules::takes_photos(status) {
            return Err(AppError::InvalidTransition(format!(
                "a visit that is {status} takes no photos"
            )));
        }
        let held = store::count(c, visit)?;
        if held >= most {
            return Err(AppError::Conflict(format!(
                "the visit holds {held} photos, the most it may hold"
            )));
        }
        let photo = store::insert(
            c,
            &NewPhoto {
                visit_id: visit,
                kind: p.kind,
                content_type: image.content_type(),
                sha256: &sha256_hex(&p.bytes),
                bytes: &p.bytes,
                uploaded_by: who.caller.id.0,
                at: actor.at,
            },
        )?;
        visit_event(c, &v, &actor, "visit_photo_added", (None, Some(p.kind.as_str())), None)?;
        audit::record(c, &actor, "visit", visit, "attach_photo", None, snapshot(&photo))?;
        serde_json::to_string(&photo).map_err(AppError::internal)
    })
}

/// Checks that the caller may read the visit: the office, or the technician holding it (to
/// anyone else it does not exist).
fn may_read(c: &mut DbConn, who: &Who, visit: i64) -> AppResult<()> {
    let v = visit_store::get_visit(c, visit)?;
    policy::require_on_visit(&who.caller, Act::ReadVisit, visit, v.technician_id)
}

/// The visit's photos, oldest first, without their bytes.
pub fn list(c: &mut DbConn, who: &Who, visit: i64) -> AppResult<Vec<VisitPhoto>> {
    may_read(c, who, visit)?;
    store::list(c, visit)
}

/// A photo of the visit: its content type and bytes.
pub fn download(c: &mut DbConn, who: &Who, visit: i64, photo: i64) -> AppResult<(String, Vec<u8>)> {
    may_read(c, who, visit)?;
    store::bytes(c, visit, photo)
}
