#!/usr/bin/env bash
# Installs the Debian packages CdcBridge needs, only those missing; quiet when all are present.
# Used by make run / make test / make up. Safe to run again and again.
set -euo pipefail

packages=(
  librdkafka-dev      # librdkafka.so for Confluent.Kafka and the embedded broker (mock cluster)
  kcat                # outside Kafka client used by tests and by users
  postgresql          # initdb/pg_ctl for the embedded PostgreSQL (logical replication)
  jq                  # reading .cdcbridge/endpoints.json and connect/ configs from the shell
  curl                # make connect-register
  python3-avro        # independent Avro implementation for cross-checks
  python3-confluent-kafka  # independent Kafka + Schema Registry client for cross-checks
  python3-requests    # needed by python3-confluent-kafka's schema registry client (only "suggested" by it)
  python3-odoorpc     # a real Odoo client for the Odoo simulator tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing packages: ${missing[*]}. Install them with your package manager (Debian/Ubuntu names)." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "Missing packages: ${missing[*]}; run as root or install sudo." >&2; exit 1; }
  sudo="sudo"
fi
echo "Installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
