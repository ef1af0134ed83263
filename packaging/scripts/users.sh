# The system user and group rivetd becomes (rivetd -u rivet).
if ! getent passwd rivet >/dev/null 2>&1; then
	if command -v systemd-sysusers >/dev/null 2>&1 && [ -f /usr/lib/sysusers.d/rivet.conf ]; then
		systemd-sysusers /usr/lib/sysusers.d/rivet.conf
	elif command -v useradd >/dev/null 2>&1; then
		getent group rivet >/dev/null 2>&1 || groupadd --system rivet
		useradd --system --gid rivet --home-dir /var/lib/rivet --no-create-home \
			--shell /usr/sbin/nologin --comment "Rivet DNS server" rivet
	else
		adduser --system --group --home /var/lib/rivet --no-create-home \
			--disabled-login --gecos "Rivet DNS server" rivet
	fi
fi
