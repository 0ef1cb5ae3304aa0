"""Mechanisms that know no business noun: database, errors, i18n, web shell, observability."""
