# CdcBridge: the two commands a new machine needs are `make run` and `make test`; both install what is missing.
SHELL := /bin/bash
CONFIG ?= Release

.PHONY: deps restore build run up down test bench format clean nuget-placeholder connect-register compose-up compose-down

deps:
	@bash build/install-deps.sh

restore: deps
	@dotnet restore CdcBridge.sln --nologo -v quiet

build: restore
	@dotnet build CdcBridge.sln -c $(CONFIG) --no-restore --nologo -v quiet -clp:NoSummary

## The embedded stack in the foreground with a live status view; Ctrl+C stops everything.
run: build
	@./cdcbridge dev

## The same stack in the background, quiet, for outside tools and tests; `make down` stops it.
up: build
	@bash build/stack-up.sh

down:
	@./cdcbridge dev stop

test: build
	@bash build/test-summary.sh

## Figures for the README: Avro encode/decode throughput, change capture, availability (commit → Shopify latency at
## 200 and 2,000 changes/s, projector rebuild events/s, Shopify calls per burst; about 3 minutes of the total), and orders
## (webhook accept latency and accepts/s, webhook → confirmed Odoo order latency with the writer at 20 Odoo requests/s,
## its use of that budget, every order once in Odoo; about 3 minutes). BENCH=codec,capture,availability,orders (any
## subset, comma-separated) runs only those parts, e.g. `make bench BENCH=orders`.
BENCH ?= all
bench: build
	@BENCH=$(BENCH) dotnet artifacts/bin/CdcBridge.Benchmarks/release/CdcBridge.Benchmarks.dll

CONNECT_URL ?= http://localhost:8083

## Registers (or updates) the Debezium connector of connect/odoo-connector.json with a Kafka Connect REST URL.
connect-register:
	@jq '.config' connect/odoo-connector.json | curl -fsS -X PUT -H 'Content-Type: application/json' --data @- \
		"$(CONNECT_URL)/connectors/$$(jq -r .name connect/odoo-connector.json)/config" && echo

## Production-like parts with Docker (not on the build machines): PostgreSQL, Kafka, Schema Registry, Connect + Debezium.
compose-up:
	@test -f connect/secrets/odoo-db.properties || { echo "Create connect/secrets/odoo-db.properties from the .example first."; exit 1; }
	docker compose up -d --wait
	@$(MAKE) --no-print-directory connect-register CONNECT_URL=http://localhost:8083

compose-down:
	docker compose down

format:
	@dotnet format CdcBridge.sln --verify-no-changes

## Rebuilds build/nuget-placeholders/librdkafka.redist.1.9.2.nupkg from its nuspec.
nuget-placeholder:
	@python3 build/nuget-placeholders/pack.py

clean:
	@rm -rf artifacts
