#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what building, running and testing KBC Account needs on Debian 12.
set -euo pipefail

packages=(
  meson ninja-build pkg-config gcc
  libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev
  libfido2-dev libcbor-dev libqrencode-dev libsecret-1-dev libsqlite3-dev
  libssl-dev libargon2-dev libpwquality-dev cracklib-runtime libpasswdqc-dev
  libevent-dev liboath-dev libmd4c-dev
  xvfb xauth gnome-keyring libsecret-tools dbus dbus-x11 gettext
  desktop-file-utils appstream-util appstream libxml2-utils libglib2.0-bin libgtk-4-bin
  librsvg2-common zbar-tools imagemagick clang-format fido2-tools
  flatpak-builder fonts-cantarell adwaita-icon-theme hicolor-icon-theme
  ca-certificates json-glib-tools locales
  at-spi2-core python3-gi gir1.2-atspi-2.0
  clang-14 libclang-rt-14-dev valgrind
  wrk nginx-light curl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive

if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The Czech locale: the app runs in it (README), and the tests check its texts.
if ! locale -a 2>/dev/null | grep -qi '^cs_CZ\.utf-\?8$'; then
  $sudo sed -i 's/^# *\(cs_CZ\.UTF-8 UTF-8\)/\1/' /etc/locale.gen
  grep -q '^cs_CZ.UTF-8 UTF-8' /etc/locale.gen || echo 'cs_CZ.UTF-8 UTF-8' | $sudo tee -a /etc/locale.gen >/dev/null
  $sudo locale-gen
fi

# GIO's module cache newer than every module: GIO loads a module whose file
# changed after the cache (its ctime: an update, a hard link made to it) at
# once instead of lazily, and keeps no pointer to it, which LeakSanitizer
# reports in every sanitized test that connects (tests/lsan.supp). What a
# package install's trigger does; only when the cache is stale.
giomoduledir=$(pkg-config --variable=giomoduledir gio-2.0 2>/dev/null || true)
querymodules=$(pkg-config --variable=gio_querymodules gio-2.0 2>/dev/null || true)
if [ -n "$giomoduledir" ] && [ -x "$querymodules" ] && [ -f "$giomoduledir/giomodule.cache" ] &&
  [ -n "$(find "$giomoduledir" -name '*.so' -cnewer "$giomoduledir/giomodule.cache" 2>/dev/null)" ]; then
  $sudo "$querymodules" "$giomoduledir"
fi
