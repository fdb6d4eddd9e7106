#!/usr/bin/env bash
# Build Cyber Affairs Desk for macOS: dist/Cyber Affairs Desk.app and dist/cyberdesk-VERSION-macos-ARCH.dmg
#
#   bash installers/macos/build.sh
#
# Needs: Python 3.11+ from python.org (universal2) or Homebrew as python3, and Xcode's command line tools (hdiutil,
# codesign, xcrun notarytool, stapler). Build on the oldest macOS you support: the app runs there and later.
#
# Signing and notarisation happen only when these environment variables are set:
#   CYBERDESK_CODESIGN_IDENTITY  "Developer ID Application: Name (TEAMID)" from the login keychain
#   CYBERDESK_NOTARY_PROFILE     a notarytool keychain profile, made once with
#                                xcrun notarytool store-credentials PROFILE --apple-id ... --team-id ...
# Without them the app and dmg are built unsigned (fine for testing; Gatekeeper warns users).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
venv=build/venv-macos
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
python="$venv/bin/python"
"$python" -m pip install --disable-pip-version-check -q "$root[installers]"
version=$("$python" installers/packaging_meta.py version)
arch=$(uname -m)

# 1. Freeze into an .app bundle (installers/cyberdesk.spec adds the Info.plist with the .cyberdesk document type).
"$python" -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller installers/cyberdesk.spec
app="dist/Cyber Affairs Desk.app"
plutil -lint "$app/Contents/Info.plist"
"$app/Contents/MacOS/cyberdesk" --version

# 2. Sign every binary inside out with the hardened runtime (notarisation requires it), then the bundle.
if [ -n "${CYBERDESK_CODESIGN_IDENTITY:-}" ]; then
    sign() {
        codesign --force --timestamp --options runtime \
            --entitlements installers/macos/entitlements.plist \
            --sign "$CYBERDESK_CODESIGN_IDENTITY" "$@"
    }
    find "$app/Contents" -type f \( -name "*.so" -o -name "*.dylib" -o -perm -u+x \) -print0 |
        while IFS= read -r -d '' file; do
            if file "$file" | grep -q "Mach-O"; then sign "$file"; fi
        done
    sign "$app"
    codesign --verify --deep --strict --verbose=2 "$app"
else
    echo "Not signing (set CYBERDESK_CODESIGN_IDENTITY to sign)."
fi

# 3. The disk image: the app and a link to /Applications to drag it onto.
dmg="dist/cyberdesk-$version-macos-$arch.dmg"
staging=build/dmg
rm -rf "$staging" "$dmg"
mkdir -p "$staging"
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
hdiutil create -volname "Cyber Affairs Desk $version" -srcfolder "$staging" -ov -format UDZO "$dmg"

if [ -n "${CYBERDESK_CODESIGN_IDENTITY:-}" ]; then
    codesign --force --timestamp --sign "$CYBERDESK_CODESIGN_IDENTITY" "$dmg"
fi

# 4. Notarise and staple, so Gatekeeper accepts the dmg offline.
if [ -n "${CYBERDESK_NOTARY_PROFILE:-}" ]; then
    if [ -z "${CYBERDESK_CODESIGN_IDENTITY:-}" ]; then
        echo "build.sh: notarisation needs a signed app; set CYBERDESK_CODESIGN_IDENTITY too" >&2
        exit 1
    fi
    xcrun notarytool submit "$dmg" --keychain-profile "$CYBERDESK_NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
    xcrun stapler validate "$dmg"
else
    echo "Not notarising (set CYBERDESK_NOTARY_PROFILE to notarise)."
fi
echo "Built $dmg"
