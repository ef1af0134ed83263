//! BIND's control-channel protocol (rndc), shared by `rivetctl` and `rivetd`.
