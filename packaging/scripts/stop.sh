# The package goes away: stop rivetd and remove its enablement links.
if [ -d /run/systemd/system ]; then
	systemctl --no-reload disable --now rivet.service >/dev/null 2>&1 || true
fi
