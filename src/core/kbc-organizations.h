/* kbc-organizations.h: the user's organizations with their projects, and the user's maintainers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-client.h"
#include "kbc-list-resource.h"
#include "kbc-project.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_ORGANIZATION (kbc_organization_get_type ())
G_DECLARE_FINAL_TYPE (KbcOrganization, kbc_organization, KBC, ORGANIZATION, GObject)

/* Properties (read-only, with notify): id, name, created (GDateTime or
 * NULL), allow-auto-join (its members may join its projects by
 * themselves), mfa-required (its projects admit only users with
 * multi-factor authentication), projects (GListModel of KbcProject
 * references, empty until kbc_organizations_load_projects_async()),
 * projects-loaded. */
gint64       kbc_organization_get_id              (KbcOrganization *self);
const char  *kbc_organization_get_name            (KbcOrganization *self);
GDateTime   *kbc_organization_get_created         (KbcOrganization *self);
gboolean     kbc_organization_get_allow_auto_join (KbcOrganization *self);
gboolean     kbc_organization_get_mfa_required    (KbcOrganization *self);
GListModel  *kbc_organization_get_projects        (KbcOrganization *self);
gboolean     kbc_organization_get_projects_loaded (KbcOrganization *self);

#define KBC_TYPE_ORGANIZATIONS (kbc_organizations_get_type ())
G_DECLARE_FINAL_TYPE (KbcOrganizations, kbc_organizations, KBC, ORGANIZATIONS, KbcListResource)

/* GET /manage/organizations: the organizations the user is a member of
 * (KbcOrganization) as a GListModel. A refresh keeps the objects, and
 * their projects. */
KbcOrganizations *kbc_organizations_new               (KbcClient           *client);

/* GET /manage/organizations/{id}: fills @organization's projects (and
 * updates its other properties). */
void              kbc_organizations_load_projects_async  (KbcOrganizations    *self,
                                                          KbcOrganization     *organization,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean          kbc_organizations_load_projects_finish (KbcOrganizations    *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

#define KBC_TYPE_MAINTAINER (kbc_maintainer_get_type ())
G_DECLARE_FINAL_TYPE (KbcMaintainer, kbc_maintainer, KBC, MAINTAINER, GObject)

/* A maintainer (a partner that runs organizations) the user is a member
 * of. Properties (read-only): id, name, created (GDateTime or NULL);
 * its organizations (GListModel of KbcOrganization) are empty until
 * kbc_maintainers_load_organizations_async(). */
gint64       kbc_maintainer_get_id            (KbcMaintainer *self);
const char  *kbc_maintainer_get_name          (KbcMaintainer *self);
GDateTime   *kbc_maintainer_get_created       (KbcMaintainer *self);
GListModel  *kbc_maintainer_get_organizations (KbcMaintainer *self);

#define KBC_TYPE_MAINTAINERS (kbc_maintainers_get_type ())
G_DECLARE_FINAL_TYPE (KbcMaintainers, kbc_maintainers, KBC, MAINTAINERS, KbcListResource)

/* GET /manage/maintainers: the user's maintainers as a GListModel. */
KbcMaintainers   *kbc_maintainers_new (KbcClient *client);

/* GET /manage/maintainers/{id}/organizations: fills @maintainer's
 * organizations. Keboola publishes no list of the user's own
 * organizations (GET /manage/organizations is not offered on its stacks);
 * this is how they are found there. */
void              kbc_maintainers_load_organizations_async  (KbcMaintainers      *self,
                                                             KbcMaintainer       *maintainer,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean          kbc_maintainers_load_organizations_finish (KbcMaintainers      *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

/* clang-format on */

G_END_DECLS
