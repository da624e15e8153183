"""The console's date and time formats (``FORMAT_MODULE_PATH``): every time it shows says its zone."""
