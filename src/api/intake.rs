//! E-mail in: the intake queue (list, show, convert to a ticket, discard), a ticket's files, and
//! a staff reply to the ticket's contact.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::{mail_intake as service, ticket_mail};
use crate::startup::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{
    ConvertIntake, DiscardIntake, InboundMessage, InboundOutcome, NewTicketReply, Page, Problem, TicketAttachment,
    TicketReply,
};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct IntakeQuery {
    /// The messages of one outcome; `intake` is the queue. All messages when absent.
    pub outcome: Option<InboundOutcome>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The messages read from the mailboxes, newest first (hotline agents): the intake queue with
/// `outcome=intake`. Texts are cut to an excerpt; attachments are listed without their bytes.
#[utoipa::path(get, path = "/api/v1/intake", tag = "intake", security(("bearer" = [])), params(IntakeQuery),
    responses((status = 200, body = Page<InboundMessage>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<IntakeQuery>) -> AppResult<HttpResponse> {
    let (who, q) = (who(&user, &state), q.0);
    let out = run(&state, move |c, _| service::list(c, &who, q.outcome, q.limit, q.offset)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One message read from a mailbox, with its whole text.
#[utoipa::path(get, path = "/api/v1/intake/{id}", tag = "intake", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inbound message id")),
    responses((status = 200, body = InboundMessage), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Turns a message of the intake queue into a ticket on the e-mail channel, owned by the agent,
/// for an existing customer or a new one; its e-mail clock starts at the message's arrival and
/// its attachments go with it. 409 when the message has left the queue.
#[utoipa::path(post, path = "/api/v1/intake/{id}/convert", tag = "intake", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inbound message id")), request_body = ConvertIntake,
    responses((status = 200, body = InboundMessage), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn convert(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ConvertIntake>,
) -> AppResult<HttpResponse> {
    let (who, id, b) = (who(&user, &state), id.into_inner(), body.0);
    let out = run(&state, move |c, st| service::convert(c, &who, id, b, &st.settings)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Takes a message out of the intake queue without a ticket, with the reason (spam, not for
/// the service, ...). 409 when the message has left the queue.
#[utoipa::path(post, path = "/api/v1/intake/{id}/discard", tag = "intake", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inbound message id")), request_body = DiscardIntake,
    responses((status = 200, body = InboundMessage), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn discard(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<DiscardIntake>,
) -> AppResult<HttpResponse> {
    let (who, id, b) = (who(&user, &state), id.into_inner(), body.0);
    let out = run(&state, move |c, _| service::discard(c, &who, id, b)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The files that came with the ticket (from e-mails), oldest first.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/attachments", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = Vec<TicketAttachment>), (status = 404, body = Problem)))]
pub async fn attachments(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| ticket_mail::attachments(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// `Content-Disposition: attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266).
pub fn disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// One file of the ticket: its bytes with the stored content type, always as a download
/// (`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`).
#[utoipa::path(get, path = "/api/v1/tickets/{id}/attachments/{attachment_id}", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"), ("attachment_id" = i64, Path, description = "attachment id")),
    responses((status = 200, description = "the file, with its stored content type", content(("application/octet-stream"))),
        (status = 404, body = Problem)))]
pub async fn download(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let ((id, aid), who) = (path.into_inner(), who(&user, &state));
    let (filename, content_type, bytes) = run(&state, move |c, _| ticket_mail::download(c, &who, id, aid)).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_DISPOSITION, disposition(&filename)))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes))
}

/// Replies to the ticket's contact by e-mail, through the outbox: threaded on the conversation
/// (`In-Reply-To` and `References` to its last message), the ticket number in the subject, the
/// footer in the contact's language. 422 when the contact has no e-mail address.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/replies", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = NewTicketReply,
    responses((status = 201, body = TicketReply), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn reply(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<NewTicketReply>,
) -> AppResult<HttpResponse> {
    let (who, id, b) = (who(&user, &state), id.into_inner(), body.0);
    let out = run(&state, move |c, st| ticket_mail::reply(c, &who, id, b, &st.settings)).await?;
    Ok(HttpResponse::Created().json(out))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_download_names_its_file_safely() {
        assert_eq!(
            super::disposition("报告 \"1\".pdf"),
            "attachment; filename=\"__ _1_.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20%221%22.pdf"
        );
    }
}
