//! The dispatcher's and supervisor's console: a browser application under `/console/` that speaks
//! only the public API. Its files are embedded in the binary, so `serve` brings it along.

use super::static_files::{self, StaticFile};
use crate::error::AppResult;
use actix_web::{web, HttpRequest, HttpResponse};

const FILES: &[StaticFile] = &[
    StaticFile::html("index.html", include_str!("console/index.html")),
    StaticFile::style("console.css", include_str!("console/console.css")),
    StaticFile::script("app.js", include_str!("console/app.js")),
    static_files::FORMS,
    StaticFile::script("api.js", include_str!("console/api.js")),
    StaticFile::script("ui.js", include_str!("console/ui.js")),
    StaticFile::script("i18n.js", include_str!("console/i18n.js")),
    StaticFile::script("board.js", include_str!("console/board.js")),
    StaticFile::script("map.js", include_str!("console/map.js")),
    StaticFile::script("tickets.js", include_str!("console/tickets.js")),
    StaticFile::script("lookup.js", include_str!("console/lookup.js")),
    StaticFile::script("call.js", include_str!("console/call.js")),
    StaticFile::script("inbox.js", include_str!("console/inbox.js")),
    StaticFile::script("visits.js", include_str!("console/visits.js")),
    StaticFile::script("complaints.js", include_str!("console/complaints.js")),
    StaticFile::script("sla.js", include_str!("console/sla.js")),
    StaticFile::script("stalled.js", include_str!("console/stalled.js")),
    StaticFile::script("roster.js", include_str!("console/roster.js")),
    StaticFile::script("plans.js", include_str!("console/plans.js")),
    StaticFile::script("handover.js", include_str!("console/handover.js")),
    StaticFile::script("chart.js", include_str!("console/chart.js")),
    StaticFile::script("report.js", include_str!("console/report.js")),
    StaticFile::script("names.js", include_str!("console/names.js")),
    StaticFile::script("revisits.js", include_str!("console/revisits.js")),
    StaticFile::script("quality.js", include_str!("console/quality.js")),
    StaticFile::script("my_reviews.js", include_str!("console/my_reviews.js")),
    StaticFile::script("quality_report.js", include_str!("console/quality_report.js")),
    StaticFile::script("accounts.js", include_str!("console/accounts.js")),
    StaticFile::script("inspections.js", include_str!("console/inspections.js")),
    StaticFile::script("admin.js", include_str!("console/admin.js")),
    StaticFile::script("admin_ops.js", include_str!("console/admin_ops.js")),
    StaticFile::script("admin_org.js", include_str!("console/admin_org.js")),
    StaticFile::script("major_faults.js", include_str!("console/major_faults.js")),
    StaticFile::script("fault_reports.js", include_str!("console/fault_reports.js")),
    StaticFile::script("import.js", include_str!("console/import.js")),
    StaticFile::script("intake.js", include_str!("console/intake.js")),
    StaticFile::script("mail.js", include_str!("console/mail.js")),
    StaticFile::script("knowledge.js", include_str!("console/knowledge.js")),
];

/// `/console` without the slash: the pages' relative addresses need it.
pub async fn root() -> HttpResponse {
    static_files::to_folder("console")
}

/// A file of the console; the empty name is its page.
pub async fn file(req: HttpRequest, name: web::Path<String>) -> AppResult<HttpResponse> {
    static_files::serve(FILES, "console", &req, &name)
}
