/* kbc-invitations.h: the user's pending invitations of one kind, and requests to join projects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-client.h"
#include "kbc-invitation.h"
#include "kbc-list-resource.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_INVITATIONS (kbc_invitations_get_type ())
G_DECLARE_FINAL_TYPE (KbcInvitations, kbc_invitations, KBC, INVITATIONS, KbcListResource)

/* GET /manage/current-user/{projects,organizations,maintainers}-invitations:
 * the pending invitations of one kind (KbcInvitation), newest first, as a
 * GListModel. Property: kind (construct-only). */
KbcInvitations    *kbc_invitations_new            (KbcClient          *client,
                                                   KbcInvitationKind   kind);
KbcInvitationKind  kbc_invitations_get_kind       (KbcInvitations     *self);

/* PUT …/{id} (202): the user joins; @invitation leaves the list. Accepting
 * into a project whose organization requires multi-factor authentication,
 * without it, fails with an error that
 * kbc_invitations_error_is_mfa_required() recognizes, worded to say so. */
void               kbc_invitations_accept_async   (KbcInvitations     *self,
                                                   KbcInvitation      *invitation,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean           kbc_invitations_accept_finish  (KbcInvitations     *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);

/* DELETE …/{id} (204): the invitation is declined and leaves the list
 * (also when it had gone already). Keboola publishes this for project
 * invitations only: elsewhere KBC_API_ERROR_NOT_OFFERED, see
 * kbc_invitations_can_decline(). */
void               kbc_invitations_decline_async  (KbcInvitations     *self,
                                                   KbcInvitation      *invitation,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean           kbc_invitations_decline_finish (KbcInvitations     *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);

/* Whether declining can be offered: always for projects; for the other
 * kinds when @extended (the server offers more than Keboola publishes: it
 * answered GET /manage/auth/methods) and no DELETE was refused yet. */
gboolean           kbc_invitations_can_decline    (KbcInvitations     *self,
                                                   gboolean            extended);

/* The refusal of a project whose organization requires multi-factor
 * authentication. */
gboolean           kbc_invitations_error_is_mfa_required (const GError *error);

#define KBC_TYPE_JOIN_REQUESTS (kbc_join_requests_get_type ())
G_DECLARE_FINAL_TYPE (KbcJoinRequests, kbc_join_requests, KBC, JOIN_REQUESTS, KbcListResource)

/* GET /manage/current-user/projects-join-requests: the user's requests to
 * join projects (KbcJoinRequest) as a GListModel. */
KbcJoinRequests   *kbc_join_requests_new           (KbcClient          *client);

/* DELETE …/{id} (204): the request is withdrawn and leaves the list (also
 * when it had gone already). */
void               kbc_join_requests_cancel_async  (KbcJoinRequests    *self,
                                                    KbcJoinRequest     *request,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean           kbc_join_requests_cancel_finish (KbcJoinRequests    *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);

/* clang-format on */

G_END_DECLS
