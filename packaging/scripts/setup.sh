# Secondary zones and journals live in /var/lib/rivet, written by rivetd once
# it runs as rivet. An existing directory is the administrator's: left alone.
if [ ! -d /var/lib/rivet ]; then
	install -d -o rivet -g rivet -m 0750 /var/lib/rivet
fi
# The control-channel key, made once, as rndc-confgen -a does for BIND;
# a key already there (the administrator's, or from an earlier install) stays.
if [ ! -e /etc/rivet/rndc.key ]; then
	/usr/sbin/rivet-keygen -a -q -c /etc/rivet/rndc.key
	chown root:rivet /etc/rivet/rndc.key
	chmod 0640 /etc/rivet/rndc.key
fi
