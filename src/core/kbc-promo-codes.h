/* kbc-promo-codes.h: promo codes: the ones the user redeemed, and redeeming one for a new project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "kbc-client.h"
#include "kbc-list-resource.h"
#include "kbc-project.h"

G_BEGIN_DECLS

/* clang-format off */

#define KBC_TYPE_PROMO_CODE (kbc_promo_code_get_type ())
G_DECLARE_FINAL_TYPE (KbcPromoCode, kbc_promo_code, KBC, PROMO_CODE, GObject)

/* A code the user redeemed. Properties (read-only): code, used-at
 * (GDateTime or NULL), project-id (0 when the project is gone),
 * project-name. */
const char    *kbc_promo_code_get_code         (KbcPromoCode *self);
GDateTime     *kbc_promo_code_get_used_at      (KbcPromoCode *self);
gint64         kbc_promo_code_get_project_id   (KbcPromoCode *self);
const char    *kbc_promo_code_get_project_name (KbcPromoCode *self);

#define KBC_TYPE_PROMO_CODES (kbc_promo_codes_get_type ())
G_DECLARE_FINAL_TYPE (KbcPromoCodes, kbc_promo_codes, KBC, PROMO_CODES, KbcListResource)

/* GET /manage/current-user/promo-codes: the codes the user redeemed
 * (KbcPromoCode, keyed by the code) as a GListModel. */
KbcPromoCodes *kbc_promo_codes_new             (KbcClient           *client);

/* POST {code} (201): a promo code makes a new project (it is never applied
 * to an existing one). Returns that project, complete; the code joins the
 * list at the top. @code is trimmed first; an empty one fails at once. The
 * server's refusals (no such code, used already, only members of the
 * code's organization) come as KBC_API_ERROR_BAD_REQUEST worded for
 * people; too many wrong codes as KBC_API_ERROR_TOO_MANY_REQUESTS. */
void           kbc_promo_codes_redeem_async    (KbcPromoCodes       *self,
                                                const char          *code,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
KbcProject    *kbc_promo_codes_redeem_finish   (KbcPromoCodes       *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* clang-format on */

G_END_DECLS
