#!/bin/bash
# Spec data checks (ordinal rule, spec vs reference, .def generation, NOT_IN_WINE.md).
cd "$(dirname "$0")/../.." || exit 2
exec ${PYTHON:-python3} tests/static/spec_rules.py
