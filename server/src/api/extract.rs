//! Extractors for the API handlers: the signed-in [`Caller`] (put there by the gate), and the
//! [`Subject`] — the user a call is about.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use super::require_self_or_admin;
use crate::demo::User;
use crate::error::ApiError;
use crate::state::Caller;

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            ApiError::internal("The request reached an API handler without passing the gate.")
        })
    }
}

/// The user a call is about: the `{userId}` of `/api/v2/users/{userId}/…`, who must be the
/// caller, or anyone when the caller is an administrator (else 403; an unknown id is 404).
#[derive(Debug, Clone, Copy)]
pub struct Subject(pub &'static User);

impl<S: Send + Sync> FromRequestParts<S> for Subject {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let Path(user_id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| {
                ApiError::bad_request(format!("The user id in the path is unusable: {e}."))
            })?;
        let user = require_self_or_admin(&caller, &user_id)?;
        Ok(Self(user))
    }
}
