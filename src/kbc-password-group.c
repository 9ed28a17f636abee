/* kbc-password-group.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-password-group.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kbc-error.h"
#include "kbc-toast.h"

/* The password policy's rules the form can check while the user types;
 * the server checks them all again (and a dictionary) on Change Password. */
#define MIN_PASSWORD_CHARS 12

enum
{
  RULE_LENGTH,
  RULE_NOT_EMAIL,
  RULE_MATCH,
  N_RULES
};

struct _KbcPasswordGroup
{
  AdwPreferencesGroup parent_instance;

  /* Template children */
  AdwPasswordEntryRow *current_row;
  GtkLabel *current_caption;
  AdwPasswordEntryRow *new_row;
  GtkLabel *new_caption;
  GtkWidget *rules_box;
  GtkLevelBar *strength_bar;
  GtkLabel *strength_label;
  GtkWidget *rules[N_RULES]; /* a GtkLabel each, in rules_box */
  AdwPasswordEntryRow *confirm_row;
  GtkLabel *confirm_caption;
  GtkSpinner *spinner;
  GtkButton *change_button;

  /* Owned references */
  KbcAccount *account;
  GCancellable *cancellable;

  gboolean busy;
  gboolean can_change;
};

G_DEFINE_FINAL_TYPE (KbcPasswordGroup, kbc_password_group, ADW_TYPE_PREFERENCES_GROUP)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
get_text (AdwPasswordEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* The server's rules, as its password policy checks them. */
static const char *
get_new_password_hint (void)
{
  return _ ("At least 12 characters; not a dictionary word or your email");
}

static void
set_caption (GtkLabel *caption, GtkWidget *row, const char *error_text)
{
  if (error_text != NULL)
    {
      gtk_label_set_label (caption, error_text);
      gtk_widget_remove_css_class (GTK_WIDGET (caption), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (caption), "error");
      gtk_widget_add_css_class (row, "error");
      gtk_widget_set_visible (GTK_WIDGET (caption), TRUE);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (caption), "error");
      gtk_widget_add_css_class (GTK_WIDGET (caption), "dim-label");
      gtk_widget_remove_css_class (row, "error");
    }
}

static void
clear_current_error (KbcPasswordGroup *self)
{
  set_caption (self->current_caption, GTK_WIDGET (self->current_row), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->current_caption), FALSE);
}

static void
clear_new_error (KbcPasswordGroup *self)
{
  set_caption (self->new_caption, GTK_WIDGET (self->new_row), NULL);
  gtk_label_set_label (self->new_caption, get_new_password_hint ());
}

static gboolean
passwords_match (KbcPasswordGroup *self)
{
  return g_strcmp0 (get_text (self->new_row), get_text (self->confirm_row)) == 0;
}

/* TRUE when @password is, or contains, the account's email or its part
 * before the @ (the server refuses both). */
static gboolean
contains_email (KbcPasswordGroup *self, const char *password)
{
  const char *email = self->account != NULL ? kbc_account_get_user_email (self->account) : NULL;
  g_autofree char *folded = NULL;
  g_autofree char *local = NULL;
  char *at;

  if (email == NULL || *email == '\0' || *password == '\0')
    return FALSE;

  folded = g_utf8_casefold (password, -1);
  local = g_utf8_casefold (email, -1);
  if (strstr (folded, local) != NULL)
    return TRUE;
  at = strchr (local, '@');
  if (at != NULL)
    *at = '\0';

  return g_utf8_strlen (local, -1) >= 3 && strstr (folded, local) != NULL;
}

/* A rough estimate, 0 to 4, from the length and the kinds of characters. */
static int
estimate_strength (KbcPasswordGroup *self, const char *password)
{
  glong length = g_utf8_strlen (password, -1);
  gboolean lower = FALSE, upper = FALSE, digit = FALSE, other = FALSE;
  int kinds, score = 0;

  for (const char *p = password; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      lower |= g_unichar_islower (c);
      upper |= g_unichar_isupper (c);
      digit |= g_unichar_isdigit (c);
      other |= !g_unichar_isalnum (c);
    }
  kinds = lower + upper + digit + other;

  if (length < MIN_PASSWORD_CHARS || contains_email (self, password))
    return length >= 8 && kinds >= 3 ? 1 : 0;

  score = 1;
  if (length >= 16)
    score++;
  if (kinds >= 3)
    score++;
  if (length >= 20 || (kinds == 4 && length >= 14))
    score++;

  return MIN (score, 4);
}

static void
set_rule (GtkWidget *rule, gboolean met)
{
  g_autofree char *text = NULL;

  /* A mark a screen reader says too, not only a colour. */
  text = g_strdup_printf ("%s %s", met ? "✓" : "✗",
                          _ ((const char *) g_object_get_data (G_OBJECT (rule), "kbc-rule")));
  gtk_label_set_label (GTK_LABEL (rule), text);
  if (met)
    {
      gtk_widget_remove_css_class (rule, "dim-label");
      gtk_widget_add_css_class (rule, "success");
    }
  else
    {
      gtk_widget_remove_css_class (rule, "success");
      gtk_widget_add_css_class (rule, "dim-label");
    }
}

/* The rules and the strength, while a new password is typed. */
static void
update_rules (KbcPasswordGroup *self)
{
  const char *password = get_text (self->new_row);
  const char *const words[] = { N_ ("Too weak"), N_ ("Weak"), N_ ("Fair"), N_ ("Good"),
                                N_ ("Strong") };
  g_autofree char *strength_text = NULL;
  int strength;

  gtk_widget_set_visible (self->rules_box, *password != '\0');
  if (*password == '\0')
    return;

  set_rule (self->rules[RULE_LENGTH], g_utf8_strlen (password, -1) >= MIN_PASSWORD_CHARS);
  set_rule (self->rules[RULE_NOT_EMAIL], !contains_email (self, password));
  set_rule (self->rules[RULE_MATCH], passwords_match (self));

  strength = estimate_strength (self, password);
  gtk_level_bar_set_value (self->strength_bar, strength);
  /* Translators: %s is how strong the new password looks: "Weak", "Good"… */
  strength_text = g_strdup_printf (_ ("Strength: %s"), _ (words[strength]));
  gtk_label_set_label (self->strength_label, strength_text);
}

static void
update (KbcPasswordGroup *self)
{
  gboolean filled = get_text (self->current_row)[0] != '\0' &&
                    get_text (self->new_row)[0] != '\0' && get_text (self->confirm_row)[0] != '\0';
  gboolean mismatch = get_text (self->confirm_row)[0] != '\0' && !passwords_match (self);

  gtk_widget_set_visible (GTK_WIDGET (self->confirm_caption), mismatch);
  if (mismatch)
    gtk_widget_add_css_class (GTK_WIDGET (self->confirm_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->confirm_row), "error");

  update_rules (self);

  self->can_change = !self->busy && filled && !mismatch;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "password.change", self->can_change);
}

static void
set_busy (KbcPasswordGroup *self, gboolean busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->current_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->new_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_row), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  update (self);
}

static void
row_changed_cb (KbcPasswordGroup *self, GtkEditable *editable)
{
  /* Editing a field answers the server's objection to it. */
  if (editable == GTK_EDITABLE (self->current_row))
    clear_current_error (self);
  else if (editable == GTK_EDITABLE (self->new_row))
    clear_new_error (self);

  update (self);
}

static void
row_activated_cb (KbcPasswordGroup *self, AdwEntryRow *row)
{
  if (self->can_change)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "password.change", NULL);
      return;
    }

  /* Not ready yet: Enter moves on to the next field. */
  if (row == ADW_ENTRY_ROW (self->current_row))
    gtk_widget_grab_focus (GTK_WIDGET (self->new_row));
  else if (row == ADW_ENTRY_ROW (self->new_row))
    gtk_widget_grab_focus (GTK_WIDGET (self->confirm_row));
}

static void
change_password_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcPasswordGroup *self = user_data;
  g_autoptr (GError) error = NULL;
  const char *current_error, *new_error;

  if (!kbc_account_change_password_finish (KBC_ACCOUNT (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (error == NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->current_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->new_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
      kbc_widget_add_toast (GTK_WIDGET (self), _ ("Password changed"));
      return;
    }

  /* Nothing typed is lost: the fields keep their text. */
  current_error = kbc_api_error_get_field_message (error, "currentPassword");
  new_error = kbc_api_error_get_field_message (error, "newPassword");

  if (current_error != NULL)
    set_caption (self->current_caption, GTK_WIDGET (self->current_row), current_error);
  if (new_error != NULL)
    set_caption (self->new_caption, GTK_WIDGET (self->new_row), new_error);

  if (current_error != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->current_row));
  else if (new_error != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->new_row));
  else
    kbc_widget_add_toast (GTK_WIDGET (self), error->message);
}

static void
change_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcPasswordGroup *self = KBC_PASSWORD_GROUP (widget);

  if (!self->can_change)
    return;

  clear_current_error (self);
  clear_new_error (self);
  set_busy (self, TRUE);
  kbc_account_change_password_async (self->account, get_text (self->current_row),
                                     get_text (self->new_row), self->cancellable,
                                     change_password_cb, self);
}

static void
kbc_password_group_constructed (GObject *object)
{
  KbcPasswordGroup *self = KBC_PASSWORD_GROUP (object);

  G_OBJECT_CLASS (kbc_password_group_parent_class)->constructed (object);

  g_assert (KBC_IS_ACCOUNT (self->account));
}

static void
kbc_password_group_dispose (GObject *object)
{
  KbcPasswordGroup *self = KBC_PASSWORD_GROUP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_PASSWORD_GROUP);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (kbc_password_group_parent_class)->dispose (object);
}

static void
kbc_password_group_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcPasswordGroup *self = KBC_PASSWORD_GROUP (object);

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
kbc_password_group_set_property (GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
  KbcPasswordGroup *self = KBC_PASSWORD_GROUP (object);

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
kbc_password_group_class_init (KbcPasswordGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kbc_password_group_constructed;
  object_class->dispose = kbc_password_group_dispose;
  object_class->get_property = kbc_password_group_get_property;
  object_class->set_property = kbc_password_group_set_property;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-password-group.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordGroup, current_row);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordGroup, current_caption);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordGroup, new_row);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordGroup, new_caption);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordGroup, rules_box);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordGroup, strength_bar);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordGroup, strength_label);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordGroup, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordGroup, confirm_caption);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordGroup, spinner);
  gtk_widget_class_bind_template_child (widget_class, KbcPasswordGroup, change_button);
  gtk_widget_class_bind_template_callback (widget_class, row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "password.change", NULL, change_activated);
}

static void
kbc_password_group_init (KbcPasswordGroup *self)
{
  const char *const texts[N_RULES] = {
    /* Translators: a rule for the new password, shown while it is typed. */
    N_ ("At least 12 characters"),
    /* Translators: a rule for the new password, shown while it is typed. */
    N_ ("Not your email"),
    /* Translators: a rule for the new password, shown while it is typed. */
    N_ ("Both new passwords match"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_RULES; i++)
    {
      self->rules[i] = gtk_label_new (NULL);
      g_object_set_data (G_OBJECT (self->rules[i]), "kbc-rule", (gpointer) texts[i]);
      gtk_label_set_xalign (GTK_LABEL (self->rules[i]), 0);
      gtk_label_set_wrap (GTK_LABEL (self->rules[i]), TRUE);
      gtk_box_append (GTK_BOX (self->rules_box), self->rules[i]);
    }
  gtk_level_bar_add_offset_value (self->strength_bar, GTK_LEVEL_BAR_OFFSET_LOW, 1);
  gtk_level_bar_add_offset_value (self->strength_bar, GTK_LEVEL_BAR_OFFSET_HIGH, 3);
  gtk_level_bar_add_offset_value (self->strength_bar, GTK_LEVEL_BAR_OFFSET_FULL, 4);

  self->cancellable = g_cancellable_new ();
  gtk_label_set_label (self->new_caption, get_new_password_hint ());
  update (self);
}

GtkWidget *
kbc_password_group_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_PASSWORD_GROUP, "account", account, NULL);
}
