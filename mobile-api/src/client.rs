//! A typed async client for the Fieldline API (feature `client`).

use crate::error::Problem;
use crate::types::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The request did not get an answer (connection refused, timed out...).
    #[error("transport: {0}")]
    Transport(#[from] reqwest::Error),
    /// The service answered with an error.
    #[error("{0}")]
    Api(Problem),
}

impl ClientError {
    /// The problem the service answered with, if it answered.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ClientError::Api(p) => Some(p),
            ClientError::Transport(_) => None,
        }
    }
}

/// A client for one base URL; it keeps the access and refresh tokens of the last sign-in.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    access_token: Option<String>,
    refresh_token: Option<String>,
}

impl Client {
    /// `base` is the service's root, e.g. `http://127.0.0.1:8080`.
    pub fn new(base: impl Into<String>) -> Self {
        Client {
            http: reqwest::Client::new(),
            base: base.into().trim_end_matches('/').to_string(),
            access_token: None,
            refresh_token: None,
        }
    }

    pub fn access_token(&self) -> Option<&str> {
        self.access_token.as_deref()
    }

    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    fn keep(&mut self, t: &TokenResponse) {
        self.access_token = Some(t.access_token.clone());
        self.refresh_token = Some(t.refresh_token.clone());
    }

    pub async fn login(&mut self, username: &str, password: &str) -> Result<TokenResponse, ClientError> {
        let body = LoginRequest {
            username: username.into(),
            password: password.into(),
        };
        let t: TokenResponse = self.post("/api/v1/auth/login", &body).await?;
        self.keep(&t);
        Ok(t)
    }

    /// Exchanges the kept refresh token for a new pair.
    pub async fn refresh(&mut self) -> Result<TokenResponse, ClientError> {
        let body = RefreshRequest {
            refresh_token: self.refresh_token.clone().unwrap_or_default(),
        };
        let t: TokenResponse = self.post("/api/v1/auth/refresh", &body).await?;
        self.keep(&t);
        Ok(t)
    }

    pub async fn logout(&mut self) -> Result<(), ClientError> {
        let body = RefreshRequest {
            refresh_token: self.refresh_token.clone().unwrap_or_default(),
        };
        let req = self.request(reqwest::Method::POST, "/api/v1/auth/logout").json(&body);
        let resp = req.send().await?;
        if !resp.status().is_success() {
            return Err(Self::problem(resp).await);
        }
        self.access_token = None;
        self.refresh_token = None;
        Ok(())
    }

    pub async fn me(&self) -> Result<User, ClientError> {
        self.get("/api/v1/me").await
    }

    /// Sends the phone's positions (1-100 at a time). `key` is the request's Idempotency-Key:
    /// keep it with the queued request and send the same key when retrying.
    pub async fn send_pings(&self, key: &str, pings: Vec<LocationPing>) -> Result<PingReceipt, ClientError> {
        let req = self
            .request(reqwest::Method::POST, "/api/v1/mobile/pings")
            .header("Idempotency-Key", key);
        Self::decode(req.json(&PingBatch { pings }).send().await?).await
    }

    /// My visits, soonest first.
    pub async fn my_visits(&self) -> Result<Page<Visit>, ClientError> {
        self.get("/api/v1/mobile/visits").await
    }

    /// One of my visits with the job's details.
    pub async fn my_visit(&self, id: crate::VisitId) -> Result<VisitDetail, ClientError> {
        self.get(&format!("/api/v1/mobile/visits/{id}")).await
    }

    /// A step of my visit (`accept`, `decline`, `en-route`, `check-in`, `complete`, `fail`), sent
    /// with its Idempotency-Key and the version it was decided on (`If-Match`).
    pub async fn visit_step<B: Serialize + ?Sized>(
        &self,
        id: crate::VisitId,
        step: &str,
        key: &str,
        version: i32,
        body: &B,
    ) -> Result<Visit, ClientError> {
        let req = self
            .request(reqwest::Method::POST, &format!("/api/v1/mobile/visits/{id}/{step}"))
            .header("Idempotency-Key", key)
            .header("If-Match", format!("\"{version}\""));
        Self::decode(req.json(body).send().await?).await
    }

    /// Makes a quote for paid work on my visit (out of warranty), sent with its Idempotency-Key
    /// and the visit's version (`If-Match`); the answer's `visit_version` is the visit's new one.
    pub async fn make_quote(
        &self,
        id: crate::VisitId,
        key: &str,
        version: i32,
        quote: &crate::NewQuote,
    ) -> Result<crate::Quote, ClientError> {
        let req = self
            .request(reqwest::Method::POST, &format!("/api/v1/mobile/visits/{id}/quotes"))
            .header("Idempotency-Key", key)
            .header("If-Match", format!("\"{version}\""));
        Self::decode(req.json(quote).send().await?).await
    }

    /// Records the customer's answer to a quote on my visit: `approve` (a `QuoteApproval`) or
    /// `decline` (a `QuoteDecline`), with its Idempotency-Key and the visit's version.
    pub async fn answer_quote<B: Serialize + ?Sized>(
        &self,
        (id, quote): (crate::VisitId, crate::QuoteId),
        answer: &str,
        key: &str,
        version: i32,
        body: &B,
    ) -> Result<crate::Quote, ClientError> {
        let req = self
            .request(
                reqwest::Method::POST,
                &format!("/api/v1/mobile/visits/{id}/quotes/{quote}/{answer}"),
            )
            .header("Idempotency-Key", key)
            .header("If-Match", format!("\"{version}\""));
        Self::decode(req.json(body).send().await?).await
    }

    /// Reports a problem found on my inspection visit, sent with its Idempotency-Key: it becomes
    /// a ticket linked to the visit. Sending it again with the same key changes nothing.
    pub async fn report_finding(
        &self,
        id: crate::VisitId,
        key: &str,
        finding: &crate::NewFinding,
    ) -> Result<crate::InspectionFinding, ClientError> {
        let req = self
            .request(reqwest::Method::POST, &format!("/api/v1/mobile/visits/{id}/findings"))
            .header("Idempotency-Key", key);
        Self::decode(req.json(finding).send().await?).await
    }

    /// Attaches a photo to my visit: the image's bytes, `content_type` `image/jpeg` or
    /// `image/png`, sent with its Idempotency-Key (keep it with the queued upload and send the
    /// same key when retrying: the same photo comes back, nothing is stored twice).
    pub async fn attach_photo(
        &self,
        id: crate::VisitId,
        key: &str,
        kind: crate::PhotoKind,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<crate::VisitPhoto, ClientError> {
        let req = self
            .request(
                reqwest::Method::POST,
                &format!("/api/v1/mobile/visits/{id}/photos?kind={kind}"),
            )
            .header("Idempotency-Key", key)
            .header(reqwest::header::CONTENT_TYPE, content_type);
        Self::decode(req.body(bytes).send().await?).await
    }

    /// The photos of a visit (mine, or any for the office), without their bytes.
    pub async fn visit_photos(&self, id: crate::VisitId) -> Result<Vec<crate::VisitPhoto>, ClientError> {
        self.get(&format!("/api/v1/visits/{id}/photos")).await
    }

    /// A photo's content type and bytes.
    pub async fn visit_photo(
        &self,
        id: crate::VisitId,
        photo: crate::VisitPhotoId,
    ) -> Result<(String, Vec<u8>), ClientError> {
        let resp = self
            .request(reqwest::Method::GET, &format!("/api/v1/visits/{id}/photos/{photo}"))
            .send()
            .await?;
        if !resp.status().is_success() {
            return Err(Self::problem(resp).await);
        }
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        Ok((content_type, resp.bytes().await?.to_vec()))
    }

    /// A technician's profile (a technician may read their own).
    pub async fn technician(&self, user_id: crate::UserId) -> Result<Technician, ClientError> {
        self.get(&format!("/api/v1/technicians/{user_id}")).await
    }

    /// One visit (a technician sees only their own).
    pub async fn visit(&self, id: crate::VisitId) -> Result<Visit, ClientError> {
        self.get(&format!("/api/v1/visits/{id}")).await
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(t) = &self.access_token {
            req = req.bearer_auth(t);
        }
        req
    }

    async fn problem(resp: reqwest::Response) -> ClientError {
        let status = resp.status().as_u16();
        match resp.json::<Problem>().await {
            Ok(p) => ClientError::Api(p),
            Err(_) => ClientError::Api(Problem::new(
                crate::ErrorCode::Internal,
                format!("unexpected response with status {status}"),
                None,
            )),
        }
    }

    async fn decode<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, ClientError> {
        if resp.status().is_success() {
            Ok(resp.json().await?)
        } else {
            Err(Self::problem(resp).await)
        }
    }

    /// GET a path (with its query string) and decode the JSON answer.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        Self::decode(self.request(reqwest::Method::GET, path).send().await?).await
    }

    /// POST a JSON body and decode the JSON answer.
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        Self::decode(self.request(reqwest::Method::POST, path).json(body).send().await?).await
    }

    /// PATCH a JSON body and decode the JSON answer.
    pub async fn patch<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        Self::decode(self.request(reqwest::Method::PATCH, path).json(body).send().await?).await
    }
}
