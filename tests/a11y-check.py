#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""a11y-check.py: the accessibility tree of one process, read through AT-SPI.

  a11y-check.py --pid PID [--step NAME] [--hidden NAME]... [--dump]

Finds the application of process PID on the AT-SPI bus, walks every window
it exposes and fails (exit status 1, one line per problem on standard output)
on a control that is exposed as shown and has no useful name: empty, a class
name ("GtkImage", "AdwEntryRow"), a mnemonic underscore ("C_hange") or a name
that repeats itself ("Email Email"). A control is a push or toggle button, a
check box, a radio button, a switch, a menu item or menu button, an entry or
password text, a combo box, a spin button, a slider, a link, or a focusable
list item; an empty label or alert (named after its class) fails too.
With --hidden NAME, it also fails when anything named NAME is
exposed (the test names controls of the pages it is not showing). --dump
prints the whole tree.

GTK 4.8 reports VISIBLE on whatever it exposes and never SHOWING, so being
in the tree is being exposed as shown: hidden pages must leave the tree.

Run by tests/test-gui-a11y.c at every step (the app answers AT-SPI from its
main loop, so the test keeps iterating it while this runs).
"""

import argparse
import re
import sys

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

R = Atspi.Role
CONTROLS = {
    R.PUSH_BUTTON, R.TOGGLE_BUTTON, R.CHECK_BOX, R.RADIO_BUTTON,
    R.MENU_ITEM, R.CHECK_MENU_ITEM, R.RADIO_MENU_ITEM, R.ENTRY,
    R.PASSWORD_TEXT, R.TEXT, R.COMBO_BOX, R.SPIN_BUTTON, R.SLIDER, R.LINK,
}
# Switches are toggle buttons in GTK 4.8's mapping; menu buttons are a
# group around a toggle button. Focusable list items are rows one can reach.
FOCUSABLE_CONTROLS = {R.LIST_ITEM}
# Texts: an exposed one named after its class is an empty label.
TEXTS = {R.LABEL, R.ALERT, R.STATUS_BAR}
# Deeper than any real window: a cycle in a broken tree ends here.
MAX_DEPTH = 60


def useless_name(name):
    """Why @name is no useful name, or None."""
    stripped = (name or "").strip()
    if not stripped:
        return "no name"
    if re.match(r"^(Gtk|Adw)[A-Z]", stripped):
        return "a class name"
    if re.search(r"_[^\s_]", stripped) and "@" not in stripped:
        return "a mnemonic underscore"
    words = stripped.replace("_", "").split()
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        return "a name said twice"
    return None


def find_app(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is None:
            continue
        try:
            if app.get_process_id() == pid:
                return app
        except gi.repository.GLib.Error:
            continue
    return None


def describe(node):
    try:
        role = node.get_role_name()
    except gi.repository.GLib.Error:
        role = "?"
    try:
        name = node.get_name()
    except gi.repository.GLib.Error:
        name = "?"
    return f"{role} “{name}”"


def walk(node, path, depth, visit):
    if depth > MAX_DEPTH:
        return
    visit(node, path, depth)
    try:
        count = node.get_child_count()
    except gi.repository.GLib.Error:
        return
    for i in range(count):
        child = node.get_child_at_index(i)
        if child is not None:
            walk(child, path + [describe(node)], depth + 1, visit)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--step", default="")
    parser.add_argument("--hidden", action="append", default=[])
    parser.add_argument("--dump", action="store_true")
    args = parser.parse_args()

    app = find_app(args.pid)
    if app is None:
        print(f"{args.step}: process {args.pid} is not on the AT-SPI bus")
        return 1

    problems = []
    counts = {"nodes": 0, "controls": 0}
    hidden = set(args.hidden)

    def visit(node, path, depth):
        counts["nodes"] += 1
        role = node.get_role()
        name = node.get_name() or ""
        states = node.get_state_set()
        if args.dump:
            flags = "".join(
                c for c, s in (("v", Atspi.StateType.VISIBLE),
                               ("s", Atspi.StateType.SHOWING),
                               ("f", Atspi.StateType.FOCUSABLE),
                               ("F", Atspi.StateType.FOCUSED))
                if states.contains(s))
            print(f"{'  ' * depth}{node.get_role_name()} “{name}” [{flags}]")
        if depth == 0:
            return
        if name.strip() in hidden:
            problems.append(f"{describe(node)} of a hidden page is exposed"
                            f" (in {' > '.join(path[-3:])})")
        exposed = states.contains(Atspi.StateType.VISIBLE) or \
            states.contains(Atspi.StateType.SHOWING)
        is_control = role in CONTROLS or (
            role in FOCUSABLE_CONTROLS and
            states.contains(Atspi.StateType.FOCUSABLE))
        if exposed and role in TEXTS and re.match(r"^(Gtk|Adw)[A-Z]", name):
            problems.append(f"{describe(node)}: an empty text is exposed"
                            f" (in {' > '.join(path[-3:])})")
        if not exposed or not is_control:
            return
        counts["controls"] += 1
        why = useless_name(name)
        if why is not None:
            problems.append(f"{describe(node)}: {why}"
                            f" (in {' > '.join(path[-3:])})")

    walk(app, [], 0, visit)

    for problem in problems:
        print(f"{args.step}: {problem}")
    print(f"# {args.step}: {counts['nodes']} nodes, {counts['controls']} controls,"
          f" {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
