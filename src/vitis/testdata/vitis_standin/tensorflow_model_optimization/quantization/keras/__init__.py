"""Stand-in package path for the Vitis AI quantizer, for tests only."""
