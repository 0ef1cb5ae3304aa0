"""The device history record: one document per lot or serial unit, built from recorded facts."""
