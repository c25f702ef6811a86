//! Going live from spreadsheets: CSV files of customers, contacts, sites, assets and technicians,
//! in UTF-8 or GBK, tried in a dry run that names every row's problems by line and column, then
//! imported all or nothing, each row with its audit event.

use crate::helpers::{spawn_app, TestApp, USER_PASSWORD};
use fieldline_mobile_api::{ImportReport, Page, Role};
use serde_json::Value;

async fn send(app: &TestApp, token: &str, kind: &str, dry_run: bool, body: Vec<u8>) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/imports/{kind}?dry_run={dry_run}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .expect("request")
}

async fn import(app: &TestApp, kind: &str, dry_run: bool, body: Vec<u8>) -> ImportReport {
    app.ok(send(app, &app.admin, kind, dry_run, body).await, 200).await
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

async fn count(app: &TestApp, path: &str) -> i64 {
    let page: Page<Value> = app.ok(app.get(path, &app.admin).await, 200).await;
    page.total
}

/// (line, column, reason) of each problem.
fn problems(r: &ImportReport) -> Vec<(u64, Option<&str>, String)> {
    r.problems
        .iter()
        .map(|p| {
            let reason = p
                .problem
                .reason
                .map_or(p.problem.code.as_str().to_owned(), |r| r.as_str().to_owned());
            (p.line, p.column.as_deref(), reason)
        })
        .collect()
}

#[tokio::test]
async fn a_gbk_file_with_a_bad_row_is_reported_by_line_and_column_and_writes_nothing_until_fixed() {
    let app = spawn_app().await;
    let (manager, _) = app.user(Role::AccountManager).await;
    let bad = format!(
        "name,tier,account_manager\r\n华东电力设计院,gold,{}\r\n杭州第一医院,bronze,\r\n浙江大学,,nobody.here\r\n",
        manager.username
    );
    let before = count(&app, "/api/v1/customers?limit=1").await;

    let dry = import(&app, "customers", true, gbk(&bad)).await;
    assert_eq!(
        (dry.encoding.as_str(), dry.rows, dry.valid_rows, dry.written),
        ("gbk", 3, 1, false)
    );
    assert_eq!(
        problems(&dry),
        vec![
            (3, Some("tier"), "unknown_value".into()),
            (4, Some("tier"), "required".into())
        ]
    );
    assert_eq!(
        count(&app, "/api/v1/customers?limit=1").await,
        before,
        "a dry run writes nothing"
    );

    // Imported as it is: the good row is not written either, and the unknown manager now shows.
    let bad = bad.replace("浙江大学,,", "浙江大学,silver,");
    let refused = import(&app, "customers", false, gbk(&bad)).await;
    assert!(!refused.written);
    assert_eq!(
        problems(&refused),
        vec![
            (3, Some("tier"), "unknown_value".into()),
            (4, Some("account_manager"), "not_found".into())
        ]
    );
    assert_eq!(count(&app, "/api/v1/customers?limit=1").await, before, "all or nothing");

    let fixed = bad.replace("bronze", "silver").replace("nobody.here", "");
    let done = import(&app, "customers", false, gbk(&fixed)).await;
    assert_eq!(
        (done.rows, done.valid_rows, done.written),
        (3, 3, true),
        "{:?}",
        done.problems
    );
    assert!(done.problems.is_empty());
    let customers: Page<Value> = app
        .ok(app.get("/api/v1/customers?q=华东电力", &app.admin).await, 200)
        .await;
    assert_eq!(customers.items[0]["tier"], "gold");
    assert_eq!(customers.items[0]["account_manager_id"], manager.id.0);
    let audit: Page<Value> = app
        .ok(
            app.get(
                &format!("/api/v1/audit?entity=customer&entity_id={}", customers.items[0]["id"]),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(audit.items[0]["action"], "create");

    // The same file again: every customer exists already.
    let again = import(&app, "customers", true, fixed.into_bytes()).await;
    assert_eq!(again.valid_rows, 0);
    assert!(again
        .problems
        .iter()
        .all(|p| p.problem.code.as_str() == "duplicate" && p.column.as_deref() == Some("name")));
}

#[tokio::test]
async fn sites_assets_contacts_and_technicians_name_what_the_files_before_made() {
    let app = spawn_app().await;
    let customers = "name,tier\n华东电力设计院,gold\n杭州第一医院,standard\n";
    assert!(import(&app, "customers", false, customers.into()).await.written);
    let sites = "\u{feff}customer,name,address,latitude,longitude\n\
        华东电力设计院,杭州数据中心,杭州市西湖区文三路 90 号,30.2741,120.1551\n\
        杭州第一医院,院本部,\"杭州市上城区, 浣纱路 261 号\",30.2550,120.1700\n";
    let r = import(&app, "sites", false, sites.into()).await;
    assert!(r.written && r.encoding == "utf-8", "{:?}", r.problems);

    let assets = "customer,site,model,serial_number,purchase_date,warranty_end\n\
        华东电力设计院,杭州数据中心,UPS-200K,SN-IMP-1,2024/03/01,2027-03-14\n\
        华东电力设计院,院本部,UPS-200K,SN-IMP-2,,\n\
        无此客户,杭州数据中心,UPS-200K,SN-IMP-3,,\n\
        杭州第一医院,院本部,UPS-80K,SN-IMP-1,,2027-13-01\n";
    let r = import(&app, "assets", true, assets.into()).await;
    assert_eq!(
        problems(&r),
        vec![
            (3, Some("site"), "not_found".into()),
            (4, Some("customer"), "not_found".into()),
            (5, Some("warranty_end"), "invalid_format".into()),
        ]
    );
    let fixed = assets
        .lines()
        .take(2)
        .chain(["杭州第一医院,院本部,UPS-80K,SN-IMP-4,,"])
        .collect::<Vec<_>>()
        .join("\n");
    let r = import(&app, "assets", false, fixed.into()).await;
    assert_eq!((r.valid_rows, r.written), (2, true), "{:?}", r.problems);
    let found: Vec<Value> = app
        .ok(app.get("/api/v1/customers/lookup?q=SN-IMP-4", &app.admin).await, 200)
        .await;
    assert_eq!(found[0]["customer_name"], "杭州第一医院");
    assert_eq!(found[0]["site_name"], "院本部");

    let contacts = "customer,name,phone,email,language\n杭州第一医院,王芳,13800138000,,zh\n杭州第一医院,Li Wei,,li.wei-example.com,en\n";
    let r = import(&app, "contacts", false, contacts.into()).await;
    assert_eq!(problems(&r), vec![(3, Some("email"), "invalid_email".into())]);

    let technicians = format!(
        "username,display_name,password,home_latitude,home_longitude,skills,days,hours\n\
         zhang.qiang,张强,{USER_PASSWORD},30.259,120.13,ups:4; hvac:2,1-6,08:30-17:30\n"
    );
    let r = import(&app, "technicians", false, technicians.into()).await;
    assert!(r.written, "{:?}", r.problems);
    let tech: Page<Value> = app
        .ok(app.get("/api/v1/users?role=technician", &app.admin).await, 200)
        .await;
    let id = tech
        .items
        .iter()
        .find(|u| u["username"] == "zhang.qiang")
        .expect("the technician")["id"]
        .clone();
    let profile: Value = app
        .ok(app.get(&format!("/api/v1/technicians/{id}"), &app.admin).await, 200)
        .await;
    let skills: Vec<(&str, i64)> = profile["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["skill"].as_str().unwrap(), s["level"].as_i64().unwrap()))
        .collect();
    assert_eq!(skills, vec![("hvac", 2), ("ups", 4)]);
    assert_eq!(profile["week"][5]["start"], "08:30");
    assert!(profile["week"][6].is_null());
    app.login("zhang.qiang", USER_PASSWORD).await;
}

#[tokio::test]
async fn a_file_wide_problem_names_the_file_or_the_column_and_only_admins_import() {
    let app = spawn_app().await;
    let check = |r: reqwest::Response, status: u16, field: Option<&'static str>| async move {
        let got = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        assert_eq!(got, status, "{body}");
        if let Some(f) = field {
            assert_eq!(body["field"], f, "{body}");
        }
    };
    check(
        send(&app, &app.admin, "customers", true, b"name,colour\nx,red\n".to_vec()).await,
        422,
        Some("colour"),
    )
    .await;
    check(
        send(&app, &app.admin, "sites", true, b"customer,name\nx,y\n".to_vec()).await,
        422,
        Some("address"),
    )
    .await;
    check(
        send(
            &app,
            &app.admin,
            "customers",
            true,
            b"name,tier\n\xff\xfe\xfd,gold\n".to_vec(),
        )
        .await,
        422,
        Some("file"),
    )
    .await;
    check(
        send(&app, &app.admin, "robots", true, b"name\n".to_vec()).await,
        422,
        Some("kind"),
    )
    .await;
    let json = app
        .http
        .post(app.url("/api/v1/imports/customers"))
        .bearer_auth(&app.admin)
        .json(&serde_json::json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    check(json, 415, None).await;
    let supervisor = app.token(Role::Supervisor).await;
    check(
        send(&app, &supervisor, "customers", true, b"name,tier\nx,gold\n".to_vec()).await,
        403,
        None,
    )
    .await;
    check(
        app.get("/api/v1/imports/customers/template", &supervisor).await,
        403,
        None,
    )
    .await;

    let template = app.get("/api/v1/imports/assets/template", &app.admin).await;
    assert_eq!(template.status(), 200);
    assert!(template.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = template.text().await.unwrap();
    assert!(text.starts_with("\u{feff}customer,site,model,serial_number"), "{text}");
}
