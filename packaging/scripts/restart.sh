# After an upgrade a running rivetd restarts on the new binary; a stopped one stays stopped.
if [ -d /run/systemd/system ]; then
	systemctl try-restart rivet.service >/dev/null 2>&1 || true
fi
