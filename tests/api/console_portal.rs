//! The customer portal in headless Chromium, as a customer's contact: the sign-in link taken
//! from the e-mail the service sent, a request submitted with a photo (a field error shown
//! beside its field first; the photo listed on the request and among the staff's files), remote
//! work authorized, the result accepted after the staff resolved it, and
//! another customer's ticket answering "not found". Screenshots under `docs/images/portal/`.

use crate::browser::{artifacts, Browser};
use crate::helpers::spawn_app;
use crate::mail::relay;
use crate::portal::{mail_contact, sign_in_mails};
use crate::tickets::{fixture, register};
use fantoccini::Locator;
use fieldline_mobile_api::{Page, Ticket};
use serde_json::json;

/// Fails on a text of the page that is not in the portal's catalogue of its language.
async fn check_texts(b: &Browser, page: &str) {
    let script = r#"
        const [lang, done] = arguments;
        import('/portal/i18n.js').then((m) => {
          const cat = m.catalogue(lang);
          const esc = (s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
          const patterns = Object.values(cat).map((v) =>
            new RegExp('^' + v.split(/\{\w+\}/).map(esc).join('[\\s\\S]*') + '$'));
          const bad = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const text = n.textContent.trim();
            if (!/\p{L}/u.test(text)) continue;
            const host = n.parentElement;
            if (!host || host.closest('[translate="no"], [hidden]')) continue;
            if (!host.getClientRects().length) continue;
            if (patterns.some((p) => p.test(text))) continue;
            bad.push(text);
          }
          const en = m.catalogue('en');
          const missing = Object.keys(en).filter((k) => !(k in cat));
          done({ lang: m.current(), bad, missing });
        }, (e) => done({ error: String(e) }));
    "#;
    let out = b.c.execute_async(script, vec![json!(b.lang)]).await.unwrap();
    assert!(out.get("error").is_none(), "{page}: {out}");
    assert_eq!(out["lang"], json!(b.lang), "{page}: the portal's language");
    assert_eq!(out["missing"], json!([]), "{page}: keys without a text in {}", b.lang);
    assert_eq!(out["bad"], json!([]), "{page}: texts outside the catalogue");
}

/// Keeps a screenshot among the CI artifacts and as the portal's picture in the docs.
async fn picture(b: &Browser, name: &str) {
    b.screenshot(name).await;
    let file = format!("{name}-{}.png", b.lang);
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/images/portal");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::copy(artifacts().join(&file), docs.join(&file)).unwrap();
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_customers_contact_signs_in_by_the_mailed_link_requests_authorizes_and_accepts() {
    let app = spawn_app().await;
    let f = fixture(&app, "standard").await;
    let email = "li.na@metro.example";
    mail_contact(&app, f.customer, "李娜", email, "zh").await;
    // Another customer, with a ticket of its own.
    let other = fixture(&app, "gold").await;
    let theirs = register(&app, &other, "p3", "phone").await;

    let b = Browser::start("zh").await;
    b.c.goto(&app.url("/portal/")).await.unwrap();
    b.fill("#view-signin:not([hidden]) #email", email).await;
    check_texts(&b, "sign-in").await;
    b.click("#signin-submit").await;
    b.shown("#signin-sent:not([hidden])").await;
    relay(&app).await;
    let (subject, token) = sign_in_mails(&app, email).pop().expect("the sign-in e-mail");
    assert!(subject.contains("客户服务门户"), "{subject}");
    b.c.goto(&app.url(&format!("/portal/#/sign-in?token={token}")))
        .await
        .unwrap();
    b.shown("#view-tickets:not([hidden]) #ticket-list").await;
    let who = b.shown("#who").await.text().await.unwrap();
    assert!(who.contains("李娜"), "{who}");
    // The token left the address.
    let url = b.c.current_url().await.unwrap();
    assert!(!url.as_str().contains("token"), "{url}");

    // A new request: the subject left empty is named beside its field, then sent.
    b.click("#nav-request").await;
    b.select("#request-site", &f.site.to_string()).await;
    b.select("#request-asset", &f.asset.to_string()).await;
    b.fill("#request-description", "UPS 持续报警，显示故障代码 E42。").await;
    b.click("#request-submit").await;
    let err = b
        .shown(r#".field-error[data-field="title"]"#)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(err, "请填写此项。");
    check_texts(&b, "request").await;
    picture(&b, "request").await;
    b.fill("#request-title", "UPS 报警").await;
    // A photo of the display goes with the request.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("portal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let photo = dir.join("报警屏幕.jpg");
    std::fs::write(&photo, [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F']).unwrap();
    b.shown("#request-files")
        .await
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    b.click("#request-submit").await;
    b.shown("#view-ticket:not([hidden]) #authorize-form").await;
    let listed = b.shown("#file-list li a").await.text().await.unwrap();
    assert!(listed.contains("报警屏幕.jpg"), "{listed}");
    b.shown(r#"#timeline li[data-kind="file_added"]"#).await;
    let mine: Page<Ticket> = app
        .ok(
            app.get(&format!("/api/v1/tickets?customer_id={}", f.customer), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(mine.total, 1);
    let t = &mine.items[0];
    assert_eq!((t.channel.as_str(), t.title.as_str()), ("web", "UPS 报警"));
    // The staff see the photo among the ticket's files.
    let files: Vec<fieldline_mobile_api::TicketAttachment> = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}/attachments", t.id), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(
        files.iter().map(|a| a.filename.as_str()).collect::<Vec<_>>(),
        ["报警屏幕.jpg"]
    );

    // Remote work authorized, with a note, from the keyboard's reach: the button is a button.
    b.fill("#authorize-note", "工作日 9:00–17:00 均可").await;
    b.click("#authorize-submit").await;
    b.shown(r#"#timeline li[data-kind="authorization"]"#).await;
    let staff: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", t.id), &app.admin).await, 200)
        .await;
    assert!(staff.remote_authorized);

    // The staff resolve it; the contact accepts the result.
    let _: Ticket = app
        .ok(
            app.post(&format!("/api/v1/tickets/{}/resolve", t.id), &app.admin, &json!({}))
                .await,
            200,
        )
        .await;
    b.c.refresh().await.unwrap();
    b.shown("#accept-form").await;
    check_texts(&b, "ticket").await;
    b.click("#accept-submit").await;
    b.shown(r#"#ticket-status[data-status="closed"]"#).await;
    b.shown("#survey-form").await;
    picture(&b, "ticket").await;
    let staff: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", t.id), &app.admin).await, 200)
        .await;
    assert_eq!(staff.status.as_str(), "closed");

    // The list, with the request closed.
    b.click("#nav-tickets").await;
    b.shown(&format!(r#"#ticket-list a[data-ticket="{}"]"#, t.number)).await;
    check_texts(&b, "tickets").await;
    picture(&b, "tickets").await;

    // Another customer's ticket is not found.
    b.c.goto(&app.url(&format!("/portal/#/tickets/{}", theirs.id)))
        .await
        .unwrap();
    let notice = b.shown("#notice.bad:not([hidden])").await.text().await.unwrap();
    assert!(notice.contains("未找到"), "{notice}");
    assert!(b
        .c
        .find(Locator::Css(&format!(r#"[data-ticket="{}"]"#, theirs.number)))
        .await
        .is_err());
    b.close().await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_contact_in_english_approves_a_quote_and_sees_the_technician_coming() {
    let s = crate::mobile::setup().await;
    let app = &s.app;
    let q: fieldline_mobile_api::Quote = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/quotes", s.visit.id),
                &s.dispatcher,
                &crate::quotes::one_line(120.0),
            )
            .await,
            201,
        )
        .await;
    let email = "gao@metro.example";
    mail_contact(app, s.f.customer, "Gao Yan", email, "en").await;
    let b = Browser::start("en").await;
    b.c.goto(&app.url("/portal/")).await.unwrap();
    b.fill("#view-signin:not([hidden]) #email", email).await;
    b.click("#signin-submit").await;
    b.shown("#signin-sent:not([hidden])").await;
    relay(app).await;
    let (_, token) = sign_in_mails(app, email).pop().expect("the sign-in e-mail");
    b.c.goto(&app.url(&format!("/portal/#/sign-in?token={token}")))
        .await
        .unwrap();
    // The list says the request waits for an answer to the quote.
    b.shown(r#"#ticket-list [data-awaiting="quote_answer"]"#).await;
    check_texts(&b, "tickets").await;
    // The upcoming visit, with the technician's name.
    b.click("#nav-visits").await;
    let row = b
        .shown("#view-visits:not([hidden]) #visit-list tbody tr")
        .await
        .text()
        .await
        .unwrap();
    assert!(row.contains(&s.tech.display_name), "{row}");
    check_texts(&b, "visits").await;
    picture(&b, "visits").await;
    // The quote, approved.
    let ticket = s.visit.ticket_id.unwrap();
    b.c.goto(&app.url(&format!("/portal/#/tickets/{ticket}")))
        .await
        .unwrap();
    let form = format!("#quote-form-{}", q.id);
    b.shown(&form).await;
    check_texts(&b, "ticket").await;
    b.click(&format!(r#"{form} button[data-answer="approve"]"#)).await;
    b.shown(r#"#timeline li[data-kind="quote_approved"]"#).await;
    let quotes: Vec<fieldline_mobile_api::Quote> = app
        .ok(
            app.get(&format!("/api/v1/visits/{}/quotes", s.visit.id), &s.dispatcher)
                .await,
            200,
        )
        .await;
    assert_eq!(quotes[0].status, fieldline_mobile_api::QuoteStatus::Approved);
    b.close().await;
}

/// A contact finds an answer to a common question by a two-character Chinese word inside a
/// longer phrase; an article meant for the staff only never shows.
#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_contact_finds_an_answer_and_never_a_staff_only_article() {
    use crate::knowledge::{article, editor, publish};
    let app = spawn_app().await;
    let f = fixture(&app, "standard").await;
    let (_, writer) = editor(&app, fieldline_mobile_api::Role::Agent).await;
    let (_, reviewer) = editor(&app, fieldline_mobile_api::Role::RemoteEngineer).await;
    let body = |audience| {
        article(
            if audience == "customers" {
                "机房断电后UPS报警怎么办"
            } else {
                "断电处理的内部流程"
            },
            "机房突然断电后UPS报警：先确认市电输入，再检查电池。",
            audience,
            &[],
        )
    };
    let open = publish(&app, &writer, &reviewer, &body("customers")).await;
    let staff = publish(&app, &writer, &reviewer, &body("staff")).await;
    let email = "zhou@metro.example";
    mail_contact(&app, f.customer, "周敏", email, "zh").await;

    let b = Browser::start("zh").await;
    b.c.goto(&app.url("/portal/")).await.unwrap();
    b.fill("#view-signin:not([hidden]) #email", email).await;
    b.click("#signin-submit").await;
    b.shown("#signin-sent:not([hidden])").await;
    relay(&app).await;
    let (_, token) = sign_in_mails(&app, email).pop().expect("the sign-in e-mail");
    b.c.goto(&app.url(&format!("/portal/#/sign-in?token={token}")))
        .await
        .unwrap();
    b.shown("#view-tickets:not([hidden]) #ticket-list").await;
    b.click("#nav-answers").await;
    b.fill("#view-answers:not([hidden]) #answers-q", "断电").await;
    b.click("#answers-form button[type=submit]").await;
    let hit = format!(r#"#answers-hits li[data-article="{}"] a"#, open.id.0);
    b.shown(&hit).await;
    let hits = b.c.find_all(Locator::Css("#answers-hits li")).await.unwrap();
    let mut shown = Vec::new();
    for h in hits {
        shown.push(h.attr("data-article").await.unwrap().unwrap_or_default());
    }
    assert_eq!(shown, vec![open.id.0.to_string()], "only the customers' article");
    check_texts(&b, "answers").await;
    picture(&b, "answers").await;
    b.click(&hit).await;
    let title = b.shown("#answers-article h2").await.text().await.unwrap();
    assert_eq!(title, open.title);
    // The staff-only article is not found by its address either.
    b.c.goto(&app.url(&format!("/portal/#/answers/{}", staff.id.0)))
        .await
        .unwrap();
    b.shown("#notice.bad:not([hidden])").await;
    let page =
        b.c.find(Locator::Css("#view-answers"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
    assert!(!page.contains(&staff.title), "{page}");
    b.close().await;
}
