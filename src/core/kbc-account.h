/* kbc-account.h: one account on a stack: its token, its user, its resources
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "kbc-client.h"
#include "kbc-fido.h"
#include "kbc-invitation.h"
#include "kbc-project.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_ACCOUNT (kbc_account_get_type ())
G_DECLARE_FINAL_TYPE (KbcAccount, kbc_account, KBC, ACCOUNT, GObject)

typedef struct _KbcMfa KbcMfa;
typedef struct _KbcAuthMethods KbcAuthMethods;
typedef struct _KbcNotifications KbcNotifications;
typedef struct _KbcTokens KbcTokens;
typedef struct _KbcInvitations KbcInvitations;
typedef struct _KbcJoinRequests KbcJoinRequests;
typedef struct _KbcPromoCodes KbcPromoCodes;
typedef struct _KbcOrganizations KbcOrganizations;
typedef struct _KbcMaintainers KbcMaintainers;

/* An account is created for a stack and signed in by KbcSession, which
 * hands it a token to adopt. It owns the client that speaks for it and one
 * object per resource, each created on first use.
 *
 * Properties (all read-only, with notify):
 *   stack-url (construct-only), client, token, signed-in,
 *   user-id, user-name, user-email,
 *   is-session-token (from the verification: a desktop session's token, as
 *     opposed to a personal access token)
 * Signals:
 *   session-expired: the server rejected the token (401) on any call. The
 *     account has already dropped the token and signed-in is FALSE; the
 *     user properties keep their values (e.g. to clear the keyring entry). */

KbcAccount  *kbc_account_new                 (const char          *stack_url,
                                              GError             **error);
const char  *kbc_account_get_stack_url       (KbcAccount          *self);
KbcClient   *kbc_account_get_client          (KbcAccount          *self);
/* The token; only to hand to KbcKeyring, never to log or write. */
const char  *kbc_account_get_token           (KbcAccount          *self);
gboolean     kbc_account_get_signed_in       (KbcAccount          *self);
gint64       kbc_account_get_user_id         (KbcAccount          *self);
const char  *kbc_account_get_user_name       (KbcAccount          *self);
const char  *kbc_account_get_user_email      (KbcAccount          *self);
gboolean     kbc_account_get_is_session_token (KbcAccount         *self);

/* The resources. */
KbcMfa      *kbc_account_get_mfa             (KbcAccount          *self);
/* The notifications (polled with If-None-Match; the caller refreshes). */
KbcNotifications *kbc_account_get_notifications (KbcAccount       *self);
/* The personal tokens and desktop sessions (kbc-tokens.h). */
KbcTokens   *kbc_account_get_tokens          (KbcAccount          *self);
/* The pending invitations of @kind (kbc-invitations.h). */
KbcInvitations *kbc_account_get_invitations  (KbcAccount          *self,
                                              KbcInvitationKind    kind);
/* The user's requests to join projects. */
KbcJoinRequests *kbc_account_get_join_requests (KbcAccount        *self);
/* The promo codes the user redeemed, and redeeming one. */
KbcPromoCodes *kbc_account_get_promo_codes   (KbcAccount          *self);
/* The user's organizations (with their projects) and maintainers. */
KbcOrganizations *kbc_account_get_organizations (KbcAccount       *self);
KbcMaintainers *kbc_account_get_maintainers  (KbcAccount          *self);
/* GET /manage/projects/{id}: the project in full (limits and metrics),
 * for a member of it; KBC_API_ERROR_FORBIDDEN (worded so) otherwise. */
void         kbc_account_load_project_async  (KbcAccount          *self,
                                              gint64               project_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
KbcProject  *kbc_account_load_project_finish (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);
/* Which ways of signing in the server offers (and so whether it keeps
 * passwords and MFA at all). */
KbcAuthMethods *kbc_account_get_auth_methods (KbcAccount          *self);
/* The KbcFido that registers security keys (e.g. to change its timeout). */
KbcFido     *kbc_account_get_fido            (KbcAccount          *self);

/* Adopts @token and checks it with GET /manage/tokens/verify: the account is
 * then signed in, with its user. A token nobody could verify is dropped. */
void         kbc_account_adopt_token_async   (KbcAccount          *self,
                                              const char          *token,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     kbc_account_adopt_token_finish  (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* GET /manage/tokens/verify again: refreshes the user properties. */
void         kbc_account_refresh_async       (KbcAccount          *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     kbc_account_refresh_finish      (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* POST /manage/auth/logout; the account forgets its token even when the
 * server cannot be reached (the error is still reported). */
void         kbc_account_logout_async        (KbcAccount          *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     kbc_account_logout_finish       (KbcAccount          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* PUT /manage/current-user/password. Field errors come as errors[] on the
 * GError (keys "currentPassword", "newPassword"); a wrong current password
 * has the message of kbc_api_error_reword_current_password(). */
/* PATCH /manage/current-user {"name"} (ours; Keboola keeps the name in
 * its web page): user-name follows the answer. A refusal of the name comes
 * worded for people (KBC_API_ERROR_BAD_REQUEST); a server without it
 * answers KBC_API_ERROR_NOT_OFFERED. */
void         kbc_account_set_user_name_async (KbcAccount          *self,
                                              const char          *name,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     kbc_account_set_user_name_finish (KbcAccount         *self,
                                              GAsyncResult        *result,
                                              GError             **error);

void         kbc_account_change_password_async  (KbcAccount          *self,
                                                 const char          *current_password,
                                                 const char          *new_password,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean     kbc_account_change_password_finish (KbcAccount          *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* For core: MFA as /manage/tokens/verify told it (user.mfaEnabled), which
 * KbcMfa starts from before it has read its own state. */
gboolean     kbc_account_get_verified_mfa_enabled (KbcAccount       *self);

/* clang-format on */

G_END_DECLS
