//! Photos from the phone: the technician holding a visit attaches them (JPEG or PNG, bounded in
//! size and count, once per idempotency key); whoever may read the visit lists and downloads
//! them.

use crate::dispatch::technician;
use crate::helpers::{problem, USER_PASSWORD};
use crate::mobile::{png, setup, setup_with, work_the_visit, Setup};
use base64::Engine;
use fieldline_mobile_api::client::{Client, ClientError};
use fieldline_mobile_api::{ErrorCode, PhotoKind, Role, User, VisitPhoto};
use serde_json::{json, Value};

/// A small JPEG-looking image: the JPEG start and some bytes.
fn jpeg(n: usize) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
    b.extend((0..n).map(|i| (i % 251) as u8));
    b
}

fn png_bytes() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(png()).unwrap()
}

fn code(e: ClientError) -> (ErrorCode, Option<String>, u16) {
    let p = e.problem().expect("an answer from the service").clone();
    (p.code, p.field, p.status)
}

#[tokio::test]
async fn a_technician_attaches_photos_and_the_office_reads_them() {
    let Setup {
        app,
        f,
        phone,
        visit,
        dispatcher,
        ..
    } = setup().await;
    let before = phone
        .attach_photo(visit.id, "photo-1", PhotoKind::Before, "image/jpeg", jpeg(1000))
        .await
        .unwrap();
    assert_eq!(
        (before.kind, before.content_type.as_str(), before.size_bytes),
        (PhotoKind::Before, "image/jpeg", 1004)
    );
    assert_eq!(before.visit_id, visit.id);
    // Sent again after a lost answer: the same photo, nothing stored twice.
    let replay = phone
        .attach_photo(visit.id, "photo-1", PhotoKind::Before, "image/jpeg", jpeg(1000))
        .await
        .unwrap();
    assert_eq!(replay, before);
    // The same key with another photo is refused.
    let (c, _, _) = code(
        phone
            .attach_photo(visit.id, "photo-1", PhotoKind::Before, "image/jpeg", jpeg(10))
            .await
            .unwrap_err(),
    );
    assert_eq!(c, ErrorCode::IdempotencyKeyReused);
    let (c, _, _) = code(
        phone
            .attach_photo(visit.id, "photo-1", PhotoKind::After, "image/jpeg", jpeg(1000))
            .await
            .unwrap_err(),
    );
    assert_eq!(c, ErrorCode::IdempotencyKeyReused, "the same bytes as another kind");
    let form = phone
        .attach_photo(visit.id, "photo-2", PhotoKind::SignedForm, "image/png", png_bytes())
        .await
        .unwrap();
    let mine = phone.visit_photos(visit.id).await.unwrap();
    assert_eq!(mine.iter().map(|p| p.id).collect::<Vec<_>>(), [before.id, form.id]);
    let (ct, bytes) = phone.visit_photo(visit.id, before.id).await.unwrap();
    assert_eq!((ct.as_str(), bytes), ("image/jpeg", jpeg(1000)));
    // The version of the visit does not change: the phone's next step still holds.
    let v = phone.visit(visit.id).await.unwrap();
    assert_eq!(v.version, visit.version);
    // The office reads them: the dispatcher and the ticket's agent.
    for token in [&dispatcher, &f.token] {
        let listed: Vec<VisitPhoto> = app
            .ok(
                app.get(&format!("/api/v1/visits/{}/photos", visit.id), token).await,
                200,
            )
            .await;
        assert_eq!(listed, mine);
        let r = app
            .get(&format!("/api/v1/visits/{}/photos/{}", visit.id, form.id), token)
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "image/png");
        assert_eq!(
            r.headers()["content-disposition"],
            format!("inline; filename=\"visit-{}-photo-{}.png\"", visit.id, form.id).as_str()
        );
        assert_eq!(r.bytes().await.unwrap().to_vec(), png_bytes());
    }
    // A photo of another visit is not found under this one.
    problem(
        app.get(
            &format!("/api/v1/visits/{}/photos/{}", visit.id.0 + 1000, form.id),
            &dispatcher,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    // The ticket's timeline notes each photo.
    let events: Vec<Value> = app
        .ok(
            app.get(
                &format!("/api/v1/tickets/{}/timeline", visit.ticket_id.unwrap()),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    let added: Vec<&str> = events
        .iter()
        .filter(|e| e["kind"] == "visit_photo_added")
        .map(|e| e["to"].as_str().unwrap())
        .collect();
    assert_eq!(added, ["before", "signed_form"]);
}

#[tokio::test]
async fn photos_are_bounded_in_size_count_and_type() {
    let Setup { app, phone, visit, .. } = setup_with(|s| {
        s.photo_max_bytes = 2048;
        s.photos_per_visit = 2;
    })
    .await;
    // Too large: 413, whether the size is declared or not.
    assert_eq!(
        code(
            phone
                .attach_photo(visit.id, "big", PhotoKind::Fault, "image/jpeg", jpeg(2045))
                .await
                .unwrap_err()
        ),
        (ErrorCode::PayloadTooLarge, None, 413)
    );
    // Not JPEG or PNG, or bytes that are not what the type says: 415.
    for (ct, bytes) in [
        ("image/gif", b"GIF89a....".to_vec()),
        ("application/octet-stream", jpeg(10)),
        ("image/png", jpeg(10)),
        ("image/jpeg", png_bytes()),
    ] {
        assert_eq!(
            code(
                phone
                    .attach_photo(visit.id, &format!("t-{ct}"), PhotoKind::Fault, ct, bytes)
                    .await
                    .unwrap_err()
            ),
            (ErrorCode::UnsupportedMediaType, None, 415),
            "{ct}"
        );
    }
    // An empty body, a missing or unknown kind, a missing key: 422 naming the field.
    assert_eq!(
        code(
            phone
                .attach_photo(visit.id, "empty", PhotoKind::Fault, "image/jpeg", Vec::new())
                .await
                .unwrap_err()
        ),
        (ErrorCode::ValidationFailed, Some("body".into()), 422)
    );
    let token = phone.access_token().unwrap().to_string();
    for (query, key, field) in [
        ("", Some("k1"), "kind"),
        ("?kind=selfie", Some("k2"), "kind"),
        ("?kind=fault", None, "Idempotency-Key"),
    ] {
        let mut req = app
            .http
            .post(app.url(&format!("/api/v1/mobile/visits/{}/photos{query}", visit.id)))
            .bearer_auth(&token)
            .header("content-type", "image/jpeg")
            .body(jpeg(10));
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        let p = problem(req.send().await.unwrap(), 422, "validation_failed").await;
        assert_eq!(p.field.as_deref(), Some(field), "{query}");
    }
    // Two fit; the third is one too many.
    for (i, kind) in [PhotoKind::Before, PhotoKind::After].into_iter().enumerate() {
        phone
            .attach_photo(visit.id, &format!("ok-{i}"), kind, "image/jpeg", jpeg(2044))
            .await
            .unwrap();
    }
    assert_eq!(
        code(
            phone
                .attach_photo(visit.id, "third", PhotoKind::After, "image/jpeg", jpeg(10))
                .await
                .unwrap_err()
        )
        .0,
        ErrorCode::Conflict
    );
    // A replay of an accepted one still answers it.
    assert!(phone
        .attach_photo(visit.id, "ok-0", PhotoKind::Before, "image/jpeg", jpeg(2044))
        .await
        .is_ok());
    assert_eq!(phone.visit_photos(visit.id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn only_the_technician_holding_the_visit_and_the_office_see_its_photos() {
    let Setup {
        app, f, phone, visit, ..
    } = setup().await;
    let photo = phone
        .attach_photo(visit.id, "p", PhotoKind::Fault, "image/jpeg", jpeg(100))
        .await
        .unwrap();
    // Another technician: neither reads nor attaches; to them the visit does not exist.
    let (other, _) = technician(&app, 30.26, 120.16, json!([])).await;
    let user: User = app
        .ok(app.get(&format!("/api/v1/users/{other}"), &app.admin).await, 200)
        .await;
    let mut stranger = Client::new(&app.address);
    stranger.login(&user.username, USER_PASSWORD).await.unwrap();
    assert_eq!(
        code(
            stranger
                .attach_photo(visit.id, "s", PhotoKind::Fault, "image/jpeg", jpeg(10))
                .await
                .unwrap_err()
        )
        .0,
        ErrorCode::NotFound
    );
    assert_eq!(
        code(stranger.visit_photos(visit.id).await.unwrap_err()).0,
        ErrorCode::NotFound
    );
    assert_eq!(
        code(stranger.visit_photo(visit.id, photo.id).await.unwrap_err()).0,
        ErrorCode::NotFound
    );
    // Staff do not upload through the phone's API.
    let mut office = Client::new(&app.address);
    let dispatcher = app.user(Role::Dispatcher).await.0;
    office.login(&dispatcher.username, USER_PASSWORD).await.unwrap();
    assert_eq!(
        code(
            office
                .attach_photo(visit.id, "d", PhotoKind::Fault, "image/jpeg", jpeg(10))
                .await
                .unwrap_err()
        )
        .0,
        ErrorCode::Forbidden
    );
    // Every office role reads them (those who may read the ticket).
    for role in [
        Role::Agent,
        Role::RemoteEngineer,
        Role::Supervisor,
        Role::AccountManager,
        Role::Manager,
    ] {
        let token = app.token(role).await;
        let r = app
            .get(&format!("/api/v1/visits/{}/photos/{}", visit.id, photo.id), &token)
            .await;
        assert_eq!(r.status(), 200, "{role}");
    }
    // A cancelled visit takes no more photos; the ones it has stay readable.
    let _: Value = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/cancel", visit.id),
                &f.token,
                &json!({"reason": "withdrawn"}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(
        code(
            phone
                .attach_photo(visit.id, "late", PhotoKind::Fault, "image/jpeg", jpeg(10))
                .await
                .unwrap_err()
        )
        .0,
        ErrorCode::InvalidTransition
    );
    assert_eq!(phone.visit_photos(visit.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn erasing_the_signer_removes_the_photos_of_the_signed_form() {
    let Setup {
        app, f, phone, visit, ..
    } = setup().await;
    let before = phone
        .attach_photo(visit.id, "photo-before", PhotoKind::Before, "image/jpeg", jpeg(10))
        .await
        .unwrap();
    phone
        .attach_photo(visit.id, "photo-form", PhotoKind::SignedForm, "image/png", png_bytes())
        .await
        .unwrap();
    // Signed by Wang Fang, the fixture's contact.
    work_the_visit(&app, &phone, visit.clone()).await;
    let _: Value = app
        .ok(
            app.post(
                &format!("/api/v1/contacts/{}/erasure", f.contact),
                &app.admin,
                &json!({"reason": "asked by letter"}),
            )
            .await,
            200,
        )
        .await;
    let left = phone.visit_photos(visit.id).await.unwrap();
    assert_eq!(left.iter().map(|p| p.id).collect::<Vec<_>>(), [before.id]);
}
