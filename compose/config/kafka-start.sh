#!/bin/sh
# Starts one Kafka node of compose/kafka.yml from its mounted server.properties, in the official
# apache/kafka image or kafka-chaos's local equivalent (both: jars in /opt/kafka/libs, java on
# PATH). The data dir is formatted on the first start with the cluster's CLUSTER_ID.
set -e
props=/kafka-chaos/server.properties
data=$(sed -n 's/^log\.dirs=//p' "$props")
if [ ! -f "$data/meta.properties" ]; then
  java -cp '/opt/kafka/libs/*' -Dlog4j2.configurationFile=/kafka-chaos/log4j2.properties \
    kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$props" --ignore-formatted
fi
exec java -Xms256m -Xmx512m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/kafka-chaos/log4j2.properties \
  -cp '/opt/kafka/libs/*' kafka.Kafka "$props"
