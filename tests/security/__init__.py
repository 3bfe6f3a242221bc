"""Attack tests: each module tries one class of attack against the running portal and asserts it fails."""
