"""Log shipping: Fluent Bit as a DaemonSet (`fluent_bit.FluentBitChart`)."""
