"""Log shipping: Fluent Bit as a DaemonSet (`fluent_bit_daemon_set.FluentBitChart`)."""
