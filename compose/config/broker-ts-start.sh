#!/bin/sh
# Starts one broker-ts node of compose/broker-ts.yml: the shared node properties plus the
# cluster's CLUSTER_ID (broker-ts reads cluster.id from its config, as the harness writes it).
set -e
config=/tmp/broker-ts-server.properties
{ cat /kafka-chaos/server.properties; echo "cluster.id=$CLUSTER_ID"; } > "$config"
exec node bin/broker-ts.js --config "$config"
