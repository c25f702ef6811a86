//! Browser pages and their files, embedded in the binary: the survey page and the console.
//!
//! Every file answers with its content type and an `ETag` from its content; a page (HTML)
//! carries a strict Content-Security-Policy (scripts and styles from this origin only, no inline
//! script), and is revalidated on every load, while scripts and styles may be kept for a while.

use crate::error::AppError;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

/// The policy of every page: nothing but this origin's scripts, styles and API.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; \
     form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct StaticFile {
    pub name: &'static str,
    pub body: &'static str,
    pub content_type: &'static str,
}

impl StaticFile {
    pub const fn html(name: &'static str, body: &'static str) -> Self {
        Self {
            name,
            body,
            content_type: "text/html; charset=utf-8",
        }
    }

    pub const fn script(name: &'static str, body: &'static str) -> Self {
        Self {
            name,
            body,
            content_type: "text/javascript; charset=utf-8",
        }
    }

    pub const fn style(name: &'static str, body: &'static str) -> Self {
        Self {
            name,
            body,
            content_type: "text/css; charset=utf-8",
        }
    }

    fn is_page(&self) -> bool {
        self.content_type.starts_with("text/html")
    }

    /// A strong validator from the content: it changes when the file does.
    fn etag(&self) -> String {
        let digest = Sha256::digest(self.body.as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("\"{hex}\"")
    }

    /// The file, or 304 when the request already holds this version.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let etag = self.etag();
        let fresh = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == etag));
        let mut out = if fresh {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        out.insert_header((header::ETAG, etag))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
        if self.is_page() {
            out.insert_header((header::CONTENT_SECURITY_POLICY, PAGE_CSP))
                .insert_header((header::CACHE_CONTROL, "no-cache"));
        } else {
            out.insert_header((header::CACHE_CONTROL, "public, max-age=300, must-revalidate"));
        }
        if fresh {
            return out.finish();
        }
        out.content_type(self.content_type).body(self.body)
    }
}

/// The file of that name in a table of files.
pub fn find<'a>(files: &'a [StaticFile], name: &str) -> Option<&'a StaticFile> {
    files.iter().find(|f| f.name == name)
}

/// `/{folder}` without the slash: a set of pages' relative addresses need it.
pub fn to_folder(folder: &str) -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, format!("/{folder}/")))
        .finish()
}

/// A file of a set of pages (`what`: "console", "portal"); the empty name is its page.
pub fn serve(files: &[StaticFile], what: &str, req: &HttpRequest, name: &str) -> Result<HttpResponse, AppError> {
    let name = if name.is_empty() { "index.html" } else { name };
    find(files, name)
        .map(|f| f.respond(req))
        .ok_or_else(|| AppError::NotFound(format!("no {what} file {name}")))
}

/// The helpers the console's and the portal's pages share (`src/api/forms.js`).
pub const FORMS: StaticFile = StaticFile::script("forms.js", include_str!("forms.js"));
