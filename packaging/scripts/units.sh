# systemd re-reads unit files when it runs (not in containers without it).
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || true
fi
