//! The `CurrentContact` extractor: the customer's contact signed in to the portal, from a valid
//! portal session token (`Authorization: Bearer ...`). A staff token, a survey link or a
//! sign-in link is not one (another audience or purpose); a signed-out session, one past its
//! end, or one of a removed contact is refused (401).

use crate::error::AppError;
use crate::policy::portal::Contact;
use crate::startup::AppState;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use std::future::ready;

/// The signed-in contact, and the session (the `jti` of the link that opened it).
#[derive(Debug, Clone)]
pub struct CurrentContact {
    pub contact: Contact,
    pub session: String,
}

impl FromRequest for CurrentContact {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<CurrentContact, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let checked = (|| {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::internal("application state is not registered"))?
                .clone();
            let claims = state.keys.verify_portal(super::bearer(req)?, state.clock.now())?;
            Ok::<_, AppError>((state, claims))
        })();
        let (state, claims) = match checked {
            Ok(c) => c,
            Err(e) => return Box::pin(ready(Err(e))),
        };
        Box::pin(async move {
            let (id, sid) = (claims.sub, claims.sid);
            let now = state.clock.now();
            let sid2 = sid.clone();
            let contact = crate::startup::blocking(&state, move |c, _| {
                crate::service::portal::session_contact(c, id, &sid2, now)
            })
            .await?;
            Ok(CurrentContact { contact, session: sid })
        })
    }
}
