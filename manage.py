#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    """Run administrative tasks (in a trace of their own when the OTEL_* variables ask for traces)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "airline.settings")
    from django.core.management import execute_from_command_line

    from observability import tracing

    tracing.configure("airline-manage")
    with tracing.command_span(sys.argv):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
