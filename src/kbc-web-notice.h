/* kbc-web-notice.h: "managed in Keboola's web settings"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_WEB_NOTICE (kbc_web_notice_get_type ())
G_DECLARE_FINAL_TYPE (KbcWebNotice, kbc_web_notice, KBC, WEB_NOTICE, AdwPreferencesGroup)

/* What a page shows in place of something the server does not offer (a
 * Keboola stack keeps password, MFA, personal tokens and notifications in
 * its web page): a status page that says so, with @description, and Open in
 * Browser at @uri. Never an error.
 *
 * Properties: description, uri. */
GtkWidget  *kbc_web_notice_new             (const char   *description,
                                            const char   *uri);
void        kbc_web_notice_set_description (KbcWebNotice *self,
                                            const char   *description);
const char *kbc_web_notice_get_description (KbcWebNotice *self);
void        kbc_web_notice_set_uri         (KbcWebNotice *self,
                                            const char   *uri);
const char *kbc_web_notice_get_uri         (KbcWebNotice *self);

/* clang-format on */

G_END_DECLS
