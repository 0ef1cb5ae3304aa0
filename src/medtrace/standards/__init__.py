"""Pure implementations of the external standards MedTrace speaks (GS1, HIBCC and ICCBBA UDIs).

No database, no web, no business module: everything here is importable by the platform, every
module and the CLI at the cost of the standard alone (``medtrace udi parse`` starts fast)."""
