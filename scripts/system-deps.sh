#!/usr/bin/env bash
# Checks the system libraries the portal needs beyond Python packages:
# WeasyPrint's Pango and fonts (PDF supports), Chromium (browser tests),
# poppler-utils (tests read PDFs back). Installs them with apt-get when run
# as root; otherwise prints the exact command. Never fails the build by
# itself: a test needing a missing library says so.
set -u
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation poppler-utils chromium)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installation des paquets système manquants : ${missing[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") >/tmp/portal-apt.log 2>&1 \
    || echo "Avertissement : apt-get a échoué (voir /tmp/portal-apt.log)."
else
  echo "Paquets système manquants : ${missing[*]}"
  echo "Installez-les avec : sudo apt-get install -y --no-install-recommends ${missing[*]}"
fi
exit 0
