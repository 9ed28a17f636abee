/* kbc-invitation.h: an invitation into a project, an organization or a maintainer; a request to join a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* clang-format off */

typedef enum
{
  KBC_INVITATION_PROJECT,
  KBC_INVITATION_ORGANIZATION,
  KBC_INVITATION_MAINTAINER,
} KbcInvitationKind;

#define KBC_TYPE_INVITATION_KIND (kbc_invitation_kind_get_type ())
GType kbc_invitation_kind_get_type (void);

#define KBC_TYPE_INVITATION (kbc_invitation_get_type ())
G_DECLARE_FINAL_TYPE (KbcInvitation, kbc_invitation, KBC, INVITATION, GObject)

/* Properties (read-only):
 *   id, kind (KbcInvitationKind), target-id, target-name (the project,
 *   organization or maintainer), role (a project's: "admin", "guest",
 *   "readOnly", "share"; NULL otherwise), role-title (translated),
 *   reason (the inviter's words, plain text; NULL without), created,
 *   expires (GDateTime, NULL without), creator-name, creator-email (NULL
 *   when nobody in particular invited). */
gint64             kbc_invitation_get_id            (KbcInvitation *self);
KbcInvitationKind  kbc_invitation_get_kind          (KbcInvitation *self);
gint64             kbc_invitation_get_target_id     (KbcInvitation *self);
const char        *kbc_invitation_get_target_name   (KbcInvitation *self);
const char        *kbc_invitation_get_role          (KbcInvitation *self);
const char        *kbc_invitation_get_reason        (KbcInvitation *self);
GDateTime         *kbc_invitation_get_created       (KbcInvitation *self);
GDateTime         *kbc_invitation_get_expires       (KbcInvitation *self);
const char        *kbc_invitation_get_creator_name  (KbcInvitation *self);
const char        *kbc_invitation_get_creator_email (KbcInvitation *self);

/* A project role for people ("Administrator", "Guest"…); the role itself
 * when the app does not know it, NULL for NULL. */
const char        *kbc_project_role_get_title       (const char    *role);

/* For core. An element of …/projects-invitations ({id, created, expires,
 * reason, role, project{id, name}, creator{id, name, email}}) or of the
 * organizations' and maintainers' lists (organization|maintainer instead of
 * project); KBC_API_ERROR_INVALID_RESPONSE without an id or a target. */
KbcInvitation     *kbc_invitation_new_from_json     (KbcInvitationKind  kind,
                                                     JsonNode          *node,
                                                     GError           **error);
const char        *kbc_invitation_get_key           (KbcInvitation *self);

#define KBC_TYPE_JOIN_REQUEST (kbc_join_request_get_type ())
G_DECLARE_FINAL_TYPE (KbcJoinRequest, kbc_join_request, KBC, JOIN_REQUEST, GObject)

/* The user's own request to join a project, waiting for its admins.
 * Properties (read-only): id, project-id, project-name, reason, created,
 * expires (GDateTime or NULL). */
gint64             kbc_join_request_get_id           (KbcJoinRequest *self);
gint64             kbc_join_request_get_project_id   (KbcJoinRequest *self);
const char        *kbc_join_request_get_project_name (KbcJoinRequest *self);
const char        *kbc_join_request_get_reason       (KbcJoinRequest *self);
GDateTime         *kbc_join_request_get_created      (KbcJoinRequest *self);
GDateTime         *kbc_join_request_get_expires      (KbcJoinRequest *self);

/* For core. An element of …/projects-join-requests ({id, created,
 * expires, reason, project{id, name}}). */
KbcJoinRequest    *kbc_join_request_new_from_json    (JsonNode   *node,
                                                      GError    **error);
const char        *kbc_join_request_get_key          (KbcJoinRequest *self);

/* clang-format on */

G_END_DECLS
