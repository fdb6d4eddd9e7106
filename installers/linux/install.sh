#!/bin/sh
# Install Cyber Affairs Desk for the current user: no root, nothing outside the home folder.
#
#   ./install.sh             copy this folder to ~/.local/opt/cyberdesk, add the menu entry, icon and file type
#   ./install.sh --uninstall remove them again; offices, backups, settings and logs are kept
#
# The program goes to ~/.local/opt/cyberdesk, never to ~/.local/share/cyberdesk: that is the user's data folder
# (offices, backups), and an uninstall or upgrade must not touch it.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
app_dir=${CYBERDESK_INSTALL_DIR:-$HOME/.local/opt/cyberdesk}
bin_dir=$HOME/.local/bin
icon_sizes="16 24 32 48 64 128 256 512"

refresh() {
    # Each tool is optional (a minimal system may lack it); the files are in place either way and are read at login.
    if command -v update-mime-database >/dev/null 2>&1; then update-mime-database "$data_home/mime" >/dev/null 2>&1 || true; fi
    if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database "$data_home/applications" >/dev/null 2>&1 || true; fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then gtk-update-icon-cache -q -t "$data_home/icons/hicolor" >/dev/null 2>&1 || true; fi
}

uninstall() {
    rm -rf "$app_dir"
    rm -f "$data_home/applications/cyberdesk.desktop" "$data_home/mime/packages/cyberdesk.xml"
    for size in $icon_sizes; do
        rm -f "$data_home/icons/hicolor/${size}x${size}/apps/cyberdesk.png" \
              "$data_home/icons/hicolor/${size}x${size}/mimetypes/application-x-cyberdesk.png"
    done
    rm -f "$data_home/icons/hicolor/scalable/apps/cyberdesk.svg"
    if [ -L "$bin_dir/cyberdesk" ]; then rm -f "$bin_dir/cyberdesk"; fi
    refresh
    echo "Cyber Affairs Desk is uninstalled. Your offices, backups, settings and logs are kept"
    echo "(offices in $data_home/cyberdesk, settings in ${XDG_CONFIG_HOME:-$HOME/.config}/cyberdesk)."
}

if [ "${1:-}" = "--uninstall" ]; then
    uninstall
    exit 0
fi
if [ ! -x "$here/cyberdesk" ]; then
    echo "install.sh: run it from the unpacked Cyber Affairs Desk folder (no cyberdesk program beside it)" >&2
    exit 1
fi

# A new version replaces the old program folder whole, so no stale library of the old one is left to load.
staging="$app_dir.new"
rm -rf "$staging"
mkdir -p "$(dirname "$app_dir")"
cp -a "$here/." "$staging"
rm -rf "$app_dir"
mv "$staging" "$app_dir"

mkdir -p "$data_home/applications" "$data_home/mime/packages" "$bin_dir"
sed "s|@EXEC@|$app_dir/cyberdesk|g" "$here/share/applications/cyberdesk.desktop" > "$data_home/applications/cyberdesk.desktop"
cp "$here/share/mime/packages/cyberdesk.xml" "$data_home/mime/packages/cyberdesk.xml"
for size in $icon_sizes; do
    for kind in apps mimetypes; do
        mkdir -p "$data_home/icons/hicolor/${size}x${size}/$kind"
    done
    cp "$here/share/icons/hicolor/${size}x${size}/apps/cyberdesk.png" "$data_home/icons/hicolor/${size}x${size}/apps/"
    cp "$here/share/icons/hicolor/${size}x${size}/apps/cyberdesk.png" \
       "$data_home/icons/hicolor/${size}x${size}/mimetypes/application-x-cyberdesk.png"
done
mkdir -p "$data_home/icons/hicolor/scalable/apps"
cp "$here/share/icons/hicolor/scalable/apps/cyberdesk.svg" "$data_home/icons/hicolor/scalable/apps/"
ln -sfn "$app_dir/cyberdesk" "$bin_dir/cyberdesk"
refresh

echo "Cyber Affairs Desk is installed in $app_dir."
echo "Start it from the applications menu, by opening a .cyberdesk file, or with: $bin_dir/cyberdesk"
