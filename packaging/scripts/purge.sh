# Purged: what the package made outside its file list goes too. The
# administrator's edited configuration is kept by dpkg/rpm as they always do.
rm -f /etc/rivet/rndc.key
rmdir /etc/rivet 2>/dev/null || true
rm -rf /var/lib/rivet
if getent passwd rivet >/dev/null 2>&1; then
	userdel rivet >/dev/null 2>&1 || deluser --system rivet >/dev/null 2>&1 || true
fi
if getent group rivet >/dev/null 2>&1; then
	groupdel rivet >/dev/null 2>&1 || delgroup --system rivet >/dev/null 2>&1 || true
fi
