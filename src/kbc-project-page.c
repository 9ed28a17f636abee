/* kbc-project-page.c: one project: its organization, the user's role, its limits against their use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-project-page.h"

#include <glib/gi18n.h>

#include "kbc-closures.h"
#include "kbc-invitation.h"

struct _KbcProjectPage
{
  GtkWidget parent_instance;

  /* Template children */
  GtkStack *stack;
  GtkSpinner *spinner;
  AdwStatusPage *error_page;
  AdwPreferencesGroup *details_group;
  GtkWidget *open_button;
  AdwActionRow *organization_row;
  AdwActionRow *role_row;
  AdwActionRow *type_row;
  AdwActionRow *expires_row;
  GtkWidget *limits_group;
  GtkListBox *limits_list;

  /* Owned */
  KbcAccount *account;
  KbcProject *project;
  GCancellable *cancellable;
  gint64 id;
  char *role;
  char *title;
};

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_PROJECT,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KbcProjectPage, kbc_project_page, GTK_TYPE_WIDGET)

static void
set_title (KbcProjectPage *self, const char *title)
{
  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/* "production", "poc", "demo"… for people. */
static const char *
type_title (const char *type)
{
  if (type == NULL)
    return NULL;
  if (g_str_equal (type, "production"))
    return C_ ("project type", "Production");
  if (g_str_equal (type, "poc"))
    return C_ ("project type", "Proof of concept");
  if (g_str_equal (type, "demo"))
    return C_ ("project type", "Demo");
  if (g_str_equal (type, "trial"))
    return C_ ("project type", "Trial");
  return type;
}

static GtkWidget *
create_limit_row (gpointer item, gpointer user_data)
{
  KbcProjectLimit *limit = item;
  g_autofree char *text = kbc_project_limit_describe (limit);
  const char *title = kbc_project_limit_get_title (limit);
  GtkWidget *row, *box, *line, *name, *value, *bar;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  name = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_widget_set_hexpand (name, TRUE);
  value = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (value), 1);
  gtk_label_set_wrap (GTK_LABEL (value), TRUE);
  gtk_widget_add_css_class (value, "numeric");
  gtk_widget_add_css_class (value,
                            kbc_project_limit_get_is_exceeded (limit) ? "error" : "dim-label");
  gtk_box_append (GTK_BOX (line), name);
  gtk_box_append (GTK_BOX (line), value);
  gtk_box_append (GTK_BOX (box), line);

  if (kbc_project_limit_get_has_metric (limit))
    {
      g_autofree char *label = NULL;

      bar = gtk_level_bar_new_for_interval (0, 1);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar),
                               MIN (kbc_project_limit_get_fraction (limit), 1));
      /* Past 90 % the bar warns; a limit exceeded is an error (style.css). */
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_level_bar_add_offset_value (GTK_LEVEL_BAR (bar), "normal", 0.9);
      gtk_level_bar_add_offset_value (GTK_LEVEL_BAR (bar), "nearly-full", 1);
      gtk_widget_add_css_class (bar, "project-limit");
      if (kbc_project_limit_get_is_exceeded (limit))
        gtk_widget_add_css_class (bar, "exceeded");
      /* Translators: the accessible name of a limit's bar: the limit, and its use. */
      label = g_strdup_printf (_ ("%s: %s"), title, text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
      gtk_box_append (GTK_BOX (box), bar);
    }

  if (kbc_project_limit_get_is_exceeded (limit))
    {
      GtkWidget *warning = gtk_label_new (_ ("Exceeded"));

      gtk_label_set_xalign (GTK_LABEL (warning), 0);
      gtk_widget_add_css_class (warning, "caption");
      gtk_widget_add_css_class (warning, "error");
      gtk_box_append (GTK_BOX (box), warning);
    }

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static void
show_project (KbcProjectPage *self, KbcProject *project)
{
  g_autofree char *web_url = NULL;
  GDateTime *expires = kbc_project_get_expires (project);
  const char *organization = kbc_project_get_organization_name (project);
  const char *type = type_title (kbc_project_get_project_type (project));
  g_autofree char *expires_text = NULL;

  g_set_object (&self->project, project);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
  set_title (self, kbc_project_get_name (project));

  adw_preferences_group_set_title (self->details_group, kbc_project_get_name (project));
  adw_action_row_set_subtitle (self->organization_row, organization != NULL ? organization : "");
  gtk_widget_set_visible (GTK_WIDGET (self->organization_row), organization != NULL);
  adw_action_row_set_subtitle (self->role_row,
                               self->role != NULL ? kbc_project_role_get_title (self->role) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->role_row), self->role != NULL);
  adw_action_row_set_subtitle (self->type_row, type != NULL ? type : "");
  gtk_widget_set_visible (GTK_WIDGET (self->type_row), type != NULL && *type != '\0');
  expires_text = kbc_format_date_time (expires);
  adw_action_row_set_subtitle (self->expires_row,
                               expires_text != NULL ? expires_text : _ ("Never"));

  web_url = kbc_project_get_web_url (kbc_project_get_id (project),
                                     kbc_account_get_stack_url (self->account));
  gtk_widget_set_visible (self->open_button, web_url != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "project.open-in-browser", web_url != NULL);

  gtk_list_box_bind_model (self->limits_list, kbc_project_get_limits (project), create_limit_row,
                           NULL, NULL);
  gtk_widget_set_visible (self->limits_group,
                          g_list_model_get_n_items (kbc_project_get_limits (project)) > 0);

  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "project");
}

static void
on_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KbcProjectPage *self;
  g_autoptr (KbcProject) project = NULL;
  g_autoptr (GError) error = NULL;

  project = kbc_account_load_project_finish (KBC_ACCOUNT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = KBC_PROJECT_PAGE (user_data);
  if (project == NULL)
    {
      gtk_spinner_stop (self->spinner);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  show_project (self, project);
}

static void
start_loading (KbcProjectPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  kbc_account_load_project_async (self->account, self->id, self->cancellable, on_loaded, self);
}

static void
reload_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_loading (KBC_PROJECT_PAGE (widget));
}

static void
open_in_browser_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KbcProjectPage *self = KBC_PROJECT_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *url = NULL;

  if (self->project == NULL)
    return;
  url = kbc_project_get_web_url (kbc_project_get_id (self->project),
                                 kbc_account_get_stack_url (self->account));
  if (url != NULL)
    gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, url, GDK_CURRENT_TIME);
}

static void
kbc_project_page_dispose (GObject *object)
{
  KbcProjectPage *self = KBC_PROJECT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KBC_TYPE_PROJECT_PAGE);
  g_clear_object (&self->project);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (kbc_project_page_parent_class)->dispose (object);
}

static void
kbc_project_page_finalize (GObject *object)
{
  KbcProjectPage *self = KBC_PROJECT_PAGE (object);

  g_free (self->role);
  g_free (self->title);

  G_OBJECT_CLASS (kbc_project_page_parent_class)->finalize (object);
}

static void
kbc_project_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KbcProjectPage *self = KBC_PROJECT_PAGE (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      case PROP_PROJECT:
        g_value_set_object (value, self->project);
        break;
      case PROP_TITLE:
        g_value_set_string (value, kbc_project_page_get_title (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbc_project_page_set_property (GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
  KbcProjectPage *self = KBC_PROJECT_PAGE (object);

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
kbc_project_page_class_init (KbcProjectPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kbc_project_page_dispose;
  object_class->finalize = kbc_project_page_finalize;
  object_class->get_property = kbc_project_page_get_property;
  object_class->set_property = kbc_project_page_set_property;

  properties[PROP_ACCOUNT] =
      g_param_spec_object ("account", NULL, NULL, KBC_TYPE_ACCOUNT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROJECT] =
      g_param_spec_object ("project", NULL, NULL, KBC_TYPE_PROJECT,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
      g_param_spec_string ("title", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/kbc-project-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KbcProjectPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KbcProjectPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KbcProjectPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KbcProjectPage, details_group);
  gtk_widget_class_bind_template_child (widget_class, KbcProjectPage, open_button);
  gtk_widget_class_bind_template_child (widget_class, KbcProjectPage, organization_row);
  gtk_widget_class_bind_template_child (widget_class, KbcProjectPage, role_row);
  gtk_widget_class_bind_template_child (widget_class, KbcProjectPage, type_row);
  gtk_widget_class_bind_template_child (widget_class, KbcProjectPage, expires_row);
  gtk_widget_class_bind_template_child (widget_class, KbcProjectPage, limits_group);
  gtk_widget_class_bind_template_child (widget_class, KbcProjectPage, limits_list);

  gtk_widget_class_install_action (widget_class, "project.reload", NULL, reload_activated);
  gtk_widget_class_install_action (widget_class, "project.open-in-browser", NULL,
                                   open_in_browser_activated);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kbc_project_page_init (KbcProjectPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kbc_project_page_new (KbcAccount *account)
{
  g_return_val_if_fail (KBC_IS_ACCOUNT (account), NULL);

  return g_object_new (KBC_TYPE_PROJECT_PAGE, "account", account, NULL);
}

void
kbc_project_page_load (KbcProjectPage *self, gint64 id, const char *role)
{
  g_return_if_fail (KBC_IS_PROJECT_PAGE (self));
  g_return_if_fail (id > 0);

  self->id = id;
  g_free (self->role);
  self->role = role != NULL && *role != '\0' ? g_strdup (role) : NULL;
  if (self->project != NULL)
    {
      g_clear_object (&self->project);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
    }
  set_title (self, NULL);
  start_loading (self);
}

const char *
kbc_project_page_get_title (KbcProjectPage *self)
{
  g_return_val_if_fail (KBC_IS_PROJECT_PAGE (self), NULL);

  return self->title != NULL ? self->title : _ ("Project");
}
