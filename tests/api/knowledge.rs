//! The knowledge base: search in Chinese and English (a two-character word inside a longer
//! phrase, an English word's other forms), the editing flow with a second editor and its
//! versions, ratings worst first, links to the tickets an article solved, suggestions while a
//! ticket is registered, and the portal's customer-facing articles (a staff-only article never
//! reaches a customer, nor one for another region).

use crate::helpers::{problem, spawn_app_at, TestApp};
use crate::portal::{mail_contact, sign_in};
use crate::tickets::{fixture, register, FRIDAY_1650};
use fieldline_mobile_api::{Article, ArticleHit, ArticleStatus, ArticleVersion, Page, PortalArticle, Role, User};
use serde_json::{json, Value};

/// A user of the role holding the editor grant, and their token.
pub async fn editor(app: &TestApp, role: Role) -> (User, String) {
    let (u, token) = app.user(role).await;
    let r = app
        .put(
            &format!("/api/v1/users/{}/organisation", u.id.0),
            &app.admin,
            &json!({"grants": ["editor"]}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    (u, token)
}

pub fn article(title: &str, body: &str, audience: &str, regions: &[i64]) -> Value {
    json!({"kind": "troubleshooting", "title": title, "body": body, "audience": audience,
        "regions": regions, "tags": ["UPS"], "models": ["Eaton 93PM"]})
}

/// Writes the article as `writer`, submits it, and has `reviewer` approve it: published.
pub async fn publish(app: &TestApp, writer: &str, reviewer: &str, body: &Value) -> Article {
    let a: Article = app
        .ok(app.post("/api/v1/knowledge/articles", writer, body).await, 201)
        .await;
    let path = |s: &str| format!("/api/v1/knowledge/articles/{}/{s}", a.id.0);
    let _: Article = app.ok(app.post(&path("submit"), writer, &json!({})).await, 200).await;
    let p: Article = app
        .ok(
            app.post(&path("review"), reviewer, &json!({"approve": true})).await,
            200,
        )
        .await;
    assert_eq!(p.status, ArticleStatus::Published);
    p
}

async fn search(app: &TestApp, token: &str, q: &str) -> Vec<ArticleHit> {
    let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let p: Page<ArticleHit> = app
        .ok(app.get(&format!("/api/v1/knowledge/search?q={q}"), token).await, 200)
        .await;
    p.items
}

#[tokio::test]
async fn a_two_character_chinese_word_and_an_english_stem_find_their_articles() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let (_, writer) = editor(&app, Role::Agent).await;
    let (_, reviewer) = editor(&app, Role::RemoteEngineer).await;
    let agent = app.token(Role::Agent).await;
    let zh = publish(
        &app,
        &writer,
        &reviewer,
        &article(
            "机房UPS报警处理",
            "机房突然断电后UPS报警，先检查市电输入。",
            "staff",
            &[],
        ),
    )
    .await;
    let en = publish(
        &app,
        &writer,
        &reviewer,
        &article(
            "Router keeps rebooting",
            "If the router restarts by itself, check its power supply.",
            "staff",
            &[],
        ),
    )
    .await;
    let hits = search(&app, &agent, "断电").await;
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![zh.id]);
    let hits = search(&app, &agent, "restarting").await;
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![en.id]);
    assert!(
        search(&app, &agent, "断电 router").await.is_empty(),
        "a search wants every word"
    );
    // A draft is not found by readers.
    let _: Article = app
        .ok(
            app.post(
                "/api/v1/knowledge/articles",
                &writer,
                &article("断电演练", "断电演练的步骤", "staff", &[]),
            )
            .await,
            201,
        )
        .await;
    assert_eq!(search(&app, &agent, "断电").await.len(), 1);
    // Suggestions from a ticket's description: any word, best first.
    let s: Vec<ArticleHit> = app
        .ok(
            app.post(
                "/api/v1/knowledge/suggestions",
                &agent,
                &json!({"text": "客户来电：机房昨晚断电，今天UPS一直报警"}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(s.first().map(|h| h.id), Some(zh.id));
}

#[tokio::test]
async fn publishing_takes_a_second_editor_and_every_edit_is_a_version() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let (_, writer) = editor(&app, Role::Agent).await;
    let (_, second) = editor(&app, Role::Agent).await;
    let plain = app.token(Role::Agent).await;
    let supervisor = app.token(Role::Supervisor).await;
    let body = article("Reset the alarm", "Hold the reset key for five seconds.", "staff", &[]);
    problem(
        app.post("/api/v1/knowledge/articles", &plain, &body).await,
        403,
        "forbidden",
    )
    .await;
    let a: Article = app
        .ok(app.post("/api/v1/knowledge/articles", &writer, &body).await, 201)
        .await;
    assert_eq!((a.status, a.version), (ArticleStatus::Draft, 1));
    let path = |s: &str| format!("/api/v1/knowledge/articles/{}/{s}", a.id.0);
    // Readers do not see drafts.
    problem(
        app.get(&format!("/api/v1/knowledge/articles/{}", a.id.0), &plain).await,
        404,
        "not_found",
    )
    .await;
    let _: Article = app.ok(app.post(&path("submit"), &writer, &json!({})).await, 200).await;
    // Its writer may not approve it; sending it back needs a note.
    problem(
        app.post(&path("review"), &writer, &json!({"approve": true})).await,
        409,
        "conflict",
    )
    .await;
    let p = problem(
        app.post(&path("review"), &second, &json!({"approve": false})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("note"));
    let back: Article = app
        .ok(
            app.post(
                &path("review"),
                &second,
                &json!({"approve": false, "note": "say which key"}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(back.status, ArticleStatus::Draft);
    let mut changed = body.clone();
    changed["body"] = json!("Hold the red reset key for five seconds.");
    changed["note"] = json!("which key");
    let v2: Article = app
        .ok(
            app.put(&format!("/api/v1/knowledge/articles/{}", a.id.0), &writer, &changed)
                .await,
            200,
        )
        .await;
    assert_eq!(v2.version, 2);
    let _: Article = app.ok(app.post(&path("submit"), &writer, &json!({})).await, 200).await;
    // A supervisor reviews too.
    let p: Article = app
        .ok(
            app.post(&path("review"), &supervisor, &json!({"approve": true})).await,
            200,
        )
        .await;
    assert_eq!(p.status, ArticleStatus::Published);
    assert!(p.published_at.is_some());
    let versions: Vec<ArticleVersion> = app.ok(app.get(&path("versions"), &second).await, 200).await;
    assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), vec![2, 1]);
    assert_eq!(versions[0].note.as_deref(), Some("which key"));
    problem(app.get(&path("versions"), &plain).await, 403, "forbidden").await;
    // Retired: gone from the readers.
    let r: Article = app.ok(app.post(&path("retire"), &second, &json!({})).await, 200).await;
    assert_eq!(r.status, ArticleStatus::Retired);
    assert!(search(&app, &plain, "reset key").await.is_empty());
    let audit: Value = app
        .ok(
            app.get(
                &format!("/api/v1/audit?entity=kb_article&entity_id={}", a.id.0),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    assert!(audit["total"].as_i64().unwrap_or(0) >= 6, "{audit}");
}

#[tokio::test]
async fn ratings_put_the_worst_first_and_solved_tickets_are_counted() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let (_, writer) = editor(&app, Role::Agent).await;
    let (_, reviewer) = editor(&app, Role::Agent).await;
    let good = publish(
        &app,
        &writer,
        &reviewer,
        &article("Good", "A clear answer.", "staff", &[]),
    )
    .await;
    let poor = publish(
        &app,
        &writer,
        &reviewer,
        &article("Poor", "A muddled answer.", "staff", &[]),
    )
    .await;
    let f = fixture(&app, "standard").await;
    let rate = |id: i64, acc: i32, read: i32| {
        let (app, token) = (&app, f.token.clone());
        async move {
            app.post(
                &format!("/api/v1/knowledge/articles/{id}/ratings"),
                &token,
                &json!({"accuracy": acc, "readability": read, "feedback": "noted"}),
            )
            .await
        }
    };
    let p = problem(rate(good.id.0, 6, 3).await, 422, "validation_failed").await;
    assert_eq!(p.field.as_deref(), Some("accuracy"));
    let _: Article = app.ok(rate(good.id.0, 5, 4).await, 200).await;
    let _: Article = app.ok(rate(poor.id.0, 1, 2).await, 200).await;
    // A second rating by the same reader replaces the first.
    let a: Article = app.ok(rate(poor.id.0, 2, 2).await, 200).await;
    assert_eq!((a.ratings, a.accuracy), (1, Some(2.0)));
    let worst: Vec<Article> = app
        .ok(app.get("/api/v1/knowledge/worst-rated", &reviewer).await, 200)
        .await;
    assert_eq!(worst.iter().map(|a| a.id).collect::<Vec<_>>(), vec![poor.id, good.id]);
    problem(
        app.get("/api/v1/knowledge/worst-rated", &f.token).await,
        403,
        "forbidden",
    )
    .await;
    // Links to the tickets it solved.
    let t = register(&app, &f, "p3", "phone").await;
    let link = format!("/api/v1/knowledge/articles/{}/tickets", good.id.0);
    let a: Article = app
        .ok(app.post(&link, &f.token, &json!({"ticket_id": t.id})).await, 200)
        .await;
    assert_eq!(a.linked_tickets, 1);
    let a: Article = app
        .ok(app.post(&link, &f.token, &json!({"ticket_id": t.id})).await, 200)
        .await;
    assert_eq!(a.linked_tickets, 1, "a repeated link counts once");
    let p = problem(
        app.post(&link, &f.token, &json!({"ticket_id": 999_999})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("ticket_id"));
}

#[tokio::test]
async fn a_staff_only_article_never_reaches_a_customer() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let (_, writer) = editor(&app, Role::Agent).await;
    let (_, reviewer) = editor(&app, Role::Agent).await;
    let f = fixture(&app, "standard").await;
    let site: Value = app
        .ok(app.get(&format!("/api/v1/sites/{}", f.site), &app.admin).await, 200)
        .await;
    let home = site["region_id"].as_i64().expect("the fixture's site is in a region");
    let other: Value = app
        .ok(
            app.post(
                "/api/v1/regions",
                &app.admin,
                &json!({"name": "Far away", "class": "rural", "boundary": crate::helpers::square(100.0, 20.0, 100.5, 20.5)}),
            )
            .await,
            201,
        )
        .await;
    let other = other["id"].as_i64().unwrap();
    let open = publish(
        &app,
        &writer,
        &reviewer,
        &article("UPS 报警怎么办", "UPS断电报警时请先检查输入。", "customers", &[]),
    )
    .await;
    let local = publish(
        &app,
        &writer,
        &reviewer,
        &article("本地 UPS 断电", "本地区断电请联系热线。", "customers", &[home]),
    )
    .await;
    let staff = publish(
        &app,
        &writer,
        &reviewer,
        &article("内部 UPS 断电处理", "断电后的内部处理步骤。", "staff", &[]),
    )
    .await;
    let far = publish(
        &app,
        &writer,
        &reviewer,
        &article("外地 UPS 断电", "外地断电处理。", "customers", &[other]),
    )
    .await;
    mail_contact(&app, f.customer, "Li Lei", "li.lei@example.com", "zh").await;
    let token = sign_in(&app, "li.lei@example.com").await;
    let found: Vec<PortalArticle> = app
        .ok(
            app.get("/api/v1/portal/knowledge?q=%E6%96%AD%E7%94%B5", &token).await,
            200,
        )
        .await;
    let mut ids: Vec<i64> = found.iter().map(|a| a.id.0).collect();
    ids.sort_unstable();
    assert_eq!(ids, vec![open.id.0, local.id.0]);
    let _: PortalArticle = app
        .ok(
            app.get(&format!("/api/v1/portal/knowledge/{}", open.id.0), &token)
                .await,
            200,
        )
        .await;
    for hidden in [staff.id.0, far.id.0] {
        problem(
            app.get(&format!("/api/v1/portal/knowledge/{hidden}"), &token).await,
            404,
            "not_found",
        )
        .await;
    }
    // A staff token is no portal token, and the portal's is no staff one.
    assert_eq!(app.get("/api/v1/portal/knowledge?q=ups", &f.token).await.status(), 401);
    assert_eq!(app.get("/api/v1/knowledge/search?q=ups", &token).await.status(), 401);
}
