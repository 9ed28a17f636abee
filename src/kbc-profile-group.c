/* kbc-profile-group.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-profile-group.h"

struct _KbcProfileGroup
{
  AdwPreferencesGroup parent_instance;

  /* Template children */
  GtkLabel *name_label;
  GtkLabel *email_label;

  /* Owned references */
  KbcAccount *account;
};

G_DEFINE_FINAL_TYPE (KbcProfileGroup, kbc_profile_group, ADW_TYPE_PREFERENCES_GROUP)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kbc_profile_group_constructed (GObject *object)
{
  KbcProfileGroup *self = KBC_PROFILE_GROUP (object);

  G_OBJECT_CLASS (kbc_profile_group_parent_class)->constructed (object);

  g_assert (KBC_IS_ACCOUNT (self->account));

  /* The bindings die with the labels, which die with this group. */
  g_object_bind_property (self->account, "user-name", self->name_label, "label",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->account, "user-email", self->email_label, "label",
                          G_BINDING_SYNC_CREATE);
}

static void
kbc_profile_group_dispose (GObject *object)
{
  KbcProfileGroup *self = KBC_PROFILE_GROUP (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_PROFILE_GROUP);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (kbc_profile_group_parent_class)->dispose (object);
}

static void
kbc_profile_group_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcProfileGroup *self = KBC_PROFILE_GROUP (object);

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
kbc_profile_group_set_property (GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
  KbcProfileGroup *self = KBC_PROFILE_GROUP (object);

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
kbc_profile_group_class_init (KbcProfileGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_profile_group_constructed;
  object_class->dispose = kbc_profile_group_dispose;
  object_class->get_property = kbc_profile_group_get_property;
  object_class->set_property = kbc_profile_group_set_property;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-profile-group.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcProfileGroup, name_label);
  gtk_widget_class_bind_template_child (widget_class, KbcProfileGroup, email_label);
}

static void
kbc_profile_group_init (KbcProfileGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kbc_profile_group_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_PROFILE_GROUP, "account", account, NULL);
}
