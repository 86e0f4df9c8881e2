# `make run` and `make test` are the two quick-start commands; both install first, from the
# lock: requirements.lock pins every package (pip and setuptools included) with its hashes.
VENV ?= .venv
PY := $(VENV)/bin/python
LOCK := requirements.lock
UV_VERSION := 0.13.9

$(VENV)/.installed: pyproject.toml $(LOCK)
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

.PHONY: install run test lint lock audit
install: $(VENV)/.installed

run: $(VENV)/.installed
	$(PY) -m bot

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check bot tests benchmarks
	$(VENV)/bin/ruff format --check bot tests benchmarks
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest

# Refresh the lock after changing a dependency range in pyproject.toml: `make lock` keeps
# every pin the ranges still allow; `make lock UPGRADE=1` takes the newest release in each
# range. Then `make test`, and commit pyproject.toml and requirements.lock together. uv runs
# from a throwaway venv; the lock is for CPython 3.11 on Linux, runtime and dev extra.
lock:
	@tmp=$$(mktemp -d) && python3 -m venv $$tmp/venv \
	  && $$tmp/venv/bin/python -m pip install --quiet uv==$(UV_VERSION) \
	  && printf 'pip\nsetuptools>=68\n' | $$tmp/venv/bin/uv pip compile pyproject.toml - \
	    --extra dev --generate-hashes --python-version 3.11 --python-platform linux \
	    $(if $(UPGRADE),--upgrade) --custom-compile-command "make lock" --quiet -o $(LOCK); \
	status=$$?; rm -rf $$tmp; exit $$status

# Known vulnerabilities in the locked versions: pip-audit (from the dev extra) asks PyPI's
# advisory data about each pinned release (AUDIT_FLAGS="-s osv" asks OSV instead). Found ones
# fail; where the data cannot be reached (no connection, or no package found) it says so in
# one line and passes.
audit: $(VENV)/.installed
	@out=$$($(PY) -m pip_audit --disable-pip --require-hashes -r $(LOCK) \
	  --progress-spinner off $(AUDIT_FLAGS) 2>&1); status=$$?; \
	if [ $$status -ne 0 ] && echo "$$out" | grep -q "known vulnerabilit"; then \
	  echo "$$out"; exit $$status; fi; \
	if echo "$$out" | grep -qE "ConnectionError|ServiceError|Could not connect|Max retries"; then \
	  echo "make audit: not audited: pip-audit could not reach its vulnerability database"; \
	  exit 0; fi; \
	skipped=$$(echo "$$out" | grep -c "could not be audited"); \
	locked=$$(grep -c '^[a-z]' $(LOCK)); \
	if [ $$skipped -ge $$locked ]; then \
	  echo "make audit: not audited: pip-audit could not reach its vulnerability database" \
	    "(no answer for $$skipped of $$locked locked packages)"; exit 0; fi; \
	echo "$$out"; exit $$status
