/* kbc-account-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-account-page.h"

#include <glib/gi18n.h>

#include "kbc-auth-methods.h"
#include "kbc-keys-group.h"
#include "kbc-mfa-group.h"
#include "kbc-password-group.h"
#include "kbc-profile-group.h"
#include "kbc-startup-mark.h"
#include "kbc-web-notice.h"

struct _KbcAccountPage
{
  AdwPreferencesPage parent_instance;

  /* Owned references */
  KbcAccount *account;

  /* Children */
  GtkWidget *password_group;
  KbcMfaGroup *mfa_group;
  KbcKeysGroup *keys_group;
  KbcWebNotice *web_notice;
};

G_DEFINE_FINAL_TYPE (KbcAccountPage, kbc_account_page, ADW_TYPE_PREFERENCES_PAGE)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "Enable MFA" → "Security Key" adds the first key, as "Add Security Key"
 * of the keys group does. */
static void
enable_u2f_cb (KbcAccountPage *self)
{
  kbc_keys_group_add_key (self->keys_group);
}

/* A stack that keeps the password or MFA in its web page (a Keboola stack)
 * gets the notice in their place, once the server has said so. */
static void
update_offered (KbcAccountPage *self)
{
  KbcAuthMethods *methods = kbc_account_get_auth_methods (self->account);
  KbcResource *mfa = KBC_RESOURCE (kbc_account_get_mfa (self->account));
  gboolean password_known = kbc_auth_methods_get_known (methods);
  gboolean password = kbc_auth_methods_get_password (methods);
  gboolean mfa_offered = kbc_resource_get_offered (mfa);
  gboolean mfa_known = !mfa_offered || kbc_resource_get_loaded (mfa);
  const char *description = NULL;

  /* Shown until the server says otherwise: most servers that are asked
   * offer it, and a Keboola stack is known without asking. */
  gtk_widget_set_visible (self->password_group, password || !password_known);
  gtk_widget_set_visible (GTK_WIDGET (self->mfa_group), mfa_offered);
  gtk_widget_set_visible (GTK_WIDGET (self->keys_group), mfa_offered);

  /* The notice says it all at once, when both answers are in. */
  if (!password_known || !mfa_known)
    description = NULL;
  else if (!password && !mfa_offered)
    description = _ ("This stack keeps your password and multi-factor authentication in its web "
                     "Account Settings.");
  else if (!password)
    description = _ ("This stack keeps your password in its web Account Settings.");
  else if (!mfa_offered)
    description = _ ("This stack keeps multi-factor authentication in its web Account Settings.");

  if (description != NULL)
    kbc_web_notice_set_description (self->web_notice, description);
  gtk_widget_set_visible (GTK_WIDGET (self->web_notice), description != NULL);

  /* The page is complete: the user (known with the account) and the MFA
   * state. */
  if (mfa_known)
    kbc_startup_mark_next_frame (GTK_WIDGET (self), "account-ready");
}

static void
kbc_account_page_constructed (GObject *object)
{
  KbcAccountPage *self = KBC_ACCOUNT_PAGE (object);
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (object);

  G_OBJECT_CLASS (kbc_account_page_parent_class)->constructed (object);

  g_assert (KBC_IS_ACCOUNT (self->account));

  /* The page's groups, top to bottom, each its own widget with its own
   * cancellable. */
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (kbc_profile_group_new (self->account)));
  self->password_group = kbc_password_group_new (self->account);
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (self->password_group));

  self->mfa_group = KBC_MFA_GROUP (kbc_mfa_group_new (kbc_account_get_mfa (self->account)));
  kbc_mfa_group_set_u2f_available (self->mfa_group, TRUE);
  g_signal_connect_object (self->mfa_group, "enable-u2f", G_CALLBACK (enable_u2f_cb), self,
                           G_CONNECT_SWAPPED);
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (self->mfa_group));

  self->keys_group = KBC_KEYS_GROUP (kbc_keys_group_new (kbc_account_get_mfa (self->account)));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (self->keys_group));

  self->web_notice =
      KBC_WEB_NOTICE (kbc_web_notice_new (NULL, kbc_account_get_stack_url (self->account)));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (self->web_notice));

  g_signal_connect_object (kbc_account_get_auth_methods (self->account), "notify",
                           G_CALLBACK (update_offered), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (kbc_account_get_mfa (self->account), "notify::offered",
                           G_CALLBACK (update_offered), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (kbc_account_get_mfa (self->account), "notify::loaded",
                           G_CALLBACK (update_offered), self, G_CONNECT_SWAPPED);
  update_offered (self);
  if (!kbc_auth_methods_get_known (kbc_account_get_auth_methods (self->account)))
    kbc_resource_ensure_loaded (KBC_RESOURCE (kbc_account_get_auth_methods (self->account)));
}

static void
kbc_account_page_dispose (GObject *object)
{
  KbcAccountPage *self = KBC_ACCOUNT_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_ACCOUNT_PAGE);
  self->password_group = NULL;
  self->mfa_group = NULL;
  self->keys_group = NULL;
  self->web_notice = NULL;
  g_clear_object (&self->account);

  G_OBJECT_CLASS (kbc_account_page_parent_class)->dispose (object);
}

static void
kbc_account_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcAccountPage *self = KBC_ACCOUNT_PAGE (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_account_page_set_property (GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
  KbcAccountPage *self = KBC_ACCOUNT_PAGE (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        self->account = g_value_dup_object (value);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_account_page_class_init (KbcAccountPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_account_page_constructed;
  object_class->dispose = kbc_account_page_dispose;
  object_class->get_property = kbc_account_page_get_property;
  object_class->set_property = kbc_account_page_set_property;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-account-page.ui");
}

static void
kbc_account_page_init (KbcAccountPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kbc_account_page_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_ACCOUNT_PAGE, "account", account, NULL);
}

KbcAccount *
kbc_account_page_get_account (KbcAccountPage *self)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT_PAGE (self), NULL);

  return self->account;
}
